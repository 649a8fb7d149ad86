-- The benchmark's own objects in the bench database, in a schema apart from
-- Redress's: the seed marker, the agents' API tokens, the search words'
-- match counts, the cases pgbench's write scripts work on, and SQL versions
-- of the ledger's hash so that pgbench's writes keep every chain intact
-- (redress verify passes after a benchmark run too).

CREATE SCHEMA IF NOT EXISTS bench;

CREATE TABLE IF NOT EXISTS bench.seed (
    cases       integer     NOT NULL,
    version     integer     NOT NULL,
    events      bigint      NOT NULL,
    max_case_id bigint      NOT NULL,
    seconds     numeric     NOT NULL,
    seeded_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS bench.agents (
    user_id bigint PRIMARY KEY,
    role    text   NOT NULL,
    token   text   NOT NULL
);

CREATE TABLE IF NOT EXISTS bench.words (
    word  text    PRIMARY KEY,
    cases integer NOT NULL
);

-- pgbench's transition script takes the next case of this list.
CREATE TABLE IF NOT EXISTS bench.transition_picks (n integer PRIMARY KEY, case_id bigint NOT NULL);
CREATE SEQUENCE IF NOT EXISTS bench.transition_seq;
-- pgbench's chat-excerpt script picks a random case of this list.
CREATE TABLE IF NOT EXISTS bench.evidence_picks (n integer PRIMARY KEY, case_id bigint NOT NULL);

-- rfc3339 formats a time as Go's time.RFC3339Nano does in UTC.
CREATE OR REPLACE FUNCTION bench.rfc3339(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT rtrim(rtrim(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '0'), '.') || 'Z'
$$;

-- hash_part is one length-prefixed field of cases.EventHash.
CREATE OR REPLACE FUNCTION bench.hash_part(s text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT octet_length(s) || ':' || s || ';'
$$;

-- event_hash is cases.EventHash; payload must be canonical JSON.
CREATE OR REPLACE FUNCTION bench.event_hash(case_id bigint, seq bigint, kind text, actor_id bigint,
                                            at timestamptz, payload text, prev_hash text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(
        bench.hash_part('redress-event-v1') || bench.hash_part(case_id::text) || bench.hash_part(seq::text) ||
        bench.hash_part(kind) || bench.hash_part(coalesce(actor_id::text, '')) || bench.hash_part(bench.rfc3339(at)) ||
        bench.hash_part(payload) || bench.hash_part(prev_hash), 'UTF8')), 'hex')
$$;
