-- +goose Up
-- Shift handovers (SPEC §7): an outgoing agent hands cases to an incoming
-- one with a general note and a structured note per case; the incoming
-- agent acknowledges per case, and the case's assignee changes then.

CREATE TABLE handovers (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_user_id    bigint      NOT NULL REFERENCES users (id),
    to_user_id      bigint      NOT NULL REFERENCES users (id),
    note            text        NOT NULL DEFAULT '' CONSTRAINT handovers_note_check CHECK (length(note) <= 4000),
    created_at      timestamptz NOT NULL,
    -- Unacknowledged by then, the incoming agent is reminded; a grace
    -- later, supervisors.
    ack_due_at      timestamptz NOT NULL,
    -- Set when the last of its cases is acknowledged.
    acknowledged_at timestamptz,
    -- Words and CJK bigrams of every note, built by the application.
    search          tsvector    NOT NULL DEFAULT ''::tsvector,
    CONSTRAINT handovers_people_check CHECK (from_user_id <> to_user_id)
);

CREATE INDEX handovers_to_pending_idx ON handovers (to_user_id, id) WHERE acknowledged_at IS NULL;
CREATE INDEX handovers_pending_due_idx ON handovers (ack_due_at, id) WHERE acknowledged_at IS NULL;
CREATE INDEX handovers_from_idx ON handovers (from_user_id, created_at DESC);
CREATE INDEX handovers_to_idx ON handovers (to_user_id, created_at DESC);
CREATE INDEX handovers_created_idx ON handovers (created_at DESC, id DESC);
CREATE INDEX handovers_search_idx ON handovers USING gin (search);

-- One row per handed case: the structured note (I-PASS: status, action,
-- contingency, promise) and, for reports, the case as it stood when handed.
CREATE TABLE handover_cases (
    handover_id          bigint      NOT NULL REFERENCES handovers (id),
    case_id              bigint      NOT NULL REFERENCES cases (id),
    shop_id              bigint      NOT NULL REFERENCES shops (id),
    position             integer     NOT NULL,
    status               text        NOT NULL CONSTRAINT handover_cases_status_check CHECK (status IN ('on_track','watch','at_risk')),
    note                 text        NOT NULL DEFAULT '' CONSTRAINT handover_cases_note_check CHECK (length(note) <= 4000),
    next_action          text        NOT NULL DEFAULT '' CONSTRAINT handover_cases_action_check CHECK (length(next_action) <= 500),
    next_action_due_at   timestamptz,
    contingency          text        NOT NULL DEFAULT '' CONSTRAINT handover_cases_contingency_check CHECK (length(contingency) <= 1000),
    promise              text        NOT NULL DEFAULT '' CONSTRAINT handover_cases_promise_check CHECK (length(promise) <= 1000),
    promise_due_at       timestamptz,
    case_state           text        NOT NULL,
    case_due_at          timestamptz,
    case_platform_due_at timestamptz,
    read_back            text        NOT NULL DEFAULT '' CONSTRAINT handover_cases_read_back_check CHECK (length(read_back) <= 1000),
    acknowledged_at      timestamptz,
    acknowledged_by      bigint      REFERENCES users (id),
    PRIMARY KEY (handover_id, case_id),
    CONSTRAINT handover_cases_ack_check CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);

-- A case is in at most one handover awaiting acknowledgement: of two
-- agents handing the same case at once, one wins.
CREATE UNIQUE INDEX handover_cases_pending_key ON handover_cases (case_id) WHERE acknowledged_at IS NULL;
CREATE INDEX handover_cases_case_idx ON handover_cases (case_id, handover_id DESC);
CREATE INDEX handover_cases_shop_idx ON handover_cases (shop_id, handover_id DESC);
CREATE INDEX handover_cases_promise_idx ON handover_cases (case_id, promise_due_at) WHERE promise_due_at IS NOT NULL;

-- Reminders about handovers left unacknowledged: the same claim pattern
-- as reminders (a unique key, inserted ON CONFLICT DO NOTHING in the
-- transaction that notifies), so each fires once across instances.
CREATE TABLE handover_reminders (
    handover_id bigint      NOT NULL REFERENCES handovers (id),
    level       text        NOT NULL CONSTRAINT handover_reminders_level_check CHECK (level IN ('handover_overdue','handover_escalation')),
    fired_at    timestamptz NOT NULL,
    recipients  integer     NOT NULL CHECK (recipients >= 0),
    PRIMARY KEY (handover_id, level)
);

-- What the reports will read about handovers: time to acknowledge, and
-- whether the case breached a deadline after being handed without a note.
CREATE VIEW handover_case_facts AS
SELECT hc.handover_id, hc.case_id, hc.shop_id, h.from_user_id, h.to_user_id, hc.status,
       h.created_at AS handed_at, hc.acknowledged_at,
       hc.acknowledged_at - h.created_at AS time_to_ack,
       (btrim(hc.note) = '' AND btrim(hc.next_action) = '') AS without_note,
       EXISTS (SELECT 1 FROM reminders r WHERE r.case_id = hc.case_id
                 AND r.level IN ('overdue', 'platform_passed') AND r.fired_at >= h.created_at) AS breached_after
FROM handover_cases hc JOIN handovers h ON h.id = hc.handover_id;

-- +goose Down
DROP VIEW handover_case_facts;
DROP TABLE handover_reminders;
DROP TABLE handover_cases;
DROP TABLE handovers;
