-- +goose Up
-- The supervisor's desk: the remedy policy as data, every remedy a case was
-- offered (the cumulative guard and the approvals queue read it), the audit
-- queue with the reasons each case was selected, the checklist supervisors
-- score with, and their verdicts. Amounts are in the currency's minor units.

-- Remedy limits per shop and currency; shop '' holds the defaults for every
-- shop without a row of its own. max_order_percent is the share of the order
-- value all remedies of a case may cost together; case_limit the fixed amount
-- they may cost together; buyer_limit what one buyer's remedies in the shop
-- may cost together over buyer_window_days (NULL: no buyer limit).
CREATE TABLE remedy_policies (
    shop              text        NOT NULL CHECK (length(shop) <= 200),
    currency          char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    max_order_percent integer     NOT NULL CHECK (max_order_percent BETWEEN 1 AND 10000),
    case_limit        bigint      NOT NULL CHECK (case_limit >= 0),
    buyer_limit       bigint      CHECK (buyer_limit >= 0),
    buyer_window_days integer     NOT NULL DEFAULT 30 CHECK (buyer_window_days BETWEEN 1 AND 366),
    updated_by        bigint      REFERENCES users (id),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shop, currency)
);

INSERT INTO remedy_policies (shop, currency, max_order_percent, case_limit, buyer_limit) VALUES
    ('', 'CNY', 100, 50000, 100000),
    ('', 'USD', 100, 10000, 20000),
    ('', 'EUR', 100, 10000, 20000),
    ('', 'GBP', 100, 8000, 16000),
    ('', 'JPY', 100, 15000, 30000),
    ('', 'HKD', 100, 80000, 160000);

-- Exchange rates an admin configures: 1 unit of currency is rate units of
-- to_currency. Without a rate, a remedy in another currency than the
-- order's always needs approval.
CREATE TABLE exchange_rates (
    currency    char(3)        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    to_currency char(3)        NOT NULL CHECK (to_currency ~ '^[A-Z]{3}$' AND to_currency <> currency),
    rate        numeric(18,8)  NOT NULL CHECK (rate > 0),
    updated_by  bigint         REFERENCES users (id),
    updated_at  timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (currency, to_currency)
);

-- Every remedy a case was offered. status: proposed (within the limits),
-- pending (waits for a supervisor), approved, declined, withdrawn (replaced
-- by a later proposal, or the case moved on without it), applied (the case
-- left remedy with it: this is what the cumulative limits add up).
CREATE TABLE remedies (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         bigint      NOT NULL REFERENCES cases (id),
    shop            text        NOT NULL,
    buyer_handle    text        NOT NULL DEFAULT '',
    type            text        NOT NULL CHECK (type IN
                      ('refund','partial_refund','reship','replace','coupon','gift','explanation')),
    amount          bigint      NOT NULL CHECK (amount >= 0),
    currency        char(3)     NOT NULL,
    status          text        NOT NULL CHECK (status IN
                      ('proposed','pending','approved','declined','withdrawn','applied')),
    needs_approval  boolean     NOT NULL DEFAULT false,
    limit_reason    text        NOT NULL DEFAULT '',
    proposed_by     bigint      REFERENCES users (id),
    proposed_at     timestamptz NOT NULL,
    proposed_seq    bigint      NOT NULL,
    approval_due_at timestamptz,
    reminded_at     timestamptz,
    escalated_at    timestamptz,
    decided_by      bigint      REFERENCES users (id),
    decided_at      timestamptz,
    comment         text        NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
    applied_at      timestamptz,
    CONSTRAINT remedies_pending_due_check CHECK (status <> 'pending' OR approval_due_at IS NOT NULL),
    CONSTRAINT remedies_decided_check CHECK (status NOT IN ('approved','declined') OR decided_by IS NOT NULL)
);

CREATE INDEX remedies_case_idx ON remedies (case_id, id);
-- The approvals queue: pending remedies, oldest first.
CREATE INDEX remedies_pending_idx ON remedies (proposed_at, id) WHERE status = 'pending';
-- The buyer's remedies over the window.
CREATE INDEX remedies_buyer_idx ON remedies (shop, buyer_handle, applied_at) WHERE status = 'applied';

-- The audit queue: one row per closing of a case that was selected, with the
-- reasons. status: queued (waits for a verdict), done, disputed (back in the
-- queue for a supervisor other than the first auditor). A calibration audit
-- waits for two verdicts given blind.
CREATE TABLE audits (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint      NOT NULL REFERENCES cases (id),
    shop         text        NOT NULL,
    agent_id     bigint      REFERENCES users (id),
    closed_at    timestamptz NOT NULL,
    reasons      text[]      NOT NULL CHECK (cardinality(reasons) > 0),
    selected_at  timestamptz NOT NULL,
    status       text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','done','disputed')),
    calibration  boolean     NOT NULL DEFAULT false,
    excluded_id  bigint      REFERENCES users (id),
    agreement    boolean,
    CONSTRAINT audits_closing_key UNIQUE (case_id, closed_at)
);

CREATE INDEX audits_queue_idx ON audits (closed_at, id) WHERE status <> 'done';
CREATE INDEX audits_case_idx ON audits (case_id, id);
CREATE INDEX audits_agent_idx ON audits (agent_id, selected_at);

-- The scorecard an admin edits. A failed critical item fails the audit.
CREATE TABLE audit_checklist (
    key       text    PRIMARY KEY CHECK (key ~ '^[a-z][a-z_]{0,39}$'),
    label_en  text    NOT NULL CHECK (length(label_en) BETWEEN 1 AND 200),
    label_zh  text    NOT NULL CHECK (length(label_zh) BETWEEN 1 AND 200),
    weight    integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
    critical  boolean NOT NULL DEFAULT false,
    active    boolean NOT NULL DEFAULT true,
    position  integer NOT NULL DEFAULT 0
);

INSERT INTO audit_checklist (key, label_en, label_zh, weight, critical, position) VALUES
    ('answered_fast', 'Answered fast', '响应及时', 2, false, 1),
    ('listened', 'Listened and understood the buyer', '认真倾听、理解买家', 2, false, 2),
    ('apologised', 'Apologised, or justified the skip', '真诚道歉，或有理由跳过', 2, false, 3),
    ('remedy_proportionate', 'Remedy proportionate', '补救适度', 3, false, 4),
    ('followed_up', 'Followed up', '及时回访', 1, false, 5),
    ('no_review_tied_remedy', 'No remedy tied to a review change', '补偿未与改评挂钩', 1, true, 6),
    ('no_false_admission', 'No fault admitted that the evidence refutes', '未承认证据否定的过错', 1, true, 7);

-- Verdicts: each a ledger event too. round 1 is the first verdict; a
-- calibration audit's second blind verdict and a disputed audit's new
-- verdict are round 2. The unique key makes concurrent verdicts one win.
CREATE TABLE verdicts (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    audit_id        bigint      NOT NULL REFERENCES audits (id),
    case_id         bigint      NOT NULL REFERENCES cases (id),
    round           smallint    NOT NULL CHECK (round IN (1, 2)),
    auditor_id      bigint      NOT NULL REFERENCES users (id),
    agent_id        bigint      REFERENCES users (id),
    verdict         text        NOT NULL CHECK (verdict IN ('approved','rework')),
    scores          jsonb       NOT NULL,
    score           integer     NOT NULL CHECK (score BETWEEN 0 AND 100),
    failed_items    text[]      NOT NULL DEFAULT '{}',
    comment         text        NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
    cited_seqs      bigint[]    NOT NULL DEFAULT '{}',
    event_seq       bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    disputed_at     timestamptz,
    dispute_comment text        NOT NULL DEFAULT '' CHECK (length(dispute_comment) <= 4000),
    CONSTRAINT verdicts_round_key UNIQUE (audit_id, round)
);

CREATE INDEX verdicts_case_idx ON verdicts (case_id, id);
CREATE INDEX verdicts_agent_idx ON verdicts (agent_id, created_at);

-- Webhooks may subscribe to the desk's events.
ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (cardinality(events) > 0 AND events <@ ARRAY['reminded', 'escalated', 'approval_requested']);
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('reminded', 'escalated', 'approval_requested'));

-- +goose Down
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check CHECK (event IN ('reminded', 'escalated'));
ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (cardinality(events) > 0 AND events <@ ARRAY['reminded', 'escalated']);
DROP TABLE verdicts;
DROP TABLE audit_checklist;
DROP TABLE audits;
DROP TABLE remedies;
DROP TABLE exchange_rates;
DROP TABLE remedy_policies;
