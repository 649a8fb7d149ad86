package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

const shopColumns = `s.id, s.name, s.platform, s.time_zone, s.shifts, s.business_hours, s.holidays::text[], s.created_at, s.updated_at`

type shopRow struct {
	cases.Shop
	shifts, hours []byte
	holidays      pq.StringArray
}

func (r *shopRow) dest() []any {
	return []any{&r.ID, &r.Name, &r.Platform, &r.TimeZone, &r.shifts, &r.hours, &r.holidays, &r.CreatedAt, &r.UpdatedAt}
}

func (r *shopRow) shop() (cases.Shop, error) {
	s := r.Shop
	s.Shifts, s.BusinessHours, s.Holidays = []cases.Shift{}, []cases.BusinessHours{}, []string(r.holidays)
	if s.Holidays == nil {
		s.Holidays = []string{}
	}
	if err := json.Unmarshal(r.shifts, &s.Shifts); err != nil {
		return s, cases.Internalf(err, "shop %d: shifts", s.ID)
	}
	if err := json.Unmarshal(r.hours, &s.BusinessHours); err != nil {
		return s, cases.Internalf(err, "shop %d: business hours", s.ID)
	}
	return s, nil
}

func shopArgs(s cases.Shop) ([]any, error) {
	shifts, err := json.Marshal(nonNil(s.Shifts))
	if err != nil {
		return nil, cases.Internalf(err, "encode shifts")
	}
	hours, err := json.Marshal(nonNil(s.BusinessHours))
	if err != nil {
		return nil, cases.Internalf(err, "encode business hours")
	}
	return []any{s.Name, string(s.Platform), s.TimeZone, string(shifts), string(hours), pq.Array(nonNil(s.Holidays))}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// getShopTx returns one shop.
func getShopTx(ctx context.Context, q sqlx.QueryerContext, id int64) (cases.Shop, error) {
	var r shopRow
	err := q.QueryRowxContext(ctx, `SELECT `+shopColumns+` FROM shops s WHERE s.id = $1`, id).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Shop{}, cases.Errorf(cases.NotFound, "shop %d not found", id)
	}
	if err != nil {
		return cases.Shop{}, formatError(err, "shop")
	}
	return r.shop()
}

// Shop returns one shop.
func (s *Shifts) Shop(ctx context.Context, id int64) (cases.Shop, error) {
	return getShopTx(ctx, s.db, id)
}

// MaxShops is how many shops a listing returns: a desk's shops, not a
// marketplace's.
const MaxShops = 2000

// Shops returns the shops by platform and name.
func (s *Shifts) Shops(ctx context.Context) ([]cases.Shop, error) {
	rows, err := s.db.QueryxContext(ctx, `SELECT `+shopColumns+` FROM shops s ORDER BY s.platform, s.name LIMIT $1`, MaxShops)
	if err != nil {
		return nil, formatError(err, "shops")
	}
	defer rows.Close()
	out := []cases.Shop{}
	for rows.Next() {
		var r shopRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, formatError(err, "shops")
		}
		sh, err := r.shop()
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, formatError(rows.Err(), "shops")
}

// CreateShop adds a shop; a shop of the same name on the platform is a
// conflict.
func (s *Shifts) CreateShop(ctx context.Context, sh cases.Shop) (cases.Shop, error) {
	if err := sh.Validate(); err != nil {
		return cases.Shop{}, err
	}
	args, err := shopArgs(sh)
	if err != nil {
		return cases.Shop{}, err
	}
	var r shopRow
	err = s.db.QueryRowxContext(ctx, `INSERT INTO shops AS s (name, platform, time_zone, shifts, business_hours, holidays)
		VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::date[]) RETURNING `+shopColumns, args...).Scan(r.dest()...)
	if err != nil {
		return cases.Shop{}, shopConflict(formatError(err, "shop"))
	}
	return r.shop()
}

// UpdateShop applies an admin's edit to a shop.
func (s *Shifts) UpdateShop(ctx context.Context, id int64, in cases.ShopInput) (cases.Shop, error) {
	var out cases.Shop
	err := inTx(ctx, s.db, nil, "shop", func(tx *sqlx.Tx) error {
		var r shopRow
		err := tx.QueryRowxContext(ctx, `SELECT `+shopColumns+` FROM shops s WHERE s.id = $1 FOR UPDATE`, id).Scan(r.dest()...)
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Errorf(cases.NotFound, "shop %d not found", id)
		}
		if err != nil {
			return err
		}
		cur, err := r.shop()
		if err != nil {
			return err
		}
		next, err := in.Apply(cur)
		if err != nil {
			return err
		}
		args, err := shopArgs(next)
		if err != nil {
			return err
		}
		err = tx.QueryRowxContext(ctx, `UPDATE shops AS s SET name = $1, platform = $2, time_zone = $3, shifts = $4::jsonb,
			business_hours = $5::jsonb, holidays = $6::date[], updated_at = now() WHERE s.id = $7 RETURNING `+shopColumns,
			append(args, id)...).Scan(r.dest()...)
		if err != nil {
			return shopConflict(formatError(err, "shop"))
		}
		out, err = r.shop()
		return err
	})
	return out, err
}

// shopConflict names the field of a duplicate shop.
func shopConflict(err error) error {
	var e *cases.Error
	if errors.As(err, &e) && e.Code == cases.Conflict {
		e.Field, e.Message = "name", "a shop of this name exists on this platform"
	}
	return err
}

// shopsByIDTx returns the shops of ids, for sweeps and views that need
// their calendars.
func shopsByIDTx(ctx context.Context, q sqlx.QueryerContext, ids []int64) (map[int64]cases.Shop, error) {
	out := map[int64]cases.Shop{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryxContext(ctx, `SELECT `+shopColumns+` FROM shops s WHERE s.id = ANY($1)`, pq.Array(ids))
	if err != nil {
		return nil, formatError(err, "shops")
	}
	defer rows.Close()
	for rows.Next() {
		var r shopRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, formatError(err, "shops")
		}
		sh, err := r.shop()
		if err != nil {
			return nil, err
		}
		out[sh.ID] = sh
	}
	return out, formatError(rows.Err(), "shops")
}

// CreateDue is Create with the first due time computed from the case's
// shop (created on first sight) and the database's clock: a policy that
// counts business hours needs the shop's calendar.
//
// A case without a platform deadline gets rule's, when there is one.
func (s *Store) CreateDue(ctx context.Context, c cases.Case, rule *cases.PlatformRule, due func(shop cases.Shop, now time.Time) time.Time) (cases.Case, error) {
	return s.create(ctx, c, 0, due, rule)
}
