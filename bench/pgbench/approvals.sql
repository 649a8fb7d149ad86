-- approvals list: GET /api/v1/approvals?limit=50 as a supervisor, the query
-- of store.Store.Approvals: the remedies waiting for approval, oldest
-- first, each with its case, its applied total, the buyer's remedies on
-- other cases and the case's evidence count.
SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
	u.id, u.email, u.display_name, u.role, u.language, u.time_zone, u.active, u.created_at, u.updated_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active;
SELECT r.id, r.case_id, r.type, r.amount, r.currency, r.status, r.needs_approval, r.limit_reason,
	r.proposed_by, r.proposed_at, r.proposed_seq, r.approval_due_at, r.decided_by, r.decided_at, r.comment, r.applied_at,
	c.id, c.ref, c.external_id, c.platform, c.shop, c.order_ref, c.order_amount, c.order_currency,
	c.buyer_handle, c.buyer_contact, c.kind, c.severity, c.summary,
	c.review_rating, c.review_text, c.review_posted_at, c.review_url,
	c.assignee_id, c.state, c.due_at, c.platform_due_at, c.suspected_abuse,
	c.first_response, c.account, c.root_cause, c.apology, c.skip_apology_reason,
	c.remedy_type, c.remedy_amount, c.remedy_currency, c.remedy_approved_by, c.remedy_approved_at,
	c.outcome_satisfied, c.outcome_review, c.outcome_note, c.close_reason, c.reopen_count,
	c.version, c.created_at, c.updated_at, c.closed_at,
	(c.state <> 'closed' AND c.due_at < now()) AS overdue,
	(SELECT count(*) FROM evidence e WHERE e.case_id = c.id) AS evidence_count,
	(SELECT count(DISTINCT b.case_id) FROM remedies b WHERE b.shop = c.shop AND b.buyer_handle = c.buyer_handle
		AND c.buyer_handle <> '' AND b.status = 'applied' AND b.case_id <> c.id) AS buyer_cases,
	(SELECT coalesce(jsonb_agg(jsonb_build_array(t.currency, t.total)), '[]') FROM (
		SELECT b.currency, sum(b.amount) AS total FROM remedies b WHERE b.shop = c.shop AND b.buyer_handle = c.buyer_handle
			AND c.buyer_handle <> '' AND b.status = 'applied' AND b.case_id <> c.id GROUP BY b.currency ORDER BY b.currency) t) AS buyer_total,
	(SELECT coalesce(jsonb_agg(jsonb_build_array(t.currency, t.total)), '[]') FROM (
		SELECT b.currency, sum(b.amount) AS total FROM remedies b WHERE b.case_id = c.id AND b.status = 'applied'
			GROUP BY b.currency ORDER BY b.currency) t) AS case_total
	FROM (SELECT * FROM remedies r WHERE r.status = 'pending' ORDER BY r.proposed_at, r.id LIMIT 51) r
	JOIN cases c ON c.id = r.case_id
	ORDER BY r.proposed_at, r.id;
