-- A handover's cases, one per array element, with the case as it stands
-- (for reports). The partial unique index handover_cases_pending_key
-- refuses a case already waiting in another handover.
INSERT INTO handover_cases (handover_id, case_id, shop_id, position, status, note, next_action, next_action_due_at,
                            contingency, promise, promise_due_at, case_state, case_due_at, case_platform_due_at)
SELECT $1, u.case_id, c.shop_id, u.position, u.status, u.note, u.next_action, u.next_action_due_at,
       u.contingency, u.promise, u.promise_due_at, c.state, c.due_at, c.platform_due_at
FROM unnest($2::bigint[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::timestamptz[])
     AS u(case_id, position, status, note, next_action, next_action_due_at, contingency, promise, promise_due_at)
JOIN cases c ON c.id = u.case_id
