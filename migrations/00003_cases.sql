-- +goose Up
-- Cases, their hash-chained event ledger, and the indexes behind the queues.

CREATE TABLE cases (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref              text GENERATED ALWAYS AS
                       ('C-' || CASE WHEN id < 1000000 THEN lpad(id::text, 6, '0') ELSE id::text END) STORED,
    external_id      text CHECK (external_id <> '' AND length(external_id) <= 200),
    platform         text NOT NULL CHECK (platform IN
                       ('taobao','tmall','jd','pinduoduo','douyin','shopify','amazon','other')),
    shop             text NOT NULL CHECK (length(shop) BETWEEN 1 AND 200),
    order_ref        text NOT NULL DEFAULT '' CHECK (length(order_ref) <= 200),
    order_amount     numeric(18,3) CHECK (order_amount >= 0),
    order_currency   char(3),
    buyer_handle     text NOT NULL DEFAULT '' CHECK (length(buyer_handle) <= 200),
    buyer_contact    text NOT NULL DEFAULT '' CHECK (length(buyer_contact) <= 500),
    kind             text NOT NULL CHECK (kind IN ('bad_review','medium_review','logistics_query',
                       'lost_parcel','missing_item','damaged','wrong_item','quality','refund_dispute','complaint')),
    severity         text NOT NULL DEFAULT 'normal' CHECK (severity IN ('low','normal','high','urgent')),
    summary          text NOT NULL DEFAULT '',
    review_rating    smallint CHECK (review_rating BETWEEN 1 AND 5),
    review_text      text NOT NULL DEFAULT '',
    review_posted_at timestamptz,
    review_url       text NOT NULL DEFAULT '',
    assignee_id      bigint REFERENCES users(id),
    state            text NOT NULL DEFAULT 'respond' CHECK (state IN
                       ('respond','listen','apologise','remedy','follow_up','closed')),
    due_at           timestamptz,
    platform_due_at  timestamptz,
    suspected_abuse  boolean NOT NULL DEFAULT false,

    -- Stage data of the protocol's moves; the ledger keeps every earlier value.
    first_response      text NOT NULL DEFAULT '',
    account             text NOT NULL DEFAULT '',
    root_cause          text CHECK (root_cause IN
                          ('product','logistics','service','buyer_misunderstanding','suspected_abuse')),
    apology             text NOT NULL DEFAULT '',
    skip_apology_reason text NOT NULL DEFAULT '',
    remedy_type         text CHECK (remedy_type IN
                          ('refund','partial_refund','reship','replace','coupon','gift','explanation')),
    remedy_amount       numeric(18,3) CHECK (remedy_amount >= 0),
    remedy_currency     char(3),
    remedy_approved_by  bigint REFERENCES users(id),
    remedy_approved_at  timestamptz,
    outcome_satisfied   boolean,
    outcome_review      text CHECK (outcome_review IN ('upgraded','removed','unchanged','not_applicable')),
    outcome_note        text NOT NULL DEFAULT '',
    close_reason        text CHECK (close_reason IN ('duplicate','withdrawn_by_buyer','invalid')),
    reopen_count        integer NOT NULL DEFAULT 0 CHECK (reopen_count >= 0),

    -- Words and CJK character n-grams of the case's texts (built by the
    -- application), so that a two-character Chinese query uses the index.
    search           tsvector NOT NULL DEFAULT ''::tsvector,

    version          bigint NOT NULL DEFAULT 1,
    ledger_seq       bigint NOT NULL DEFAULT 0,
    ledger_head      text NOT NULL DEFAULT '',
    created_by       bigint REFERENCES users(id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    closed_at        timestamptz,

    CONSTRAINT cases_order_value_check CHECK ((order_amount IS NULL) = (order_currency IS NULL)),
    CONSTRAINT cases_remedy_check CHECK ((remedy_type IS NULL) = (remedy_amount IS NULL)
                                         AND (remedy_amount IS NULL) = (remedy_currency IS NULL)),
    CONSTRAINT cases_closed_check CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
    CONSTRAINT cases_due_check CHECK (state = 'closed' OR due_at IS NOT NULL)
);

-- Idempotent CSV import: one case per platform and external id.
CREATE UNIQUE INDEX cases_platform_external_id_key ON cases (platform, external_id) WHERE external_id IS NOT NULL;
-- Queues: by state and due time, per assignee, overdue sweeps.
CREATE INDEX cases_state_due_idx ON cases (state, due_at, id);
CREATE INDEX cases_assignee_state_due_idx ON cases (assignee_id, state, due_at, id);
CREATE INDEX cases_open_due_idx ON cases (due_at, id) WHERE state <> 'closed';
CREATE INDEX cases_created_idx ON cases (created_at DESC, id DESC);
CREATE INDEX cases_shop_idx ON cases (shop, created_at DESC);
CREATE INDEX cases_search_idx ON cases USING gin (search);

CREATE TABLE case_events (
    case_id   bigint NOT NULL REFERENCES cases(id),
    seq       bigint NOT NULL CHECK (seq > 0),
    kind      text NOT NULL,
    actor_id  bigint REFERENCES users(id),
    at        timestamptz NOT NULL,
    payload   jsonb NOT NULL,
    prev_hash text NOT NULL,
    hash      text NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- The ledger is append-only: the database itself refuses to change it.
-- +goose StatementBegin
CREATE FUNCTION redress_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION redress_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION redress_append_only();

-- +goose Down
DROP TABLE case_events;
DROP FUNCTION redress_append_only();
DROP TABLE cases;
