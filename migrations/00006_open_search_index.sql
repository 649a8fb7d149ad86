-- +goose Up
-- Searching every case in the list's default order (due first, closed cases
-- last) reads open cases apart from closed ones (cases.listQuery). This
-- index finds the open cases that match a search without visiting the
-- closed ones that match too: at a million cases, 破损 matched some 12,000
-- cases of which 700 were open, and a page of results went from sorting all
-- 12,000 rows (80-340 ms) to sorting 700 (about 7 ms).
CREATE INDEX cases_open_search_idx ON cases USING gin (search) WHERE state <> 'closed';

-- +goose Down
DROP INDEX cases_open_search_idx;
