-- +goose Up
-- Report facts: what each case's ledger says happened that a report counts
-- (workflows.CaseFacts), kept so that a report sums facts in its range
-- instead of reading every ledger that has an event in it. They are derived
-- from the ledgers only and rebuilt from them: report_dirty lists the cases
-- whose facts are behind their ledger. A trigger fills it in the
-- transaction that appends events, whichever way they are written, and
-- when a shop's calendar changes (business-hours durations change with
-- it); the scheduler, and every report before it sums, bring those cases'
-- facts up to date.
CREATE TABLE report_facts (
    case_id        bigint      NOT NULL,
    seq            bigint      NOT NULL,
    figure         text        NOT NULL,
    at             timestamptz NOT NULL,
    agent_id       bigint,
    shop           text        NOT NULL,
    platform       text        NOT NULL,
    kind           text        NOT NULL,
    sub            text        NOT NULL DEFAULT '',
    note           text        NOT NULL DEFAULT '',
    wall_s         bigint,
    biz_s          bigint,
    cycle_wall_s   bigint,
    cycle_biz_s    bigint,
    amount         bigint,
    currency       text        NOT NULL DEFAULT '',
    review         boolean     NOT NULL DEFAULT false,
    claim          boolean     NOT NULL DEFAULT false,
    platform_word  boolean     NOT NULL DEFAULT false,
    passed         boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (case_id, seq, figure)
);

CREATE INDEX report_facts_at_idx ON report_facts (at);
CREATE INDEX report_facts_agent_idx ON report_facts (agent_id, at);

-- changes counts the writes since the facts were last brought up to date:
-- a writer updates the row (ON CONFLICT DO UPDATE), so that it holds the
-- row's lock until it commits and a refresh skips the case until then,
-- rather than taking the row away from under a write it cannot see yet.
CREATE TABLE report_dirty (
    case_id bigint  PRIMARY KEY,
    changes integer NOT NULL DEFAULT 1
);

-- The deployment's zone the facts were computed in (shops without a zone
-- of their own count business hours in it); another one rebuilds them all.
CREATE TABLE report_state (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    time_zone text    NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION redress_report_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_dirty AS d (case_id) SELECT DISTINCT case_id FROM new_events ORDER BY case_id
        ON CONFLICT (case_id) DO UPDATE SET changes = d.changes + 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER case_events_report_dirty AFTER INSERT ON case_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION redress_report_dirty();

-- +goose StatementBegin
CREATE FUNCTION redress_report_shop_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.business_hours IS DISTINCT FROM OLD.business_hours OR NEW.holidays IS DISTINCT FROM OLD.holidays
        OR NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
        INSERT INTO report_dirty AS d (case_id) SELECT id FROM cases WHERE shop_id = NEW.id ORDER BY id
            ON CONFLICT (case_id) DO UPDATE SET changes = d.changes + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER shops_report_dirty AFTER UPDATE ON shops
    FOR EACH ROW EXECUTE FUNCTION redress_report_shop_dirty();

-- Every case's facts are to be computed.
INSERT INTO report_dirty (case_id) SELECT id FROM cases;

-- +goose Down
DROP TRIGGER shops_report_dirty ON shops;
DROP FUNCTION redress_report_shop_dirty();
DROP TRIGGER case_events_report_dirty ON case_events;
DROP FUNCTION redress_report_dirty();
DROP TABLE report_state;
DROP TABLE report_dirty;
DROP TABLE report_facts;
