-- +goose Up
-- Reports find the cases that have events in a range (sql/report_events.sql)
-- by the events' time; kind and case ride along so that the index alone
-- answers, without visiting the ledger's rows.
CREATE INDEX case_events_at_idx ON case_events (at) INCLUDE (kind, case_id);

-- +goose Down
DROP INDEX case_events_at_idx;
