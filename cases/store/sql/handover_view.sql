-- The handover view's open cases of one agent ($1), due first, with the
-- latest handover note on each (to prefill the next one). At most $2 rows.
-- Each open state is a range of cases_assignee_state_due_idx.
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
WHERE c.assignee_id = $1 AND c.state IN ('respond', 'listen', 'apologise', 'remedy', 'follow_up')
ORDER BY c.due_at, c.id
LIMIT $2
