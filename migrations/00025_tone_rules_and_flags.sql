-- +goose Up
-- Tone rules as data (workflows/tone): the shipped rules are seeded from
-- rules.json by the application (builtin = true, added when missing, never
-- overwritten), and admins add or edit rules. A rule an admin removes is
-- kept, disabled, so that seeding does not bring it back. Every write bumps
-- tone_rule_set.revision in the same transaction: each instance rebuilds
-- its checker when the revision it compiled is no longer current.
CREATE TABLE tone_rules (
    id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_.-]{0,79}$'),
    rule       jsonb NOT NULL,
    builtin    boolean NOT NULL DEFAULT false,
    enabled    boolean NOT NULL DEFAULT true,
    updated_by bigint REFERENCES users(id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tone_rule_set (
    one      boolean PRIMARY KEY DEFAULT true CHECK (one),
    revision bigint NOT NULL DEFAULT 0,
    seeded   boolean NOT NULL DEFAULT false
);
INSERT INTO tone_rule_set DEFAULT VALUES;

-- Cases flagged for audit: a "flagged" event in the case's ledger, payload
-- {"reason":"review_tied_remedy","fields":[…],"rules":[…]}. The
-- audit queue selects on it:
--   EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id
--           AND e.kind = 'flagged' AND e.payload->>'reason' = 'review_tied_remedy')
CREATE INDEX case_events_flagged_idx ON case_events (case_id, (payload->>'reason')) WHERE kind = 'flagged';

-- +goose Down
DROP INDEX case_events_flagged_idx;
DROP TABLE tone_rule_set;
DROP TABLE tone_rules;
