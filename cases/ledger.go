package cases

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"
)

// ledger is a case's chain position while a transaction holds its row lock.
type ledger struct {
	caseID int64
	seq    int64
	head   string
}

// chain turns new events into ledger entries after l's head and advances l.
func (l *ledger) chain(actor *int64, at time.Time, evs []NewEvent) ([]Event, error) {
	out := make([]Event, 0, len(evs))
	for _, ne := range evs {
		payload := ne.Payload
		if payload == nil {
			payload = map[string]any{}
		}
		raw, err := json.Marshal(payload)
		if err != nil {
			return nil, Internalf(err, "encode %s event", ne.Kind)
		}
		if raw, err = CanonicalJSON(raw); err != nil {
			return nil, Internalf(err, "encode %s event", ne.Kind)
		}
		e := Event{CaseID: l.caseID, Seq: l.seq + 1, Kind: ne.Kind, ActorID: actor, At: at, Payload: raw, PrevHash: l.head}
		if e.Hash, err = EventHash(l.head, e); err != nil {
			return nil, Internalf(err, "hash %s event", ne.Kind)
		}
		l.seq, l.head = e.Seq, e.Hash
		out = append(out, e)
	}
	return out, nil
}

// insertEventsTx appends chained events in one statement.
func insertEventsTx(ctx context.Context, tx *sqlx.Tx, evs []Event) error {
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
func (s *Store) Events(ctx context.Context, caseID int64) ([]Event, error) {
	if err := s.caseExists(ctx, caseID); err != nil {
		return nil, err
	}
	var evs []Event
	err := s.db.SelectContext(ctx, &evs, `SELECT case_id, seq, kind, actor_id, at, payload, prev_hash, hash
		FROM case_events WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, formatError(err, "events")
	}
	return evs, nil
}

// Verification is the result of recomputing a case's ledger.
type Verification struct {
	CaseID   int64  `json:"case_id"`
	OK       bool   `json:"ok"`
	Events   int    `json:"events"`
	BrokenAt *int64 `json:"broken_at"`
	Head     string `json:"head"`
}

// Verify recomputes a case's hash chain and names the first broken link. The
// case row's own record of the head must match too, so that deleting the
// newest events is caught as well.
func (s *Store) Verify(ctx context.Context, caseID int64) (Verification, error) {
	evs, err := s.Events(ctx, caseID)
	if err != nil {
		return Verification{}, err
	}
	var l ledger
	if err := s.db.QueryRowxContext(ctx, `SELECT ledger_seq, ledger_head FROM cases WHERE id = $1`, caseID).Scan(&l.seq, &l.head); err != nil {
		return Verification{}, formatError(err, "case")
	}
	return verification(caseID, evs, l), nil
}

func verification(caseID int64, evs []Event, l ledger) Verification {
	v := Verification{CaseID: caseID, Events: len(evs), OK: true}
	if broken := VerifyChain(evs); broken != 0 {
		v.OK, v.BrokenAt = false, &broken
	} else if n := int64(len(evs)); n != l.seq || (n > 0 && evs[n-1].Hash != l.head) {
		// Events missing at the end: the first missing one is the break.
		at := n + 1
		if n > l.seq {
			at = l.seq + 1
		}
		v.OK, v.BrokenAt = false, &at
	}
	if len(evs) > 0 {
		v.Head = evs[len(evs)-1].Hash
	}
	return v
}

// VerifyAll checks every case's chain, calling report for each broken one,
// and returns how many cases it checked and how many were broken.
func (s *Store) VerifyAll(ctx context.Context, report func(Verification)) (checked, broken int, err error) {
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
