-- transition: POST /api/v1/cases/{id}/transitions, respond -> listen with a
-- first response and If-Match: the statements of store.Store.Change.
-- Each transaction takes the next case of bench.transition_picks (cases in
-- respond set aside for pgbench, disjoint from Redress's), looked up inside
-- the locking SELECT. The event is inserted before the UPDATE here only
-- because the UPDATE needs its hash, which pgbench computes in SQL.
-- The bearer token's look-up (store.People.ResolveToken; a prepared statement in Redress).
SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
	u.id, u.email, u.display_name, u.role, u.language, u.time_zone, u.active, u.created_at, u.updated_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active;
BEGIN;
SELECT c.id, c.ref, c.external_id, c.platform, c.shop, c.order_ref, c.order_amount, c.order_currency,
	c.buyer_handle, c.buyer_contact, c.kind, c.severity, c.summary,
	c.review_rating, c.review_text, c.review_posted_at, c.review_url,
	c.assignee_id, c.state, c.due_at, c.platform_due_at, c.suspected_abuse,
	c.first_response, c.account, c.root_cause, c.apology, c.skip_apology_reason,
	c.remedy_type, c.remedy_amount, c.remedy_currency, c.remedy_approved_by, c.remedy_approved_at,
	c.outcome_satisfied, c.outcome_review, c.outcome_note, c.close_reason, c.reopen_count,
	c.version, c.created_at, c.updated_at, c.closed_at,
	(c.state <> 'closed' AND c.due_at < now()) AS overdue
	FROM cases c WHERE c.id = (SELECT case_id FROM bench.transition_picks
		WHERE n = (SELECT (nextval('bench.transition_seq') - 1) % :npicks + 1)) FOR UPDATE \gset c_
SELECT ledger_seq, ledger_head, now() FROM cases WHERE id = :c_id::bigint \gset l_
INSERT INTO case_events (case_id, seq, kind, actor_id, at, payload, prev_hash, hash)
	SELECT :c_id::bigint, :l_ledger_seq::bigint + 1, 'transitioned', :actor::bigint, x.at, x.p::jsonb, :l_ledger_head,
		bench.event_hash(:c_id::bigint, :l_ledger_seq::bigint + 1, 'transitioned', :actor::bigint, x.at, x.p, :l_ledger_head)
	FROM (SELECT :l_now::timestamptz AS at,
		'{"due_at":' || to_json(bench.rfc3339(:l_now::timestamptz + interval '4 hours')) ||
		',"first_response":' || to_json(:first_response::text) ||
		',"from":"respond","move":"forward","to":"listen","was_overdue":' ||
		CASE WHEN :c_due_at::timestamptz < :l_now::timestamptz THEN 'true' ELSE 'false' END || '}' AS p) x
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
	state = 'listen',
	due_at = :l_now::timestamptz + interval '4 hours',
	platform_due_at = NULLIF(:c_platform_due_at, '')::timestamptz,
	suspected_abuse = :c_suspected_abuse::boolean,
	first_response = :first_response,
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
	version = version + 1, ledger_seq = :l_ledger_seq::bigint + 1, ledger_head = :e_hash, updated_at = now()
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
END;
