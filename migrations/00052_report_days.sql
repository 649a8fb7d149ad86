-- +goose Up
-- Day roll-ups of the report facts, so that a month's or a year's report
-- sums a few hundred rows per day instead of every fact: per day (in the
-- zone report_state.day_zone names), per grouping (dim: agent, shop, kind
-- or platform) and group. They are derived from report_facts only and
-- rebuilt from them: report_days_dirty lists the days whose facts changed
-- since their roll-up was made. Reports read the roll-ups of the whole
-- days of their range and the facts of its partial days (store.Reports).
--
-- report_day_counts: the counts and money of a figure (and its sub, note
-- and currency), as the facts would be summed.
CREATE TABLE report_day_counts (
    dim           text    NOT NULL,
    day           date    NOT NULL,
    grp           text    NOT NULL,
    figure        text    NOT NULL,
    sub           text    NOT NULL,
    note          text    NOT NULL,
    currency      text    NOT NULL,
    n             integer NOT NULL,
    review        integer NOT NULL,
    claim         integer NOT NULL,
    platform_word integer NOT NULL,
    passed        integer NOT NULL,
    amount        bigint  NOT NULL,
    PRIMARY KEY (dim, day, grp, figure, sub, note, currency)
);

-- report_day_values: what does not add up, the values themselves, packed
-- as big-endian integers (int4send, int8send): a duration figure's
-- seconds on the wall clock and in business hours, and its cycle's
-- (closed), each in pairs with wall and business of the same facts; a
-- remedy's case ids per currency, so that cases with a remedy are counted
-- once over many days. Percentiles are taken of the values (nearest rank,
-- workflows.Percentiles): exact, whatever the range.
CREATE TABLE report_day_values (
    dim        text  NOT NULL,
    day        date  NOT NULL,
    grp        text  NOT NULL,
    figure     text  NOT NULL,
    currency   text  NOT NULL,
    wall       bytea NOT NULL,
    biz        bytea NOT NULL,
    cycle_wall bytea NOT NULL,
    cycle_biz  bytea NOT NULL,
    cases      bytea NOT NULL,
    PRIMARY KEY (dim, day, grp, figure, currency)
);

-- A refresh that changes a day's facts lists the day here in its own
-- transaction (upserting, so that it holds the row until it commits and a
-- roll-up skips the day until then, as report_dirty does for cases).
CREATE TABLE report_days_dirty (
    day     date    PRIMARY KEY,
    changes integer NOT NULL DEFAULT 1
);

-- The zone the days are cut in: the deployment's; NULL (as after this
-- migration) or another zone rolls every day up again.
ALTER TABLE report_state ADD COLUMN day_zone text;

-- +goose Down
ALTER TABLE report_state DROP COLUMN day_zone;
DROP TABLE report_days_dirty;
DROP TABLE report_day_values;
DROP TABLE report_day_counts;
