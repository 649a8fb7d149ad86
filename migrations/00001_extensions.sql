-- +goose Up
-- pg_trgm serves free-text search on Latin text; CJK text is indexed as
-- character bigrams (see the cases migration). Both need a UTF-8 database.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- +goose Down
DROP EXTENSION IF EXISTS pg_trgm;
