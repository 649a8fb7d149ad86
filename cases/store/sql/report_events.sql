-- The ledger events reports read, of the kinds some figure uses, with the
-- payload fields a figure uses read here, typed (store.Reports adds which
-- cases and events, and the order); a verdict brings the reasons its audit
-- was selected for, which the audit row recorded at selection. The cases
-- table is not read: even the shop comes from the created event.
SELECT e.case_id, e.seq, e.kind, e.at,
    CASE WHEN e.kind = 'transitioned' THEN e.payload->>'from' ELSE '' END AS from_state,
    CASE e.kind WHEN 'transitioned' THEN e.payload->>'to' WHEN 'created' THEN coalesce(e.payload->>'state', '') ELSE '' END AS to_state,
    CASE WHEN e.kind = 'transitioned' THEN coalesce(e.payload->>'move', '') ELSE '' END AS move,
    CASE WHEN e.kind = 'transitioned' THEN coalesce((e.payload->>'was_overdue')::boolean, false) ELSE false END AS was_overdue,
    CASE WHEN e.kind = 'transitioned' THEN coalesce(e.payload->>'close_reason', '') ELSE '' END AS close_reason,
    CASE WHEN e.kind = 'transitioned' THEN coalesce(e.payload#>>'{outcome,review}', '') ELSE '' END AS review,
    CASE WHEN e.kind = 'transitioned' THEN coalesce(e.payload#>>'{remedy,type}', '') ELSE '' END AS remedy_type,
    CASE WHEN e.kind = 'transitioned' THEN coalesce(e.payload#>>'{remedy,amount}', '') ELSE '' END AS remedy_amount,
    CASE WHEN e.kind = 'transitioned' THEN coalesce(e.payload#>>'{remedy,currency}', '') ELSE '' END AS remedy_currency,
    CASE WHEN e.kind IN ('reminded', 'escalated') THEN coalesce(e.payload->>'level', '') ELSE '' END AS level,
    CASE WHEN e.kind IN ('reminded', 'escalated') THEN coalesce(e.payload->>'state', '') ELSE '' END AS step_state,
    CASE e.kind WHEN 'created' THEN (e.payload->>'assignee_id')::bigint
        WHEN 'assigned' THEN (e.payload->>'to')::bigint
        WHEN 'handover_acknowledged' THEN (e.payload->>'to')::bigint END AS assignee,
    CASE WHEN e.kind IN ('handed_over', 'handover_acknowledged') THEN (e.payload->>'handover_id')::bigint ELSE 0 END AS handover_id,
    e.kind = 'handed_over' AND e.payload ? 'note' AS handover_note,
    CASE e.kind WHEN 'created' THEN coalesce(e.payload->>'kind', '')
        WHEN 'edited' THEN coalesce(e.payload#>>'{changes,kind,new}', '') ELSE '' END AS case_kind,
    CASE e.kind WHEN 'created' THEN coalesce(e.payload->>'shop', '')
        WHEN 'edited' THEN coalesce(e.payload#>>'{changes,shop,new}', '') ELSE '' END AS shop,
    CASE e.kind WHEN 'created' THEN coalesce(e.payload->>'platform', '')
        WHEN 'edited' THEN coalesce(e.payload#>>'{changes,platform,new}', '') ELSE '' END AS platform,
    coalesce(a.id, 0) AS audit_id,
    CASE WHEN e.kind = 'audited' THEN coalesce((e.payload->>'round')::int, 1) ELSE 0 END AS round,
    CASE WHEN e.kind = 'audited' THEN coalesce(e.payload->>'verdict', '') ELSE '' END AS verdict,
    coalesce(a.reasons, '{}') AS audit_reasons,
    e.kind = 'review_changed' AND (
        coalesce((e.payload#>>'{changes,removed,new}')::boolean, false)
        OR coalesce((e.payload#>>'{changes,rating,new}')::int > (e.payload#>>'{changes,rating,old}')::int, false)
    ) AS review_up
FROM case_events e
LEFT JOIN audits a ON e.kind = 'audited' AND a.id = (e.payload->>'audit_id')::bigint
