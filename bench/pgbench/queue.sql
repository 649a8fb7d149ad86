-- queue page: GET /api/v1/cases?state=S&assignee_id=A&limit=50&cursor=C, the
-- query of store.Store.List: one agent's cases in one open state, due
-- first, 50 rows (and one more to know there is a next page) after a
-- keyset position. Agent, state and position are drawn as Redress's load
-- generator draws them: uniformly, the position's time between the 5th and
-- 85th percentile of open cases' due times.
\set a random(:agent_min, :agent_max)
\set s random(1, 5)
\set t random(:t_min, :t_max)
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
	FROM cases c WHERE c.state = (ARRAY['respond', 'listen', 'apologise', 'remedy', 'follow_up'])[:s]
	AND c.assignee_id = :a AND (c.due_at, c.id) > (to_timestamp(:t), 1)
	ORDER BY c.due_at ASC NULLS LAST, c.id ASC LIMIT 51;
