-- +goose Up
-- Reminders and escalation: the claims that make every reminder fire exactly
-- once however many instances sweep, the in-app inbox, and outbound webhooks
-- delivered after commit through an outbox.

-- A claim is a reminder that fired. Sweeps insert claims with ON CONFLICT DO
-- NOTHING in the transaction that notifies and appends the ledger event, so
-- the unique key below, not any lock, is what makes a reminder fire once.
-- The key holds the state and due time the reminder is about: a case that
-- moves on or is reopened has a new due time and so gets fresh reminders.
-- A platform deadline belongs to the case rather than to one step, so its
-- claims have state '' and fire once per platform deadline.
CREATE TABLE reminders (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    bigint      NOT NULL REFERENCES cases (id),
    state      text        NOT NULL,
    due_at     timestamptz NOT NULL,
    level      text        NOT NULL,
    fired_at   timestamptz NOT NULL,
    recipients integer     NOT NULL CONSTRAINT reminders_recipients_check CHECK (recipients >= 0),
    CONSTRAINT reminders_level_check CHECK (
        (level IN ('overdue', 'escalation') AND state IN ('respond', 'listen', 'apologise', 'remedy', 'follow_up'))
        OR (level IN ('platform_soon', 'platform_passed') AND state = '')),
    CONSTRAINT reminders_claim_key UNIQUE (case_id, state, due_at, level)
);

-- Platform deadline sweeps walk open cases by platform deadline.
CREATE INDEX cases_open_platform_due_idx ON cases (platform_due_at, id)
    WHERE state <> 'closed' AND platform_due_at IS NOT NULL;

-- The in-app inbox. kind is the reminder level (or another feature's kind of
-- notice); case_id is empty for notices about no case.
CREATE TABLE notifications (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text        NOT NULL CONSTRAINT notifications_kind_check CHECK (kind ~ '^[a-z][a-z_]{0,39}$'),
    case_id    bigint      REFERENCES cases (id),
    message    text        NOT NULL CONSTRAINT notifications_message_check CHECK (length(message) BETWEEN 1 AND 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);

-- Newest first, per user (keyset on id).
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
-- The unread badge counts only unread rows.
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Outbound webhooks an admin configures. The secret signs generic JSON
-- deliveries (HMAC-SHA256) or DingTalk robot requests; it has to be kept as
-- given to sign with it, and the API never returns it. A deleted webhook
-- stays on record (deleted_at) with its delivery history.
CREATE TABLE webhooks (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL CONSTRAINT webhooks_name_check CHECK (length(name) BETWEEN 1 AND 100),
    url        text        NOT NULL CONSTRAINT webhooks_url_check CHECK (url ~ '^https?://' AND length(url) <= 2000),
    format     text        NOT NULL CONSTRAINT webhooks_format_check CHECK (format IN ('json', 'wecom', 'dingtalk', 'slack')),
    secret     text        NOT NULL DEFAULT '' CONSTRAINT webhooks_secret_check CHECK (length(secret) <= 200),
    events     text[]      NOT NULL CONSTRAINT webhooks_events_check
                           CHECK (cardinality(events) > 0 AND events <@ ARRAY['reminded', 'escalated']),
    language   text        NOT NULL DEFAULT 'zh-CN' CONSTRAINT webhooks_language_check CHECK (language IN ('zh-CN', 'en')),
    active     boolean     NOT NULL DEFAULT true,
    created_by bigint      REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);

-- The outbox: one row per webhook and reminder, written in the sweep's
-- transaction and delivered after commit by a worker that claims rows with
-- FOR UPDATE SKIP LOCKED. A delivered row is never sent again.
CREATE TABLE webhook_deliveries (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      bigint      NOT NULL REFERENCES webhooks (id),
    event           text        NOT NULL CONSTRAINT webhook_deliveries_event_check CHECK (event IN ('reminded', 'escalated')),
    case_id         bigint      REFERENCES cases (id),
    payload         jsonb       NOT NULL,
    message         text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                                CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts        integer     NOT NULL DEFAULT 0 CONSTRAINT webhook_deliveries_attempts_check CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    last_error      text        NOT NULL DEFAULT '',
    CONSTRAINT webhook_deliveries_delivered_check CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);

-- The worker's queue: pending rows by when they are due.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
-- An admin's view of one webhook's deliveries, newest first.
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id DESC);

-- Every delivery attempt: when, what the receiver answered, how long it took.
CREATE TABLE webhook_attempts (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id bigint      NOT NULL REFERENCES webhook_deliveries (id),
    at          timestamptz NOT NULL,
    status_code integer,
    error       text        NOT NULL DEFAULT '',
    duration_ms integer     NOT NULL CONSTRAINT webhook_attempts_duration_check CHECK (duration_ms >= 0)
);

CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE notifications;
DROP INDEX cases_open_platform_due_idx;
DROP TABLE reminders;
