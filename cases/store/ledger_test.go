package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

// The exported ledger helpers are what a writer of several cases at once
// (a shift handover, a supervisor's audit) builds on: one InTx, a lock per
// case, and events appended to each ledger.
func TestLedgerHelpersWriteSeveralCasesInOneTransaction(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	sup := addUser(t, db, cases.RoleSupervisor)
	a, b := newCase(t, s, agent), newCase(t, s, agent)

	t.Run("AppendsToEveryLedgerWithTheActor", func(t *testing.T) {
		err := s.InTx(context.Background(), func(tx *sqlx.Tx) error {
			var appends []store.LedgerAppend
			var at time.Time
			for _, id := range []int64{a.ID, b.ID} {
				cur, l, now, err := store.LockCaseTx(context.Background(), tx, id)
				if err != nil {
					return err
				}
				if cur.ID != id || l.CaseID != id || l.Seq != 1 || now.IsZero() {
					t.Errorf("locked case %d: %+v at %+v, %v", id, cur, l, now)
				}
				at = now
				appends = append(appends, store.LedgerAppend{Ledger: l, Events: []cases.NewEvent{
					{Kind: cases.EventAudited, Payload: map[string]any{"verdict": "ok"}},
				}})
			}
			return store.AppendEventsTx(context.Background(), tx, &sup.ID, at, appends)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []cases.Case{a, b} {
			evs, err := s.Events(context.Background(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := evs[len(evs)-1]
			if len(evs) != 2 || last.Kind != cases.EventAudited || last.ActorID == nil || *last.ActorID != sup.ID {
				t.Fatalf("case %d: events %+v", c.ID, evs)
			}
			if v, err := s.Verify(context.Background(), c.ID, false); err != nil || !v.OK {
				t.Fatalf("case %d: ledger %+v, %v", c.ID, v, err)
			}
			if got, _ := s.Get(context.Background(), c.ID); got.Version != c.Version {
				t.Fatalf("case %d: version %d, was %d: appending events is not an edit", c.ID, got.Version, c.Version)
			}
		}
	})

	t.Run("ChangesNothingWhenTheTransactionFails", func(t *testing.T) {
		boom := errors.New("boom")
		err := s.InTx(context.Background(), func(tx *sqlx.Tx) error {
			for _, id := range []int64{a.ID, b.ID} {
				_, _, err := s.ChangeTx(context.Background(), tx, id, &sup, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
					cur.AssigneeID = &sup.ID
					return cases.Change{Case: cur, Events: []cases.NewEvent{{Kind: cases.EventHandedOver}}}, nil
				})
				if err != nil {
					return err
				}
			}
			return boom
		})
		if !errors.Is(err, boom) || codeOf(err) != cases.Internal {
			t.Fatalf("InTx = %v, want the callback's error as an internal one", err)
		}
		for _, c := range []cases.Case{a, b} {
			evs, _ := s.Events(context.Background(), c.ID)
			got, _ := s.Get(context.Background(), c.ID)
			if len(evs) != 2 || got.AssigneeID != nil || got.Version != c.Version {
				t.Fatalf("case %d after a failed transaction: %d events, %+v", c.ID, len(evs), got)
			}
		}
	})
}
