-- +goose Up
-- People and access: users, their browser sessions, their API tokens and the
-- failed sign-ins that throttle password guessing. Secrets are stored only as
-- hashes: an argon2id PHC string for passwords, SHA-256 for session and API
-- tokens (they are 32 random bytes, so a fast hash is enough and lets every
-- request resolve its credential with one indexed lookup).

CREATE TABLE users (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text        NOT NULL CONSTRAINT users_email_check CHECK (length(email) BETWEEN 3 AND 254),
    display_name  text        NOT NULL CONSTRAINT users_display_name_check CHECK (length(display_name) BETWEEN 1 AND 100),
    role          text        NOT NULL CONSTRAINT users_role_check CHECK (role IN ('agent', 'supervisor', 'admin')),
    language      text        NOT NULL DEFAULT 'zh-CN' CONSTRAINT users_language_check CHECK (language IN ('zh-CN', 'en')),
    time_zone     text        NOT NULL DEFAULT 'Asia/Shanghai' CONSTRAINT users_time_zone_check CHECK (time_zone <> ''),
    password_hash text        NOT NULL CONSTRAINT users_password_hash_check CHECK (password_hash LIKE '$argon2id$%'),
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Emails are unique whatever their case: sign-in looks them up by lower(email).
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
-- The last-admin guard counts active admins.
CREATE INDEX users_active_role_idx ON users (role) WHERE active;

-- A session is one sign-in from one browser. The cookie holds a random
-- token; only its SHA-256 is kept. expires_at is the absolute limit set at
-- sign-in; the idle limit is checked against last_seen_at, which requests
-- refresh at most once a minute.
CREATE TABLE sessions (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   bytea       NOT NULL CONSTRAINT sessions_token_hash_check CHECK (octet_length(token_hash) = 32),
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text        NOT NULL CONSTRAINT sessions_csrf_token_check CHECK (length(csrf_token) >= 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    user_agent   text        NOT NULL DEFAULT '',
    ip           inet,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- An API token authenticates an integration as its owner. Revoked tokens stay
-- on record (revoked_at) so an admin can tell what existed and when it ended.
CREATE TABLE api_tokens (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL CONSTRAINT api_tokens_name_check CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   bytea       NOT NULL CONSTRAINT api_tokens_token_hash_check CHECK (octet_length(token_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);

CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id, id) WHERE revoked_at IS NULL;

-- A row per sign-in attempt that has not succeeded: it is written before the
-- password is checked (so concurrent guesses count) and deleted when the
-- attempt succeeds. account is the SHA-256 of the normalised, lower-cased
-- email (known or not, so throttling does not reveal which accounts exist);
-- address is the client's IPv4 address or IPv6 /64.
CREATE TABLE login_failures (
    id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account bytea       NOT NULL CONSTRAINT login_failures_account_check CHECK (octet_length(account) = 32),
    address text        NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_failures_account_idx ON login_failures (account, at);
CREATE INDEX login_failures_address_idx ON login_failures (address, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
