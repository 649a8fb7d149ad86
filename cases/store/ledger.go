package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// insertEventsTx appends events chained by cases.Ledger.Chain, at
// ledgerTime, in one statement.
func insertEventsTx(ctx context.Context, tx *sqlx.Tx, evs []cases.Event) error {
	if len(evs) == 0 {
		return nil
	}
	_, err := tx.NamedExecContext(ctx, `INSERT INTO case_events (case_id, seq, kind, actor_id, at, payload, prev_hash, hash)
		VALUES (:case_id, :seq, :kind, :actor_id, :at, :payload, :prev_hash, :hash)`, evs)
	return formatError(err, "event")
}

// LedgerAppend is events to append to one case's ledger, after the head
// the transaction read under the case's row lock (LockCaseTx, or a batch
// that locked its cases FOR UPDATE).
type LedgerAppend struct {
	Ledger cases.Ledger
	Events []cases.NewEvent
}

// AppendEventsTx appends events recorded by actor (nil for the system) at
// at to the ledgers of cases whose rows tx has locked, and moves each case's
// ledger head. It is ChangeTx with KeepVersion for a change that touches
// nothing but the ledger, in two statements however many cases there are:
// a sweep that reminds about ten thousand cases cannot afford ChangeTx's
// six round trips per case. The version and updated_at stay as they are:
// a reminder is not an edit, and must not make what a colleague is editing
// stale. Whether actor may act on the cases is the caller's check.
func AppendEventsTx(ctx context.Context, tx *sqlx.Tx, actor *int64, at time.Time, appends []LedgerAppend) error {
	var all []cases.Event
	ids := make([]int64, 0, len(appends))
	seqs := make([]int64, 0, len(appends))
	heads := make([]string, 0, len(appends))
	for _, a := range appends {
		if len(a.Events) == 0 {
			continue
		}
		l := a.Ledger
		evs, err := l.Chain(actor, ledgerTime(at), a.Events)
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
// newest events is caught as well. With evidence, it also hashes every
// evidence item's stored bytes again and names each one that no longer
// matches the SHA-256 the ledger recorded when it was added: the chain
// covers the hash, and this covers the bytes.
func (s *Store) Verify(ctx context.Context, caseID int64, evidence bool) (cases.Verification, error) {
	evs, err := s.Events(ctx, caseID)
	if err != nil {
		return cases.Verification{}, err
	}
	l := cases.Ledger{CaseID: caseID}
	if err := s.db.QueryRowxContext(ctx, `SELECT ledger_seq, ledger_head FROM cases WHERE id = $1`, caseID).Scan(&l.Seq, &l.Head); err != nil {
		return cases.Verification{}, formatError(err, "case")
	}
	v := l.Verify(evs)
	if evidence {
		if err := s.verifyEvidence(ctx, caseID, evs, &v); err != nil {
			return v, err
		}
	}
	return v, nil
}

// verifyEvidence hashes each of the case's evidence items as stored and
// compares it with its evidence_added event, and with the row's own hash.
func (s *Store) verifyEvidence(ctx context.Context, caseID int64, evs []cases.Event, v *cases.Verification) error {
	recorded := map[int64]string{}
	for _, e := range evs {
		if e.Kind != cases.EventEvidenceAdded {
			continue
		}
		var p struct {
			EvidenceID int64  `json:"evidence_id"`
			SHA256     string `json:"sha256"`
		}
		if json.Unmarshal(e.Payload, &p) == nil {
			recorded[p.EvidenceID] = p.SHA256
		}
	}
	items, err := s.listEvidenceTx(ctx, s.db, caseID)
	if err != nil {
		return err
	}
	checked := 0
	for _, ev := range items {
		h := sha256.New()
		if _, err := io.Copy(h, s.OpenEvidence(ctx, ev)); err != nil {
			return formatError(err, "evidence content")
		}
		checked++
		stored := hex.EncodeToString(h.Sum(nil))
		want, ok := recorded[ev.ID]
		var reason string
		switch {
		case !ok:
			reason = "the ledger has no evidence_added event for it"
		case stored != want:
			reason = "its stored bytes no longer hash to what the ledger recorded"
		case ev.SHA256 != want:
			reason = "its row's hash differs from the ledger's"
		default:
			continue
		}
		v.OK = false
		v.EvidenceBroken = append(v.EvidenceBroken, cases.EvidenceMismatch{EvidenceID: ev.ID, Recorded: want, Stored: stored, Reason: reason})
	}
	v.EvidenceChecked = &checked
	return nil
}

// VerifyAll checks every case's chain (and with evidence, its evidence's
// bytes), calling report for each broken one,
// and returns how many cases it checked and how many were broken.
func (s *Store) VerifyAll(ctx context.Context, evidence bool, report func(cases.Verification)) (checked, broken int, err error) {
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
			v, err := s.Verify(ctx, id, evidence)
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
