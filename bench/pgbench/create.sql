-- create case: POST /api/v1/cases, the statements of store.Store.Create.
-- The texts come from the seed's generator (-D); the external id is unique
-- per run, client and transaction. The event's hash is computed in SQL
-- (bench.event_hash) so that the ledger stays verifiable; Redress computes
-- it in Go.
\set i :i + 1
-- The bearer token's look-up (store.People.ResolveToken; a prepared statement in Redress).
SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
	u.id, u.email, u.display_name, u.role, u.language, u.time_zone, u.active, u.created_at, u.updated_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active;
BEGIN;
INSERT INTO cases (external_id, platform, shop, order_ref, order_amount, order_currency,
	buyer_handle, buyer_contact, kind, severity, summary,
	review_rating, review_text, review_posted_at, review_url,
	assignee_id, state, due_at, platform_due_at, suspected_abuse,
	first_response, account, root_cause, apology, skip_apology_reason,
	remedy_type, remedy_amount, remedy_currency, remedy_approved_by, remedy_approved_at,
	outcome_satisfied, outcome_review, outcome_note, close_reason, reopen_count,
	closed_at, search, created_by)
	VALUES ('PGB' || :run || 'C' || :client_id || 'N' || :i, 'taobao', :shop, :order_ref, 128.50, 'CNY',
	:buyer, :contact, 'bad_review', 'normal', :summary,
	1, :review, NULL, '',
	NULL, 'respond', now() + 1800000000::bigint * interval '1 microsecond', NULL, false,
	'', '', NULL, '', '',
	NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, '', NULL, 0,
	NULL, to_tsvector('simple', :doc), :actor)
	RETURNING id, created_at \gset
SELECT c.id, c.ref, c.external_id, c.platform, c.shop, c.order_ref, c.order_amount, c.order_currency,
	c.buyer_handle, c.buyer_contact, c.kind, c.severity, c.summary,
	c.review_rating, c.review_text, c.review_posted_at, c.review_url,
	c.assignee_id, c.state, c.due_at, c.platform_due_at, c.suspected_abuse,
	c.first_response, c.account, c.root_cause, c.apology, c.skip_apology_reason,
	c.remedy_type, c.remedy_amount, c.remedy_currency, c.remedy_approved_by, c.remedy_approved_at,
	c.outcome_satisfied, c.outcome_review, c.outcome_note, c.close_reason, c.reopen_count,
	c.version, c.created_at, c.updated_at, c.closed_at,
	(c.state <> 'closed' AND c.due_at < now()) AS overdue
	FROM cases c WHERE c.id = :id \gset c_
INSERT INTO case_events (case_id, seq, kind, actor_id, at, payload, prev_hash, hash)
	SELECT :id::bigint, 1, 'created', :actor::bigint, x.at, x.p::jsonb, '',
		bench.event_hash(:id::bigint, 1, 'created', :actor::bigint, x.at, x.p, '')
	FROM (SELECT :created_at::timestamptz AS at,
		'{"due_at":' || to_json(bench.rfc3339(:c_due_at::timestamptz)) || ',"external_id":' || to_json(:c_external_id::text) ||
		',"kind":"bad_review","platform":"taobao","ref":' || to_json(:c_ref::text) ||
		',"severity":"normal","shop":' || to_json(:c_shop::text) || ',"state":"respond"}' AS p) x
	RETURNING hash \gset e_
UPDATE cases SET ledger_seq = 1, ledger_head = :e_hash,
	search = to_tsvector('simple', 'c ' || substr(:c_ref, 3) || ' ' || lower(:c_external_id) || ' ' || :doc)
	WHERE id = :id;
END;
