-- A batch's reminder claims, one per array element; the claims that exist
-- already (fired before) are skipped, and the new ones returned.
INSERT INTO reminders (case_id, state, due_at, level, fired_at, recipients)
SELECT u.case_id, u.state, u.due_at, u.level, $6, u.recipients
FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[], $5::integer[]) AS u(case_id, state, due_at, level, recipients)
ON CONFLICT DO NOTHING
RETURNING case_id, level
