package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// insertEventsTx appends chained events in one statement.
func insertEventsTx(ctx context.Context, tx *sqlx.Tx, evs []cases.Event) error {
	if len(evs) == 0 {
		return nil
	}
	_, err := tx.NamedExecContext(ctx, `INSERT INTO case_events (case_id, seq, kind, actor_id, at, payload, prev_hash, hash)
		VALUES (:case_id, :seq, :kind, :actor_id, :at, :payload, :prev_hash, :hash)`, evs)
	return formatError(err, "event")
}

// ledgerTime is the time recorded on events: the database's clock, at the
// precision PostgreSQL stores, so that the hash recomputes identically.
func ledgerTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Events returns a case's ledger, oldest first.
func (s *Store) Events(ctx context.Context, caseID int64) ([]cases.Event, error) {
	if err := s.caseExists(ctx, caseID); err != nil {
		return nil, err
	}
	var evs []cases.Event
	err := s.db.SelectContext(ctx, &evs, `SELECT case_id, seq, kind, actor_id, at, payload, prev_hash, hash
		FROM case_events WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, formatError(err, "events")
	}
	return evs, nil
}

// Verify recomputes a case's hash chain and names the first broken link. The
// case row's own record of the head must match too, so that deleting the
// newest events is caught as well.
func (s *Store) Verify(ctx context.Context, caseID int64) (cases.Verification, error) {
	evs, err := s.Events(ctx, caseID)
	if err != nil {
		return cases.Verification{}, err
	}
	l := cases.Ledger{CaseID: caseID}
	if err := s.db.QueryRowxContext(ctx, `SELECT ledger_seq, ledger_head FROM cases WHERE id = $1`, caseID).Scan(&l.Seq, &l.Head); err != nil {
		return cases.Verification{}, formatError(err, "case")
	}
	return l.Verify(evs), nil
}

// VerifyAll checks every case's chain, calling report for each broken one,
// and returns how many cases it checked and how many were broken.
func (s *Store) VerifyAll(ctx context.Context, report func(cases.Verification)) (checked, broken int, err error) {
	var after int64
	for {
		var ids []int64
		if err := s.db.SelectContext(ctx, &ids, `SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT 500`, after); err != nil {
			return checked, broken, formatError(err, "cases")
		}
		if len(ids) == 0 {
			return checked, broken, nil
		}
		for _, id := range ids {
			v, err := s.Verify(ctx, id)
			if err != nil {
				return checked, broken, err
			}
			checked++
			if !v.OK {
				broken++
				report(v)
			}
		}
		after = ids[len(ids)-1]
	}
}
