-- How many seconds an account ($1) and an address ($2) stay locked out:
-- until the Nth newest failure in the window ($3 seconds) leaves it, where
-- N is the account's limit ($4) or the address's ($5). NULL when not
-- locked out.
SELECT
	(SELECT ceil(extract(epoch FROM at + make_interval(secs => $3) - now()))::bigint
	   FROM login_failures WHERE account = $1 AND at > now() - make_interval(secs => $3)
	   ORDER BY at DESC OFFSET $4 - 1 LIMIT 1) AS account_wait,
	(SELECT ceil(extract(epoch FROM at + make_interval(secs => $3) - now()))::bigint
	   FROM login_failures WHERE address = $2 AND at > now() - make_interval(secs => $3)
	   ORDER BY at DESC OFFSET $5 - 1 LIMIT 1) AS address_wait
