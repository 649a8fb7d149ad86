-- +goose Up
-- The team's reply library (快捷短语). Agents propose (status proposed), a
-- supervisor or admin approves; only approved replies are offered for
-- insertion. A removed reply is archived, not deleted: the ledger's
-- reply_used payloads keep pointing at it and its outcomes stay readable.
CREATE TABLE replies (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stage         text NOT NULL CHECK (stage IN ('respond','listen','apologise','remedy','follow_up')),
    kind          text CHECK (kind ~ '^[a-z_]{1,40}$'),  -- NULL: any case kind
    lang          text NOT NULL CHECK (lang IN ('zh-CN','en')),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    status        text NOT NULL CHECK (status IN ('proposed','approved')),
    tone_warnings jsonb NOT NULL DEFAULT '[]',
    created_by    bigint NOT NULL REFERENCES users(id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint REFERENCES users(id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    approved_by   bigint REFERENCES users(id),
    approved_at   timestamptz,
    archived_at   timestamptz,
    CONSTRAINT replies_approved_check CHECK ((status = 'approved') = (approved_at IS NOT NULL))
);
CREATE INDEX replies_pick_idx ON replies (stage, lang) WHERE archived_at IS NULL;

-- Uses are read from the ledger: a stage text saved from a reply carries
-- {"reply_used":{"reply_id":N,"field":…}} in its event's payload.
CREATE INDEX case_events_reply_used_idx ON case_events (((payload->'reply_used'->>'reply_id')::bigint), case_id)
    WHERE payload ? 'reply_used';

-- +goose Down
DROP INDEX case_events_reply_used_idx;
DROP TABLE replies;
