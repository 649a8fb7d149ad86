-- The counts and money of a report's whole days ($2 the first, $3 the day
-- after the last) in one grouping ($1), summed per group and period ($4
-- the period length or '', periods starting in the days' zone), for every
-- group or one ($5, an agent's own report).
SELECT grp, CASE WHEN $4::text = '' THEN NULL ELSE date_trunc($4::text, day::timestamp) END AS period,
    figure, sub, note, currency, sum(n) AS n, sum(review) AS review, sum(claim) AS claim,
    sum(platform_word) AS platform_word, sum(passed) AS passed, sum(amount) AS amount
FROM report_day_counts
WHERE dim = $1 AND day >= $2::date AND day < $3::date AND ($5::text IS NULL OR grp = $5::text)
GROUP BY grp, period, figure, sub, note, currency
