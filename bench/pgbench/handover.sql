-- handover view: GET /api/v1/handover?agent_id=A, the queries of
-- store.Store.HandoverView: one agent's open cases, due first, with the
-- latest handover note on each, then the handovers waiting to and from the
-- agent. The agent is drawn uniformly, as Redress's load generator draws it.
\set a random(:agent_min, :agent_max)
-- The bearer token's look-up (store.People.ResolveToken; a prepared statement in Redress).
SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
	u.id, u.email, u.display_name, u.role, u.language, u.time_zone, u.active, u.created_at, u.updated_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active;
SELECT c.id, c.ref, c.shop_id, c.shop, c.platform, c.kind, c.severity, c.state, c.summary, c.buyer_handle,
       c.due_at, c.platform_due_at, c.updated_at,
       (c.state = 'remedy' AND EXISTS (SELECT 1 FROM remedies r WHERE r.case_id = c.id AND r.status = 'pending')) AS pending_approval,
       coalesce(l.status, '') AS last_status, coalesce(l.note, '') AS last_note,
       coalesce(l.next_action, '') AS last_next_action, coalesce(l.contingency, '') AS last_contingency,
       coalesce(l.promise, '') AS last_promise, l.promise_due_at AS last_promise_due_at
FROM cases c
LEFT JOIN LATERAL (
    SELECT hc.status, hc.note, hc.next_action, hc.contingency, hc.promise, hc.promise_due_at
    FROM handover_cases hc WHERE hc.case_id = c.id ORDER BY hc.handover_id DESC LIMIT 1
) l ON true
WHERE c.assignee_id = :a AND c.state IN ('respond', 'listen', 'apologise', 'remedy', 'follow_up')
ORDER BY c.due_at, c.id
LIMIT :max_cases;
SELECT id FROM handovers WHERE to_user_id = :a AND acknowledged_at IS NULL ORDER BY id;
SELECT id FROM handovers WHERE from_user_id = :a AND acknowledged_at IS NULL ORDER BY id;
