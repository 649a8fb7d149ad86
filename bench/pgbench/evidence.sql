-- add chat excerpt: POST /api/v1/cases/{id}/evidence with JSON
-- {"kind":"chat_excerpt","text":…}, the statements of store.Store.AddEvidence
-- on a case in listen (so the abuse-evidence check runs too). The case is
-- a random one of bench.evidence_picks; the text is unique per transaction.
-- Redress hashes the text and parses the chat lines in Go; here the hash is
-- computed in SQL and the lines are the generator's (-D chat_lines).
\set k random(1, :npicks)
\set i :i + 1
-- The bearer token's look-up (store.People.ResolveToken; a prepared statement in Redress).
SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
	u.id, u.email, u.display_name, u.role, u.language, u.time_zone, u.active, u.created_at, u.updated_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active;
SELECT c.id, c.ref, c.external_id, c.platform, c.shop, c.order_ref, c.order_amount, c.order_currency,
	c.buyer_handle, c.buyer_contact, c.kind, c.severity, c.summary,
	c.review_rating, c.review_text, c.review_posted_at, c.review_url,
	c.assignee_id, c.state, c.due_at, c.platform_due_at, c.suspected_abuse,
	c.first_response, c.account, c.root_cause, c.apology, c.skip_apology_reason,
	c.remedy_type, c.remedy_amount, c.remedy_currency, c.remedy_approved_by, c.remedy_approved_at,
	c.outcome_satisfied, c.outcome_review, c.outcome_note, c.close_reason, c.reopen_count,
	c.version, c.created_at, c.updated_at, c.closed_at,
	(c.state <> 'closed' AND c.due_at < now()) AS overdue
	FROM cases c WHERE c.id = (SELECT case_id FROM bench.evidence_picks WHERE n = :k) \gset c_
BEGIN;
SELECT nextval(pg_get_serial_sequence('evidence', 'id')) AS id, x.body,
	encode(sha256(convert_to(x.body, 'UTF8')), 'hex') AS sha256, octet_length(x.body) AS size
	FROM (SELECT :chat || ' #' || :run || '.' || :client_id || '.' || :i AS body) x \gset ev_
SELECT c.id, c.ref, c.external_id, c.platform, c.shop, c.order_ref, c.order_amount, c.order_currency,
	c.buyer_handle, c.buyer_contact, c.kind, c.severity, c.summary,
	c.review_rating, c.review_text, c.review_posted_at, c.review_url,
	c.assignee_id, c.state, c.due_at, c.platform_due_at, c.suspected_abuse,
	c.first_response, c.account, c.root_cause, c.apology, c.skip_apology_reason,
	c.remedy_type, c.remedy_amount, c.remedy_currency, c.remedy_approved_by, c.remedy_approved_at,
	c.outcome_satisfied, c.outcome_review, c.outcome_note, c.close_reason, c.reopen_count,
	c.version, c.created_at, c.updated_at, c.closed_at,
	(c.state <> 'closed' AND c.due_at < now()) AS overdue
	FROM cases c WHERE c.id = :c_id::bigint FOR UPDATE \gset c_
SELECT ledger_seq, ledger_head, now() FROM cases WHERE id = :c_id::bigint \gset l_
SELECT EXISTS (SELECT 1 FROM evidence e WHERE e.case_id = :c_id::bigint
	AND e.kind IN ('chat_excerpt', 'delivery_signature')
	AND NOT EXISTS (SELECT 1 FROM evidence_voids v WHERE v.evidence_id = e.id));
INSERT INTO case_events (case_id, seq, kind, actor_id, at, payload, prev_hash, hash)
	SELECT :c_id::bigint, :l_ledger_seq::bigint + 1, 'evidence_added', :actor::bigint, x.at, x.p::jsonb, :l_ledger_head,
		bench.event_hash(:c_id::bigint, :l_ledger_seq::bigint + 1, 'evidence_added', :actor::bigint, x.at, x.p, :l_ledger_head)
	FROM (SELECT :l_now::timestamptz AS at,
		'{"content_type":"text/plain; charset=utf-8","evidence_id":' || :ev_id ||
		',"kind":"chat_excerpt","sha256":"' || :ev_sha256 || '","size":' || :ev_size || '}' AS p) x
	RETURNING hash \gset e_
UPDATE cases SET external_id = NULLIF(:c_external_id, ''),
	platform = :c_platform,
	shop = :c_shop,
	order_ref = :c_order_ref,
	order_amount = NULLIF(:c_order_amount, '')::numeric,
	order_currency = NULLIF(:c_order_currency, ''),
	buyer_handle = :c_buyer_handle,
	buyer_contact = :c_buyer_contact,
	kind = :c_kind,
	severity = :c_severity,
	summary = :c_summary,
	review_rating = NULLIF(:c_review_rating, '')::smallint,
	review_text = :c_review_text,
	review_posted_at = NULLIF(:c_review_posted_at, '')::timestamptz,
	review_url = :c_review_url,
	assignee_id = NULLIF(:c_assignee_id, '')::bigint,
	state = :c_state,
	due_at = NULLIF(:c_due_at, '')::timestamptz,
	platform_due_at = NULLIF(:c_platform_due_at, '')::timestamptz,
	suspected_abuse = :c_suspected_abuse::boolean,
	first_response = :c_first_response,
	account = :c_account,
	root_cause = NULLIF(:c_root_cause, ''),
	apology = :c_apology,
	skip_apology_reason = :c_skip_apology_reason,
	remedy_type = NULLIF(:c_remedy_type, ''),
	remedy_amount = NULLIF(:c_remedy_amount, '')::numeric,
	remedy_currency = NULLIF(:c_remedy_currency, ''),
	remedy_approved_by = NULLIF(:c_remedy_approved_by, '')::bigint,
	remedy_approved_at = NULLIF(:c_remedy_approved_at, '')::timestamptz,
	outcome_satisfied = NULLIF(:c_outcome_satisfied, '')::boolean,
	outcome_review = NULLIF(:c_outcome_review, ''),
	outcome_note = :c_outcome_note,
	close_reason = NULLIF(:c_close_reason, ''),
	reopen_count = :c_reopen_count::integer,
	closed_at = NULLIF(:c_closed_at, '')::timestamptz,
	search = to_tsvector('simple', array_to_string(tsvector_to_array(search), ' ')),
	version = version + 0, ledger_seq = :l_ledger_seq::bigint + 1, ledger_head = :e_hash, updated_at = now()
	WHERE id = :c_id::bigint AND version = :c_version::bigint;
SELECT c.id, c.ref, c.external_id, c.platform, c.shop, c.order_ref, c.order_amount, c.order_currency,
	c.buyer_handle, c.buyer_contact, c.kind, c.severity, c.summary,
	c.review_rating, c.review_text, c.review_posted_at, c.review_url,
	c.assignee_id, c.state, c.due_at, c.platform_due_at, c.suspected_abuse,
	c.first_response, c.account, c.root_cause, c.apology, c.skip_apology_reason,
	c.remedy_type, c.remedy_amount, c.remedy_currency, c.remedy_approved_by, c.remedy_approved_at,
	c.outcome_satisfied, c.outcome_review, c.outcome_note, c.close_reason, c.reopen_count,
	c.version, c.created_at, c.updated_at, c.closed_at,
	(c.state <> 'closed' AND c.due_at < now()) AS overdue
	FROM cases c WHERE c.id = :c_id::bigint;
INSERT INTO evidence (id, case_id, kind, sha256, size, content_type,
	blob_sha256, body, file_name, note, captured_at, courier, waybill, signed_by, signed_at, status_lines,
	parsed, lines, added_by)
	VALUES (:ev_id, :c_id, 'chat_excerpt', :ev_sha256, :ev_size, 'text/plain; charset=utf-8',
	NULL, :ev_body, '', '', NULL, NULL, NULL, NULL, NULL, NULL,
	true, :chat_lines, :actor);
SELECT e.id, e.case_id, e.kind, e.sha256, e.size, e.content_type, e.blob_sha256, e.body,
	e.file_name, e.note, e.captured_at, e.courier, e.waybill, e.signed_by, e.signed_at, e.status_lines,
	e.parsed, e.lines, e.added_by, e.added_at,
	b.upload_id, b.chunk_size, v.reason AS void_reason, v.voided_by, v.voided_at
	FROM evidence e
	LEFT JOIN evidence_blobs b ON b.sha256 = e.blob_sha256
	LEFT JOIN evidence_voids v ON v.evidence_id = e.id
	WHERE e.id = :ev_id;
END;
