package store

import (
	"context"
	"strings"
	"time"

	"redress/cases"
)

// maxHistoryCases bounds the cases a buyer history lists; the counts cover
// them all.
const maxHistoryCases = 20

// BuyerHistory returns the other cases of c's buyer on c's platform (same
// buyer handle): how many were opened before c, how many are open, how many
// were flagged as suspected abuse, what their remedies came to per
// currency, and the most recent of them. A case without a buyer handle has
// no history (nil).
func (s *Store) BuyerHistory(ctx context.Context, c cases.Case) (*cases.BuyerHistory, error) {
	if strings.TrimSpace(c.BuyerHandle) == "" {
		return nil, nil
	}
	h := &cases.BuyerHistory{RemedyTotal: []cases.MoneyTotal{}, Cases: []cases.HistoryEntry{}}
	err := s.db.QueryRowxContext(ctx, `SELECT
			count(*) FILTER (WHERE created_at < $4),
			count(*) FILTER (WHERE state <> 'closed'),
			count(*) FILTER (WHERE suspected_abuse OR root_cause = 'suspected_abuse')
		FROM cases WHERE platform = $1 AND buyer_handle = $2 AND id <> $3`,
		string(c.Platform), c.BuyerHandle, c.ID, c.CreatedAt).Scan(&h.Earlier, &h.Open, &h.AbuseFlagged)
	if err != nil {
		return nil, formatError(err, "buyer history")
	}
	rows, err := s.db.QueryxContext(ctx, `SELECT remedy_currency, sum(remedy_amount)::text FROM cases
		WHERE platform = $1 AND buyer_handle = $2 AND id <> $3 AND remedy_amount IS NOT NULL
		GROUP BY remedy_currency ORDER BY remedy_currency`, string(c.Platform), c.BuyerHandle, c.ID)
	if err != nil {
		return nil, formatError(err, "buyer history")
	}
	defer rows.Close()
	for rows.Next() {
		var cur, sum string
		if err := rows.Scan(&cur, &sum); err != nil {
			return nil, formatError(err, "buyer history")
		}
		m, err := moneyFromDB(sum, cur)
		if err != nil {
			return nil, cases.Internalf(err, "buyer history")
		}
		h.RemedyTotal = append(h.RemedyTotal, cases.MoneyTotal{Amount: m.Amount(), Currency: m.Currency})
	}
	if err := rows.Err(); err != nil {
		return nil, formatError(err, "buyer history")
	}
	var entries []struct {
		ID             int64     `db:"id"`
		Ref            string    `db:"ref"`
		Kind           string    `db:"kind"`
		State          string    `db:"state"`
		SuspectedAbuse bool      `db:"suspected_abuse"`
		CreatedAt      time.Time `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &entries, `SELECT id, ref, kind, state, (suspected_abuse OR root_cause IS NOT DISTINCT FROM 'suspected_abuse') AS suspected_abuse, created_at
		FROM cases WHERE platform = $1 AND buyer_handle = $2 AND id <> $3 ORDER BY created_at DESC, id DESC LIMIT $4`,
		string(c.Platform), c.BuyerHandle, c.ID, maxHistoryCases); err != nil {
		return nil, formatError(err, "buyer history")
	}
	for _, e := range entries {
		h.Cases = append(h.Cases, cases.HistoryEntry{ID: e.ID, Ref: e.Ref, Kind: cases.Kind(e.Kind), State: cases.State(e.State),
			SuspectedAbuse: e.SuspectedAbuse, CreatedAt: e.CreatedAt})
	}
	return h, nil
}
