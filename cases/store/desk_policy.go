package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

type remedyLimitRow struct {
	Shop            string    `db:"shop"`
	Currency        string    `db:"currency"`
	MaxOrderPercent int64     `db:"max_order_percent"`
	CaseLimit       int64     `db:"case_limit"`
	BuyerLimit      *int64    `db:"buyer_limit"`
	BuyerWindowDays int       `db:"buyer_window_days"`
	UpdatedBy       *int64    `db:"updated_by"`
	UpdatedAt       time.Time `db:"updated_at"`
}

func (r remedyLimitRow) limit() cases.RemedyLimit {
	l := cases.RemedyLimit{Shop: r.Shop, Currency: r.Currency, MaxOrderPercent: r.MaxOrderPercent,
		CaseLimit: cases.Money{Minor: r.CaseLimit, Currency: r.Currency}, BuyerWindowDays: r.BuyerWindowDays,
		UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt}
	if r.BuyerLimit != nil {
		l.BuyerLimit = &cases.Money{Minor: *r.BuyerLimit, Currency: r.Currency}
	}
	return l
}

const remedyLimitColumns = `shop, currency, max_order_percent, case_limit, buyer_limit, buyer_window_days, updated_by, updated_at`

// remedyLimitsTx reads the rows of shop and the defaults (shop "").
func remedyLimitsTx(ctx context.Context, q sqlx.QueryerContext, shop string) ([]cases.RemedyLimit, error) {
	var rows []remedyLimitRow
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+remedyLimitColumns+` FROM remedy_policies
		WHERE shop IN ($1, '') ORDER BY shop DESC, currency`, shop)
	if err != nil {
		return nil, formatError(err, "remedy policy")
	}
	out := make([]cases.RemedyLimit, len(rows))
	for i, r := range rows {
		out[i] = r.limit()
	}
	return out, nil
}

func exchangeRatesTx(ctx context.Context, q sqlx.QueryerContext) ([]cases.ExchangeRate, error) {
	rates := []cases.ExchangeRate{}
	err := sqlx.SelectContext(ctx, q, &rates, `SELECT currency, to_currency, rate::text AS rate, updated_at
		FROM exchange_rates ORDER BY currency, to_currency`)
	return rates, formatError(err, "exchange rates")
}

// RemedyLimits returns every row of the remedy policy, defaults first.
func (s *Desk) RemedyLimits(ctx context.Context) ([]cases.RemedyLimit, error) {
	var rows []remedyLimitRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+remedyLimitColumns+` FROM remedy_policies ORDER BY shop, currency`); err != nil {
		return nil, formatError(err, "remedy policy")
	}
	out := make([]cases.RemedyLimit, len(rows))
	for i, r := range rows {
		out[i] = r.limit()
	}
	return out, nil
}

// SaveRemedyLimit creates or replaces one row of the remedy policy.
func (s *Desk) SaveRemedyLimit(ctx context.Context, l cases.RemedyLimit, by int64) (cases.RemedyLimit, error) {
	var buyer *int64
	if l.BuyerLimit != nil {
		buyer = &l.BuyerLimit.Minor
	}
	var r remedyLimitRow
	err := s.db.GetContext(ctx, &r, `INSERT INTO remedy_policies (shop, currency, max_order_percent, case_limit, buyer_limit, buyer_window_days, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, now())
		ON CONFLICT (shop, currency) DO UPDATE SET max_order_percent = EXCLUDED.max_order_percent,
			case_limit = EXCLUDED.case_limit, buyer_limit = EXCLUDED.buyer_limit,
			buyer_window_days = EXCLUDED.buyer_window_days, updated_by = EXCLUDED.updated_by, updated_at = now()
		RETURNING `+remedyLimitColumns, l.Shop, l.Currency, l.MaxOrderPercent, l.CaseLimit.Minor, buyer, l.BuyerWindowDays, by)
	if err != nil {
		return cases.RemedyLimit{}, formatError(err, "remedy policy")
	}
	return r.limit(), nil
}

// ExchangeRates returns the configured exchange rates.
func (s *Desk) ExchangeRates(ctx context.Context) ([]cases.ExchangeRate, error) {
	return exchangeRatesTx(ctx, s.db)
}

// SaveExchangeRate creates or replaces a rate; rate "0" deletes it.
func (s *Desk) SaveExchangeRate(ctx context.Context, r cases.ExchangeRate, by int64) error {
	if r.Rate == "0" {
		_, err := s.db.ExecContext(ctx, `DELETE FROM exchange_rates WHERE currency = $1 AND to_currency = $2`, r.Currency, r.ToCurrency)
		return formatError(err, "exchange rate")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO exchange_rates (currency, to_currency, rate, updated_by, updated_at)
		VALUES ($1, $2, $3::numeric, $4, now())
		ON CONFLICT (currency, to_currency) DO UPDATE SET rate = EXCLUDED.rate, updated_by = EXCLUDED.updated_by, updated_at = now()`,
		r.Currency, r.ToCurrency, r.Rate, by)
	return formatError(err, "exchange rate")
}

// Checklist returns the audit scorecard's items in order; inactive ones
// only when all is true.
func (s *Desk) Checklist(ctx context.Context, all bool) ([]cases.ChecklistItem, error) {
	return ChecklistTx(ctx, s.db, all)
}

// ChecklistTx is Checklist in the caller's transaction.
func ChecklistTx(ctx context.Context, q sqlx.QueryerContext, all bool) ([]cases.ChecklistItem, error) {
	items := []cases.ChecklistItem{}
	err := sqlx.SelectContext(ctx, q, &items, `SELECT key, label_en, label_zh, weight, critical, active, position
		FROM audit_checklist WHERE active OR $1 ORDER BY position, key`, all)
	return items, formatError(err, "checklist")
}

// LockChecklistTx returns the active items of the scorecard under a share
// lock: a verdict scoring them holds it until it commits, so that an item
// being retired meanwhile waits and then sees the verdict's scores (and is
// retired, not deleted).
func LockChecklistTx(ctx context.Context, tx *sqlx.Tx) ([]cases.ChecklistItem, error) {
	items := []cases.ChecklistItem{}
	err := tx.SelectContext(ctx, &items, `SELECT key, label_en, label_zh, weight, critical, active, position
		FROM audit_checklist WHERE active ORDER BY position, key FOR SHARE`)
	return items, formatError(err, "checklist")
}

// SaveChecklistItem creates or replaces one item of the scorecard. An item
// is never deleted (verdicts name it): it is made inactive.
func (s *Desk) SaveChecklistItem(ctx context.Context, it cases.ChecklistItem) (cases.ChecklistItem, error) {
	err := s.db.GetContext(ctx, &it, `INSERT INTO audit_checklist (key, label_en, label_zh, weight, critical, active, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (key) DO UPDATE SET label_en = EXCLUDED.label_en, label_zh = EXCLUDED.label_zh, weight = EXCLUDED.weight,
			critical = EXCLUDED.critical, active = EXCLUDED.active, position = EXCLUDED.position
		RETURNING key, label_en, label_zh, weight, critical, active, position`,
		it.Key, it.LabelEN, it.LabelZH, it.Weight, it.Critical, it.Active, it.Position)
	return it, formatError(err, "checklist item")
}

// RetireChecklistItem takes an item off the scorecard: an item no verdict
// scored is deleted; one that verdicts scored is made inactive, so that
// they still show it with its label. deleted says which. The last active
// item is not retired (a scorecard needs one), and an unknown key is
// NotFound.
func (s *Desk) RetireChecklistItem(ctx context.Context, key string) (item cases.ChecklistItem, deleted bool, err error) {
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		// Locking every active item makes two retirements of the last
		// two items one after the other: the second sees one left.
		var active []cases.ChecklistItem
		if err := tx.SelectContext(ctx, &active, `SELECT key, label_en, label_zh, weight, critical, active, position
			FROM audit_checklist WHERE active OR key = $1 ORDER BY position, key FOR UPDATE`, key); err != nil {
			return formatError(err, "checklist item")
		}
		found, others := false, 0
		for _, it := range active {
			if it.Key == key {
				item, found = it, true
			} else if it.Active {
				others++
			}
		}
		switch {
		case !found:
			return cases.Errorf(cases.NotFound, "the checklist has no item %q", key)
		case item.Active && others == 0:
			return &cases.Error{Code: cases.Conflict, Field: "key",
				Message: fmt.Sprintf("%s is the checklist's last active item: add or reactivate another before retiring it", key)}
		}
		var used bool
		if err := tx.GetContext(ctx, &used, `SELECT EXISTS (SELECT 1 FROM verdicts WHERE scores ? $1 OR $1 = ANY (failed_items))`, key); err != nil {
			return formatError(err, "checklist item")
		}
		if !used {
			deleted = true
			_, err := tx.ExecContext(ctx, `DELETE FROM audit_checklist WHERE key = $1`, key)
			return formatError(err, "checklist item")
		}
		item.Active = false
		_, err := tx.ExecContext(ctx, `UPDATE audit_checklist SET active = false WHERE key = $1`, key)
		return formatError(err, "checklist item")
	})
	return item, deleted, err
}
