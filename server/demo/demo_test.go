package demo

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
	"redress/ui/i18n"
	"redress/workflows"
)

// loadDemo loads the demo data set of 300 cases into a fresh database as
// `make run` does (on the pool main loads it on), walked to end (zero: the
// database's now), and returns the database.
func loadDemo(t *testing.T, end time.Time) *sqlx.DB {
	t.Helper()
	ctx := context.Background()
	db, url := testdb.NewWithURL(t)
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	seed, err := store.Open(ctx, url, store.Limits{AsyncCommit: true})
	if err != nil {
		t.Fatal(err)
	}
	defer seed.Close()
	loaded, err := Load(ctx, seed, store.NewPeople(seed, cases.DefaultAccessPolicy()),
		Options{Cases: 300, Policy: workflows.DefaultPolicy(), Reminders: workflows.DefaultReminderPolicy(), Words: words, End: end}, io.Discard)
	if err != nil || !loaded {
		t.Fatalf("load ending %v: %v %v", end, loaded, err)
	}
	return db
}

// TestLoadWalksItsOwnPast loads the demo data set as `make run` does and
// checks that rows, ledgers and inboxes tell one story.
func TestLoadWalksItsOwnPast(t *testing.T) {
	ctx := context.Background()
	started := time.Now()
	db := loadDemo(t, time.Time{})
	t.Logf("loaded 300 cases in %v", time.Since(started).Round(time.Millisecond))
	var now time.Time
	if err := db.GetContext(ctx, &now, `SELECT now()`); err != nil {
		t.Fatal(err)
	}

	t.Run("CreatedEventIsTheRowsCreation", func(t *testing.T) {
		var bad []string
		if err := db.SelectContext(ctx, &bad, `SELECT c.ref FROM cases c JOIN case_events e ON e.case_id = c.id AND e.seq = 1
			WHERE e.kind <> 'created' OR e.at <> c.created_at`); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Fatalf("%d cases whose first event is not their creation at created_at, e.g. %s", len(bad), bad[0])
		}
	})
	t.Run("EventsInTimeOrder", func(t *testing.T) {
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM case_events a JOIN case_events b
			ON b.case_id = a.case_id AND b.seq = a.seq + 1 WHERE b.at < a.at`); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			t.Fatalf("%d events are earlier than the event before them", n)
		}
		var future int
		if err := db.GetContext(ctx, &future, `SELECT count(*) FROM case_events WHERE at > $1`, now); err != nil {
			t.Fatal(err)
		}
		if future > 0 {
			t.Fatalf("%d events lie in the future", future)
		}
	})
	t.Run("CreatedWithinTheFortnight", func(t *testing.T) {
		var oldest, newest time.Time
		if err := db.QueryRowxContext(ctx, `SELECT min(created_at), max(created_at) FROM cases`).Scan(&oldest, &newest); err != nil {
			t.Fatal(err)
		}
		if now.Sub(oldest) > Fortnight+4*24*time.Hour || now.Sub(oldest) < 7*24*time.Hour {
			t.Fatalf("oldest case created %v ago: the demo should span about a fortnight", now.Sub(oldest))
		}
		var recentOpen, open int
		if err := db.QueryRowxContext(ctx, `SELECT count(*) FILTER (WHERE created_at > $1::timestamptz - interval '3 days'), count(*)
			FROM cases WHERE state <> 'closed'`, now).Scan(&recentOpen, &open); err != nil {
			t.Fatal(err)
		}
		if open == 0 || recentOpen*10 < open*8 {
			t.Fatalf("%d of %d open cases were created in the last three days: open cases should be mostly recent", recentOpen, open)
		}
	})
	t.Run("LedgersVerify", func(t *testing.T) {
		checked, broken, err := store.New(db).VerifyAll(ctx, false, func(v cases.Verification) {
			t.Errorf("case %d: chain broken at %v", v.CaseID, v.BrokenAt)
		})
		if err != nil || checked != 300 || broken != 0 {
			t.Fatalf("verify: %d checked, %d broken, %v", checked, broken, err)
		}
	})
	t.Run("UpdatedAtIsTheLastChange", func(t *testing.T) {
		// Reminders are not edits: they leave updated_at alone (see
		// AppendEventsTx), so updated_at is the last event someone wrote.
		var bad []string
		if err := db.SelectContext(ctx, &bad, `SELECT c.ref FROM cases c
			WHERE c.updated_at <> (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.actor_id IS NOT NULL)
			   OR c.updated_at < c.created_at`); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Fatalf("%d cases whose updated_at is not their last change, e.g. %s", len(bad), bad[0])
		}
	})
	t.Run("RemindersFiredWhenDue", func(t *testing.T) {
		var evs []struct {
			At      time.Time `db:"at"`
			Payload []byte    `db:"payload"`
		}
		if err := db.SelectContext(ctx, &evs, `SELECT at, payload FROM case_events WHERE kind IN ('reminded', 'escalated')`); err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			t.Fatal("no reminders in any timeline: the walk never swept")
		}
		for _, e := range evs {
			var p struct {
				Level string    `json:"level"`
				DueAt time.Time `json:"due_at"`
			}
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				t.Fatal(err)
			}
			fires := p.DueAt
			switch cases.ReminderLevel(p.Level) {
			case cases.LevelEscalation:
				fires = fires.Add(workflows.DefaultReminderPolicy().Grace)
			case cases.LevelPlatformSoon:
				fires = fires.Add(-workflows.DefaultReminderPolicy().PlatformLead)
			}
			if e.At.Before(fires) || e.At.After(fires.Add(sweepEvery)) {
				t.Fatalf("%s at %v for a deadline of %v: reminders fire at the first sweep after it", p.Level, e.At, p.DueAt)
			}
		}
	})
	t.Run("AFewUnreadNoticesEachAboutAnOverdueCase", func(t *testing.T) {
		var rows []struct {
			Email   string `db:"email"`
			Unread  int    `db:"unread"`
			Stray   int    `db:"stray"`
			Overdue int    `db:"overdue"`
		}
		if err := db.SelectContext(ctx, &rows, `SELECT u.email,
				(SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread,
				(SELECT count(*) FROM notifications n LEFT JOIN cases c ON c.id = n.case_id
				  WHERE n.user_id = u.id AND n.read_at IS NULL AND NOT coalesce(c.state <> 'closed' AND c.due_at < now(), false)) AS stray,
				(SELECT count(*) FROM cases c WHERE c.assignee_id = u.id AND c.state <> 'closed' AND c.due_at < now()) AS overdue
			FROM users u WHERE u.role = 'agent' ORDER BY u.email`); err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, r := range rows {
			t.Logf("%s: %d unread, %d overdue cases", r.Email, r.Unread, r.Overdue)
			total += r.Unread
			if r.Unread > 10 || r.Unread == 0 {
				t.Errorf("%s has %d unread notices; a desk that keeps up has a few", r.Email, r.Unread)
			}
			if r.Stray > 0 {
				var stray []string
				_ = db.SelectContext(ctx, &stray, `SELECT n.kind || ' ' || coalesce(c.ref, '-') || ' ' || coalesce(c.state, '-') || ' due ' || coalesce(c.due_at::text, '-') || ': ' || n.message
					FROM notifications n JOIN users u ON u.id = n.user_id LEFT JOIN cases c ON c.id = n.case_id
					WHERE u.email = $1 AND n.read_at IS NULL AND NOT coalesce(c.state <> 'closed' AND c.due_at < now(), false)`, r.Email)
				t.Errorf("%s has %d unread notices about cases that are not overdue: %q", r.Email, r.Stray, stray)
			}
			if r.Overdue > 10 || r.Overdue < r.Unread {
				t.Errorf("%s has %d overdue cases; the demo should show a handful", r.Email, r.Overdue)
			}
		}
		if len(rows) != 3 || total == 0 {
			t.Fatalf("%d agents with %d unread notices in all: the demo should show each a few", len(rows), total)
		}
	})
	t.Run("TheDeskAuditsAndApproves", func(t *testing.T) {
		var done, queued, approvals int
		if err := db.QueryRowxContext(ctx, `SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'queued'),
			(SELECT count(*) FROM case_events WHERE kind = 'remedy_approved') FROM audits`).Scan(&done, &queued, &approvals); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d audits done, %d queued, %d remedies approved", done, queued, approvals)
		if done == 0 || queued == 0 {
			t.Fatalf("%d audits done and %d queued: the supervisor judges most sampled cases and the newest wait", done, queued)
		}
	})
	t.Run("LoadsOnce", func(t *testing.T) {
		words, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Load(ctx, db, store.NewPeople(db, cases.DefaultAccessPolicy()),
			Options{Cases: 1, Policy: workflows.DefaultPolicy(), Reminders: workflows.DefaultReminderPolicy(), Words: words}, io.Discard)
		if err != nil || again {
			t.Fatalf("second load: %v %v", again, err)
		}
	})
}
