package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// ledgerAppend is events to append to one case's ledger, from the head the
// transaction read under the case's row lock.
type ledgerAppend struct {
	ledger cases.Ledger
	events []cases.NewEvent
}

// appendSystemEventsTx appends events recorded by the system (no actor) at
// at to the ledgers of cases whose rows tx has locked. It is changeTx with
// KeepVersion for a change that touches nothing but the ledger, in two
// statements however many cases there are: a sweep that reminds about ten
// thousand cases cannot afford changeTx's six round trips per case. The
// version and updated_at stay as they are: a reminder is not an edit, and
// must not make what a colleague is editing stale.
func appendSystemEventsTx(ctx context.Context, tx *sqlx.Tx, at time.Time, appends []ledgerAppend) error {
	var all []cases.Event
	ids := make([]int64, 0, len(appends))
	seqs := make([]int64, 0, len(appends))
	heads := make([]string, 0, len(appends))
	for _, a := range appends {
		if len(a.events) == 0 {
			continue
		}
		l := a.ledger
		evs, err := l.Chain(nil, ledgerTime(at), a.events)
		if err != nil {
			return err
		}
		all = append(all, evs...)
		ids, seqs, heads = append(ids, l.CaseID), append(seqs, l.Seq), append(heads, l.Head)
	}
	if len(all) == 0 {
		return nil
	}
	if err := insertEventsTx(ctx, tx, all); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE cases c SET ledger_seq = u.seq, ledger_head = u.head
		FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS u(id, seq, head)
		WHERE c.id = u.id`, pq.Array(ids), pq.Array(seqs), pq.Array(heads))
	return formatError(err, "case ledger")
}
