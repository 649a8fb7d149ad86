-- +goose Up
-- Shops as an entity: name, platform, time zone, shifts, business hours and
-- holidays. Every case row carries its shop's id, the key a distributed
-- deployment (Citus) would partition case tables by (SPEC §12). A case's
-- free-text shop name still travels with it; the first case that names a
-- shop on a platform creates the shop (the trigger below), so that CSV
-- imports, the API and direct inserts all agree.

CREATE TABLE shops (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text        NOT NULL CONSTRAINT shops_name_check CHECK (length(name) BETWEEN 1 AND 200),
    platform       text        NOT NULL CONSTRAINT shops_platform_check CHECK (platform IN
                                 ('taobao','tmall','jd','pinduoduo','douyin','shopify','amazon','other')),
    -- '' is the deployment's REDRESS_TIMEZONE.
    time_zone      text        NOT NULL DEFAULT '' CONSTRAINT shops_time_zone_check CHECK (length(time_zone) <= 64),
    -- [{"name":"early","start":"08:00","end":"16:00"}, …]; end before start runs overnight.
    shifts         jsonb       NOT NULL DEFAULT '[]' CONSTRAINT shops_shifts_check CHECK (jsonb_typeof(shifts) = 'array'),
    -- [{"weekday":1,"start":"09:00","end":"18:00"}, …]; empty: open around the clock.
    business_hours jsonb       NOT NULL DEFAULT '[]' CONSTRAINT shops_hours_check CHECK (jsonb_typeof(business_hours) = 'array'),
    holidays       date[]      NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT shops_platform_name_key UNIQUE (platform, name)
);

ALTER TABLE cases ADD COLUMN shop_id bigint REFERENCES shops (id);

INSERT INTO shops (platform, name) SELECT DISTINCT platform, shop FROM cases;
UPDATE cases c SET shop_id = s.id FROM shops s WHERE s.platform = c.platform AND s.name = c.shop;

-- +goose StatementBegin
CREATE FUNCTION redress_case_shop() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sid bigint;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.shop = OLD.shop AND NEW.platform = OLD.platform AND NEW.shop_id IS NOT NULL THEN
        RETURN NEW;
    END IF;
    SELECT id INTO sid FROM shops WHERE platform = NEW.platform AND name = NEW.shop;
    IF sid IS NULL THEN
        INSERT INTO shops (platform, name) VALUES (NEW.platform, NEW.shop)
            ON CONFLICT (platform, name) DO NOTHING RETURNING id INTO sid;
        IF sid IS NULL THEN -- another transaction created it first
            SELECT id INTO sid FROM shops WHERE platform = NEW.platform AND name = NEW.shop;
        END IF;
    END IF;
    NEW.shop_id := sid;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER cases_shop BEFORE INSERT OR UPDATE OF shop, platform ON cases
    FOR EACH ROW EXECUTE FUNCTION redress_case_shop();

ALTER TABLE cases ALTER COLUMN shop_id SET NOT NULL;
CREATE INDEX cases_shop_id_idx ON cases (shop_id, created_at DESC);

-- +goose Down
DROP INDEX cases_shop_id_idx;
DROP TRIGGER cases_shop ON cases;
DROP FUNCTION redress_case_shop();
ALTER TABLE cases DROP COLUMN shop_id;
DROP TABLE shops;
