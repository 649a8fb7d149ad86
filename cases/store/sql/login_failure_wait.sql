-- How many seconds a sign-in must wait, or NULL (or <= 0) when it need
-- not: for account $1 from address $2, with failures counted over the
-- window ($3 seconds).
--   pair_wait: the account from this address is locked until the Nth
--     newest of its failures leaves the window (N = $4).
--   account_wait, address_wait: past a ceiling of failures ($5 for the
--     account from anywhere, $6 for the address to any account), one
--     attempt per $7 seconds after the newest failure.
SELECT
	(SELECT ceil(extract(epoch FROM at + make_interval(secs => $3) - now()))::bigint
	   FROM login_failures WHERE account = $1 AND address = $2 AND at > now() - make_interval(secs => $3)
	   ORDER BY at DESC OFFSET $4 - 1 LIMIT 1) AS pair_wait,
	(SELECT ceil(extract(epoch FROM max(at) + make_interval(secs => $7) - now()))::bigint
	   FROM login_failures WHERE account = $1 AND at > now() - make_interval(secs => $3)
	   HAVING count(*) >= $5) AS account_wait,
	(SELECT ceil(extract(epoch FROM max(at) + make_interval(secs => $7) - now()))::bigint
	   FROM login_failures WHERE address = $2 AND at > now() - make_interval(secs => $3)
	   HAVING count(*) >= $6) AS address_wait
