-- A page of webhook $1's deliveries, newest first, before delivery id $2
-- (0: from the newest), of status $3 ('': any), at most $4 rows.
SELECT id, webhook_id, event, case_id, payload, message, status, attempts,
	CASE WHEN status = 'pending' THEN next_attempt_at END AS next_attempt_at,
	created_at, delivered_at, last_error
FROM webhook_deliveries
WHERE webhook_id = $1 AND ($2::bigint = 0 OR id < $2::bigint) AND ($3 = '' OR status = $3)
ORDER BY id DESC LIMIT $4
