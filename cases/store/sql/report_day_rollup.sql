-- Rolls up one day's report facts ($1 the day's start, $2 its end, $3 the
-- day) for each grouping at once (grouping sets: every fact counts in its
-- agent's, its shop's, its kind's and its platform's group). The counts
-- and money go to report_day_counts; durations and remedies' cases, which
-- do not add up, to report_day_values packed as big-endian integers
-- (durations clamped to int4: ±68 years; least and greatest skip NULL, hence
-- the CASE). One statement, so that both
-- read the same facts.
WITH f AS (
    SELECT coalesce(agent_id::text, 'unassigned') AS agent, shop, kind, platform, case_id, figure, sub, note,
        currency, amount, review, claim, platform_word, passed,
        (CASE WHEN wall_s IS NOT NULL THEN greatest(least(wall_s, 2147483647), -2147483648) END)::int AS wall_s,
        (CASE WHEN biz_s IS NOT NULL THEN greatest(least(biz_s, 2147483647), -2147483648) END)::int AS biz_s,
        (CASE WHEN cycle_wall_s IS NOT NULL THEN greatest(least(cycle_wall_s, 2147483647), -2147483648) END)::int AS cycle_wall_s,
        (CASE WHEN cycle_biz_s IS NOT NULL THEN greatest(least(cycle_biz_s, 2147483647), -2147483648) END)::int AS cycle_biz_s
    FROM report_facts
    WHERE at >= $1 AND at < $2
), counts AS (
    INSERT INTO report_day_counts (dim, day, grp, figure, sub, note, currency, n, review, claim, platform_word, passed, amount)
    SELECT CASE WHEN grouping(agent) = 0 THEN 'agent' WHEN grouping(shop) = 0 THEN 'shop'
            WHEN grouping(kind) = 0 THEN 'kind' ELSE 'platform' END,
        $3::date, coalesce(agent, shop, kind, platform), figure, sub, note, currency, count(*),
        count(*) FILTER (WHERE review), count(*) FILTER (WHERE claim), count(*) FILTER (WHERE platform_word),
        count(*) FILTER (WHERE passed), coalesce(sum(amount), 0)
    FROM f
    GROUP BY GROUPING SETS ((agent, figure, sub, note, currency), (shop, figure, sub, note, currency),
        (kind, figure, sub, note, currency), (platform, figure, sub, note, currency))
)
INSERT INTO report_day_values (dim, day, grp, figure, currency, wall, biz, cycle_wall, cycle_biz, cases)
SELECT CASE WHEN grouping(agent) = 0 THEN 'agent' WHEN grouping(shop) = 0 THEN 'shop'
        WHEN grouping(kind) = 0 THEN 'kind' ELSE 'platform' END,
    $3::date, coalesce(agent, shop, kind, platform), figure, currency,
    coalesce(string_agg(int4send(wall_s), ''::bytea) FILTER (WHERE wall_s IS NOT NULL AND biz_s IS NOT NULL), ''),
    coalesce(string_agg(int4send(biz_s), ''::bytea) FILTER (WHERE wall_s IS NOT NULL AND biz_s IS NOT NULL), ''),
    coalesce(string_agg(int4send(cycle_wall_s), ''::bytea) FILTER (WHERE cycle_wall_s IS NOT NULL AND cycle_biz_s IS NOT NULL), ''),
    coalesce(string_agg(int4send(cycle_biz_s), ''::bytea) FILTER (WHERE cycle_wall_s IS NOT NULL AND cycle_biz_s IS NOT NULL), ''),
    coalesce(string_agg(int8send(case_id), ''::bytea) FILTER (WHERE figure = 'remedy'), '')
FROM f
WHERE figure = 'remedy' OR wall_s IS NOT NULL OR cycle_wall_s IS NOT NULL
GROUP BY GROUPING SETS ((agent, figure, currency), (shop, figure, currency), (kind, figure, currency),
    (platform, figure, currency))
