package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
	"redress/workflows"
)

// TestReportWaitsForFactsHeldElsewhere holds a listed case the way
// another instance's refresh does (its report_dirty row locked in an open
// transaction), runs a report's refresh, and checks that the report does
// not sum facts without that case's: it waits for the holder, then
// refreshes what the holder left listed.
func TestReportWaitsForFactsHeldElsewhere(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	ctx := context.Background()
	a := addUser(t, db, cases.RoleAgent).ID
	// A first refresh records the zone the facts are in, so that the one
	// below has no reason to list every case again.
	if _, err := s.Reports().Refresh(ctx, time.UTC, workflows.CaseFacts, 0); err != nil {
		t.Fatal(err)
	}
	c := insertLedgerCase(t, db, s, "taobao", "S1", "complaint")
	c.add("2026-11-10T09:00:00Z", cases.EventCreated, map[string]any{"state": "respond", "kind": "complaint",
		"shop": "S1", "platform": "taobao", "assignee_id": a})

	holder, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback() //nolint:errcheck
	var held int64
	if err := holder.GetContext(ctx, &held, `SELECT case_id FROM report_dirty WHERE case_id = $1 FOR UPDATE`, c.id); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Reports().Refresh(ctx, time.UTC, workflows.CaseFacts, 0)
		done <- err
	}()
	// The refresh waits for the held row.
	refreshWaitsForLock(t, db, done, "a listed case")
	// The holder lets go without taking the case off the list (a writer
	// that commits, or a refresh that failed): the report refreshes it.
	if err := holder.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var facts, listed int
	if err := db.Get(&facts, `SELECT count(*) FROM report_facts WHERE case_id = $1 AND figure = 'opened'`, c.id); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&listed, `SELECT count(*) FROM report_dirty`); err != nil {
		t.Fatal(err)
	}
	if facts != 1 || listed != 0 {
		t.Fatalf("after the wait: %d opened facts, %d cases still listed; want 1 and 0", facts, listed)
	}
}

// TestReportWaitsForADayHeldElsewhere holds a dirty day as another
// instance's roll-up (or a refresh that changed its facts and has not
// committed) does, and checks that a report's refresh waits for it and
// rolls it up, rather than reading a roll-up that lacks the day's facts.
func TestReportWaitsForADayHeldElsewhere(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	ctx := context.Background()
	a := addUser(t, db, cases.RoleAgent).ID
	c := insertLedgerCase(t, db, s, "taobao", "S1", "complaint")
	c.add("2026-11-10T09:00:00Z", cases.EventCreated, map[string]any{"state": "respond", "kind": "complaint",
		"shop": "S1", "platform": "taobao", "assignee_id": a})
	// The day's facts kept, its roll-up gone and the day listed again, as
	// a refresh that changed its facts leaves it.
	if _, err := s.Reports().Refresh(ctx, time.UTC, workflows.CaseFacts, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM report_day_counts; INSERT INTO report_days_dirty (day) VALUES ('2026-11-10')`); err != nil {
		t.Fatal(err)
	}
	holder, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback() //nolint:errcheck
	if _, err := holder.ExecContext(ctx, `SELECT 1 FROM report_days_dirty WHERE day = '2026-11-10' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Reports().Refresh(ctx, time.UTC, workflows.CaseFacts, 0)
		done <- err
	}()
	refreshWaitsForLock(t, db, done, "a listed day")
	if err := holder.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var opened, listed int
	if err := db.Get(&opened, `SELECT coalesce(sum(n), 0) FROM report_day_counts WHERE day = '2026-11-10' AND dim = 'agent' AND figure = 'opened'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&listed, `SELECT count(*) FROM report_days_dirty`); err != nil {
		t.Fatal(err)
	}
	if opened != 1 || listed != 0 {
		t.Fatalf("after the wait: %d opened in the day's roll-up, %d days still listed; want 1 and 0", opened, listed)
	}
}

// refreshWaitsForLock returns once PostgreSQL shows a session of the test's
// database waiting for a lock: the refresh that done reports on, waiting
// for what (held) another transaction holds. There is no timing: the loop
// ends when the wait is seen, or fails the test when the refresh returns
// first.
func refreshWaitsForLock(t *testing.T, db *sqlx.DB, done <-chan error, held string) {
	t.Helper()
	for {
		var waiting int
		if err := db.Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			return
		}
		select {
		case err := <-done:
			t.Fatalf("the refresh returned (%v) while %s was held elsewhere", err, held)
		default:
		}
	}
}
