-- +goose Up
-- The desk's settings an admin edits (they were code constants): the
-- random share of closed cases sampled for audit, the minimum random sample
-- per agent and the period it counts over, the share of random-sampled
-- cases audited blind by two supervisors (calibration), and how long a
-- remedy may wait for approval. One row; version makes edits conditional.
CREATE TABLE desk_settings (
    id                      boolean     PRIMARY KEY DEFAULT true CHECK (id),
    random_percent          integer     NOT NULL DEFAULT 10 CHECK (random_percent BETWEEN 0 AND 100),
    min_per_agent           integer     NOT NULL DEFAULT 2 CHECK (min_per_agent BETWEEN 0 AND 100),
    sample_period           text        NOT NULL DEFAULT 'week' CHECK (sample_period IN ('day', 'week', 'month')),
    calibration_percent     integer     NOT NULL DEFAULT 0 CHECK (calibration_percent BETWEEN 0 AND 100),
    approval_window_minutes integer     NOT NULL DEFAULT 240 CHECK (approval_window_minutes BETWEEN 5 AND 10080),
    version                 bigint      NOT NULL DEFAULT 1,
    updated_by              bigint      REFERENCES users (id),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
INSERT INTO desk_settings DEFAULT VALUES;

-- A queued audit is withdrawn when its case reopens (the closing it was
-- about is no longer the case's last); the next closing is selected anew.
-- A calibration audit records, once both blind verdicts are in, when that
-- was, the outcome that acted on the case and how far the scores differed.
ALTER TABLE audits DROP CONSTRAINT audits_status_check;
ALTER TABLE audits ADD CONSTRAINT audits_status_check CHECK (status IN ('queued', 'done', 'disputed', 'withdrawn'));
ALTER TABLE audits ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE audits ADD COLUMN calibrated_at timestamptz;
ALTER TABLE audits ADD COLUMN outcome text CHECK (outcome IN ('approved', 'rework'));
ALTER TABLE audits ADD COLUMN score_diff integer CHECK (score_diff BETWEEN 0 AND 100);

DROP INDEX audits_queue_idx;
CREATE INDEX audits_queue_idx ON audits (closed_at, id) WHERE status IN ('queued', 'disputed');
CREATE INDEX audits_calibrated_idx ON audits (calibrated_at) WHERE calibrated_at IS NOT NULL;

-- +goose Down
DROP INDEX audits_calibrated_idx;
DROP INDEX audits_queue_idx;
UPDATE audits SET status = 'done' WHERE status = 'withdrawn';
CREATE INDEX audits_queue_idx ON audits (closed_at, id) WHERE status <> 'done';
ALTER TABLE audits DROP COLUMN score_diff;
ALTER TABLE audits DROP COLUMN outcome;
ALTER TABLE audits DROP COLUMN calibrated_at;
ALTER TABLE audits DROP COLUMN withdrawn_at;
ALTER TABLE audits DROP CONSTRAINT audits_status_check;
ALTER TABLE audits ADD CONSTRAINT audits_status_check CHECK (status IN ('queued', 'done', 'disputed'));
DROP TABLE desk_settings;
