-- +goose Up
-- A chat excerpt's parse is a view of its stored text, made again on every
-- read; what the agent confirmed when adding it — which speaker is the
-- buyer and which the shop — is a fact of the item and is kept with it:
-- {"speaker name": "buyer"|"shop"|"system"}. The columns parsed and lines
-- keep the parse the agent saw when saving, for the record only.
ALTER TABLE evidence ADD COLUMN roles jsonb
    CONSTRAINT evidence_roles_check CHECK (roles IS NULL OR (kind = 'chat_excerpt' AND jsonb_typeof(roles) = 'object'));

-- +goose Down
ALTER TABLE evidence DROP COLUMN roles;
