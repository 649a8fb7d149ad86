-- Uses and outcomes of replies $1 (bigint[]), from the ledger: each event
-- whose payload names a reply in reply_used is one use; the cases that
-- used a reply give its outcomes. A reopen counts when it came after the
-- reply's first use on the case; the audit verdict is the case's latest
-- "audited" (or "verdict") event, failed when it is rework.
WITH used AS (
    SELECT (e.payload->'reply_used'->>'reply_id')::bigint AS reply_id, e.case_id,
           count(*) AS n, min(e.seq) AS first_seq
    FROM case_events e
    WHERE e.payload ? 'reply_used'
      AND (e.payload->'reply_used'->>'reply_id')::bigint = ANY($1::bigint[])
    GROUP BY 1, 2
), verdicts AS (
    SELECT DISTINCT ON (e.case_id) e.case_id,
           coalesce(e.payload->>'verdict', e.payload->>'decision') AS verdict
    FROM case_events e
    WHERE e.kind IN ('audited', 'verdict') AND e.case_id IN (SELECT case_id FROM used)
    ORDER BY e.case_id, e.seq DESC
)
SELECT u.reply_id,
       sum(u.n)::bigint AS uses,
       count(*) AS cases,
       count(*) FILTER (WHERE c.state = 'closed' AND c.outcome_review IN ('upgraded', 'removed', 'unchanged')) AS review_cases,
       count(*) FILTER (WHERE c.state = 'closed' AND c.outcome_review IN ('upgraded', 'removed')) AS recovered,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM case_events r WHERE r.case_id = u.case_id
                                      AND r.kind = 'transitioned' AND r.payload->>'move' = 'reopen'
                                      AND r.seq > u.first_seq)) AS reopened,
       count(v.verdict) AS audited,
       count(*) FILTER (WHERE v.verdict = 'rework') AS audit_failed
FROM used u
JOIN cases c ON c.id = u.case_id
LEFT JOIN verdicts v ON v.case_id = u.case_id
GROUP BY u.reply_id
