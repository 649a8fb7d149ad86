-- +goose Up
-- The unassigned queue ("who takes this?") reads open cases without an
-- assignee in due order. With none left at a million cases, PostgreSQL
-- walked all of cases_open_due_idx looking for them (about 400 ms); this
-- index answers in under a millisecond whether there are many or none.
CREATE INDEX cases_unassigned_due_idx ON cases (due_at, id) WHERE state <> 'closed' AND assignee_id IS NULL;

-- +goose Down
DROP INDEX cases_unassigned_due_idx;
