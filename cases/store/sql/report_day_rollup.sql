-- Rolls up one day's report facts ($1 the day's start, $2 its end, $3 the
-- day) for each grouping at once: every fact counts in its agent's, its
-- shop's, its kind's and its platform's group. The counts and money go to
-- report_day_counts; durations and remedies' cases, which do not add up,
-- to report_day_values packed as big-endian integers (durations clamped to
-- int4: ±68 years). Both statements read the same facts: run them in one
-- repeatable-read transaction.
WITH f AS MATERIALIZED (
    SELECT d.dim, d.grp, r.*
    FROM report_facts r
    CROSS JOIN LATERAL (VALUES ('agent', coalesce(r.agent_id::text, 'unassigned')), ('shop', r.shop),
        ('kind', r.kind), ('platform', r.platform)) AS d (dim, grp)
    WHERE r.at >= $1 AND r.at < $2
), counts AS (
    INSERT INTO report_day_counts (dim, day, grp, figure, sub, note, currency, n, review, claim, platform_word, passed, amount)
    SELECT dim, $3::date, grp, figure, sub, note, currency, count(*), count(*) FILTER (WHERE review),
        count(*) FILTER (WHERE claim), count(*) FILTER (WHERE platform_word), count(*) FILTER (WHERE passed),
        coalesce(sum(amount), 0)
    FROM f
    GROUP BY dim, grp, figure, sub, note, currency
)
INSERT INTO report_day_values (dim, day, grp, figure, currency, wall, biz, cycle_wall, cycle_biz, cases)
SELECT dim, $3::date, grp, figure, currency,
    coalesce(string_agg(int4send(greatest(least(wall_s, 2147483647), -2147483648)::int), ''::bytea) FILTER (WHERE wall_s IS NOT NULL AND biz_s IS NOT NULL), ''),
    coalesce(string_agg(int4send(greatest(least(biz_s, 2147483647), -2147483648)::int), ''::bytea) FILTER (WHERE wall_s IS NOT NULL AND biz_s IS NOT NULL), ''),
    coalesce(string_agg(int4send(greatest(least(cycle_wall_s, 2147483647), -2147483648)::int), ''::bytea) FILTER (WHERE cycle_wall_s IS NOT NULL AND cycle_biz_s IS NOT NULL), ''),
    coalesce(string_agg(int4send(greatest(least(cycle_biz_s, 2147483647), -2147483648)::int), ''::bytea) FILTER (WHERE cycle_wall_s IS NOT NULL AND cycle_biz_s IS NOT NULL), ''),
    coalesce(string_agg(int8send(case_id), ''::bytea) FILTER (WHERE figure = 'remedy'), '')
FROM f
WHERE figure = 'remedy' OR wall_s IS NOT NULL OR cycle_wall_s IS NOT NULL
GROUP BY dim, grp, figure, currency
