-- case page: GET /api/v1/cases/{id} and GET /api/v1/cases/{id}/events for
-- a random case, each request with its token look-up (store.Store.Get,
-- store.Store.Events).
\set id random(1, :max_id)
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
	FROM cases c WHERE c.id = :id;
-- The bearer token's look-up (store.People.ResolveToken; a prepared statement in Redress).
SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
	u.id, u.email, u.display_name, u.role, u.language, u.time_zone, u.active, u.created_at, u.updated_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active;
SELECT EXISTS (SELECT 1 FROM cases WHERE id = :id);
SELECT case_id, seq, kind, actor_id, at, payload, prev_hash, hash
	FROM case_events WHERE case_id = :id ORDER BY seq;
