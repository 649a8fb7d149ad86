-- +goose Up
-- Intake that fits the platforms' real data (issue 13): the dispute kinds
-- and the remedy desks triage by, what re-imports learn about a review,
-- saved column mappings, platform rules as data, and the index behind
-- buyer history.

-- Kinds: refund-only requests (仅退款), return-and-refund (退货退款),
-- platform intervention (平台介入 / A-to-z / chargeback).
ALTER TABLE cases DROP CONSTRAINT cases_kind_check;
ALTER TABLE cases ADD CONSTRAINT cases_kind_check CHECK (kind IN ('bad_review','medium_review','logistics_query',
    'lost_parcel','missing_item','damaged','wrong_item','quality','refund_dispute','refund_only','return_refund',
    'platform_intervention','complaint'));

-- Remedy return_refund: the buyer sends the goods back (courier and
-- waybill), and the follow-up waits on the return's receipt.
ALTER TABLE cases DROP CONSTRAINT cases_remedy_type_check;
ALTER TABLE cases ADD CONSTRAINT cases_remedy_type_check CHECK (remedy_type IN
    ('refund','partial_refund','reship','replace','coupon','gift','explanation','return_refund'));
ALTER TABLE cases
    ADD COLUMN return_courier     text NOT NULL DEFAULT '' CHECK (length(return_courier) <= 100),
    ADD COLUMN return_waybill     text NOT NULL DEFAULT '' CHECK (length(return_waybill) <= 100),
    ADD COLUMN return_received_at timestamptz;

-- What exports say of a review beyond its rating and text: the follow-up
-- (追评) and whether the platform removed it. Re-imports compare them.
ALTER TABLE cases
    ADD COLUMN review_follow_up_text text NOT NULL DEFAULT '',
    ADD COLUMN review_removed        boolean NOT NULL DEFAULT false;

-- The platform rule that set platform_due_at, when one did.
ALTER TABLE cases ADD COLUMN platform_rule text NOT NULL DEFAULT '' CHECK (length(platform_rule) <= 200);

-- Buyer history: the cases of one buyer on one platform.
CREATE INDEX cases_buyer_idx ON cases (platform, buyer_handle, created_at) WHERE buyer_handle <> '';

-- Column mappings saved under a name, for files no profile recognises.
CREATE TABLE import_mappings (
    name       text PRIMARY KEY CHECK (btrim(name) <> '' AND length(name) <= 100),
    mapping    jsonb NOT NULL CHECK (jsonb_typeof(mapping) = 'object'),
    created_by bigint NOT NULL REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Default external deadlines per platform and dispute kind: applied to a
-- case created or imported without platform_due_at. The defaults below are
-- the marketplaces' published rules as of 2026 (source in each row); admins
-- change them, and each change is a new version of the row's values.
CREATE TABLE platform_rules (
    platform   text NOT NULL CHECK (platform IN ('taobao','tmall','jd','pinduoduo','douyin','shopify','amazon','other')),
    kind       text NOT NULL,
    name       text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    due_hours  integer NOT NULL CHECK (due_hours > 0 AND due_hours <= 24 * 366),
    source     text NOT NULL DEFAULT '' CHECK (length(source) <= 500),
    updated_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, kind)
);

INSERT INTO platform_rules (platform, kind, name, due_hours, source) VALUES
    -- Taobao/Tmall: refund requests are answered within 48 h, else the
    -- platform agrees automatically (淘宝 退款规则, 卖家处理时效).
    ('taobao', 'refund_only',   'Taobao refund-only: seller answers in 48 h', 48, 'Taobao refund rules: 48 h seller response, then automatic agreement'),
    ('taobao', 'return_refund', 'Taobao return & refund: seller answers in 48 h', 48, 'Taobao refund rules: 48 h seller response, then automatic agreement'),
    ('tmall',  'refund_only',   'Tmall refund-only: seller answers in 48 h', 48, 'Tmall refund rules: 48 h seller response'),
    ('tmall',  'return_refund', 'Tmall return & refund: seller answers in 48 h', 48, 'Tmall refund rules: 48 h seller response'),
    -- Taobao: a medium or bad review may be revised once within 30 days.
    ('taobao', 'bad_review',    'Taobao review revision window: 30 days', 720, 'Taobao review rules: one revision of a medium/bad review within 30 days'),
    ('taobao', 'medium_review', 'Taobao review revision window: 30 days', 720, 'Taobao review rules: one revision of a medium/bad review within 30 days'),
    -- JD and Pinduoduo after-sales requests: 48 h to respond.
    ('jd',        'refund_only',   'JD after-sales: seller answers in 48 h', 48, 'JD after-sales service rules: 48 h response'),
    ('jd',        'return_refund', 'JD after-sales: seller answers in 48 h', 48, 'JD after-sales service rules: 48 h response'),
    ('pinduoduo', 'refund_only',   'Pinduoduo refund: seller answers in 48 h', 48, 'Pinduoduo after-sales rules: 48 h response, then automatic refund'),
    ('pinduoduo', 'return_refund', 'Pinduoduo return & refund: seller answers in 48 h', 48, 'Pinduoduo after-sales rules: 48 h response'),
    ('douyin',    'refund_only',   'Douyin refund: seller answers in 48 h', 48, 'Douyin e-commerce after-sales rules: 48 h response'),
    ('douyin',    'return_refund', 'Douyin return & refund: seller answers in 48 h', 48, 'Douyin e-commerce after-sales rules: 48 h response'),
    -- Amazon: an A-to-z claim may be decided against a seller who has not
    -- answered within 72 h (48 h is the prudent target).
    ('amazon', 'platform_intervention', 'Amazon A-to-z claim: respond within 72 h', 72, 'Amazon A-to-z Guarantee: seller response window 72 h'),
    -- Card chargebacks: evidence windows of 7–21 days; the shortest is kept.
    ('shopify', 'platform_intervention', 'Shopify chargeback: submit evidence within 7 days', 168, 'Card networks: 7-21 day chargeback evidence windows; shortest kept');

-- +goose Down
DROP TABLE platform_rules;
DROP TABLE import_mappings;
DROP INDEX cases_buyer_idx;
ALTER TABLE cases DROP COLUMN platform_rule, DROP COLUMN review_removed, DROP COLUMN review_follow_up_text,
    DROP COLUMN return_received_at, DROP COLUMN return_waybill, DROP COLUMN return_courier;
ALTER TABLE cases DROP CONSTRAINT cases_remedy_type_check;
ALTER TABLE cases ADD CONSTRAINT cases_remedy_type_check CHECK (remedy_type IN
    ('refund','partial_refund','reship','replace','coupon','gift','explanation'));
ALTER TABLE cases DROP CONSTRAINT cases_kind_check;
ALTER TABLE cases ADD CONSTRAINT cases_kind_check CHECK (kind IN ('bad_review','medium_review','logistics_query',
    'lost_parcel','missing_item','damaged','wrong_item','quality','refund_dispute','complaint'));
