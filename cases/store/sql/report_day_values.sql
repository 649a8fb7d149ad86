-- The packed durations and remedies' cases of a report's whole days, as
-- sql/report_day_counts.sql selects them, a row per day: the values are
-- joined in Go, which takes their percentiles.
SELECT grp, CASE WHEN $4::text = '' THEN NULL ELSE date_trunc($4::text, day::timestamp) END AS period,
    figure, currency, wall, biz, cycle_wall, cycle_biz, cases
FROM report_day_values
WHERE dim = $1 AND day >= $2::date AND day < $3::date AND ($5::text IS NULL OR grp = $5::text)
