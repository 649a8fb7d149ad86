-- The cases of some handovers ($1), in the order they were handed.
SELECT hc.handover_id, hc.case_id, c.ref, hc.shop_id, c.shop, hc.status, hc.note, hc.next_action, hc.next_action_due_at,
       hc.contingency, hc.promise, hc.promise_due_at, hc.case_state, hc.case_due_at, hc.case_platform_due_at,
       hc.read_back, hc.acknowledged_at, hc.acknowledged_by
FROM handover_cases hc JOIN cases c ON c.id = hc.case_id
WHERE hc.handover_id = ANY($1)
ORDER BY hc.handover_id, hc.position
