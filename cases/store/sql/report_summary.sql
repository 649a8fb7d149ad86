-- A report's sums of facts ($1 its start, $2 its end, $3 the one agent of
-- an agent's report or NULL, $4 the grouping, $5 the period length or '',
-- $6 the zone periods start in), per group and period, in three parts:
-- 'count', per figure, sub, note and currency, the counts and the money
-- (hashed, no sort); 'durations', per figure that has them, the median and
-- 90th percentile of each duration (percentile_disc is the nearest rank,
-- as workflows.Percentiles), sorting only those facts; 'remedy_cases', per
-- currency, the number of cases with a remedy in it.
WITH f AS MATERIALIZED (
    SELECT CASE $4::text WHEN 'agent' THEN coalesce(agent_id::text, 'unassigned')
            WHEN 'shop' THEN shop WHEN 'kind' THEN kind ELSE platform END AS grp,
        CASE WHEN $5::text = '' THEN NULL ELSE date_trunc($5::text, at AT TIME ZONE $6::text) END AS period,
        case_id, figure, sub, note, currency, amount, review, claim, platform_word, passed,
        wall_s, biz_s, cycle_wall_s, cycle_biz_s
    FROM report_facts
    WHERE at >= $1 AND at < $2 AND ($3::bigint IS NULL OR agent_id = $3::bigint)
)
SELECT 'count' AS part, grp, period, figure, sub, note, currency, count(*) AS n,
    count(*) FILTER (WHERE review) AS review, count(*) FILTER (WHERE claim) AS claim,
    count(*) FILTER (WHERE platform_word) AS platform_word, count(*) FILTER (WHERE passed) AS passed,
    coalesce(sum(amount), 0) AS amount, 0::bigint AS cases,
    0::bigint AS wall_n, NULL::bigint AS wall_median, NULL::bigint AS wall_p90,
    0::bigint AS biz_n, NULL::bigint AS biz_median, NULL::bigint AS biz_p90,
    0::bigint AS cycle_wall_n, NULL::bigint AS cycle_wall_median, NULL::bigint AS cycle_wall_p90,
    0::bigint AS cycle_biz_n, NULL::bigint AS cycle_biz_median, NULL::bigint AS cycle_biz_p90
FROM f
GROUP BY grp, period, figure, sub, note, currency
UNION ALL
SELECT 'durations', grp, period, figure, '', '', '', count(*), 0, 0, 0, 0, 0, 0,
    count(wall_s),
    percentile_disc(0.5) WITHIN GROUP (ORDER BY wall_s),
    percentile_disc(0.9) WITHIN GROUP (ORDER BY wall_s),
    count(biz_s),
    percentile_disc(0.5) WITHIN GROUP (ORDER BY biz_s),
    percentile_disc(0.9) WITHIN GROUP (ORDER BY biz_s),
    count(cycle_wall_s),
    percentile_disc(0.5) WITHIN GROUP (ORDER BY cycle_wall_s),
    percentile_disc(0.9) WITHIN GROUP (ORDER BY cycle_wall_s),
    count(cycle_biz_s),
    percentile_disc(0.5) WITHIN GROUP (ORDER BY cycle_biz_s),
    percentile_disc(0.9) WITHIN GROUP (ORDER BY cycle_biz_s)
FROM f
WHERE wall_s IS NOT NULL
GROUP BY grp, period, figure
UNION ALL
SELECT 'remedy_cases', grp, period, figure, '', '', currency, count(*), 0, 0, 0, 0, 0, count(DISTINCT case_id),
    0, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL
FROM f
WHERE figure = 'remedy'
GROUP BY grp, period, figure, currency
