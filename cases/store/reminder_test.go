package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
	"redress/workflows"
)

// testPlan is the production reminder policy with the messages' time zone.
// Its messages are plain: their words are the catalogue's (ui/i18n), tested
// there.
func testPlan() cases.SweepPlan {
	p := workflows.DefaultReminderPolicy().SweepPlan(func(n cases.Notice, r cases.Reader) string {
		return n.Case.Ref + " " + string(n.Level) + " " + string(r.Language)
	})
	p.Location = time.UTC
	p.CaseURL = func(id int64) string { return "https://redress.example/api/v1/cases/" + strconv.FormatInt(id, 10) }
	return p
}

// dueOf returns a case's current due time.
func dueOf(t *testing.T, s *store.Store, id int64) time.Time {
	t.Helper()
	c, err := s.Get(context.Background(), id)
	if err != nil || c.DueAt == nil {
		t.Fatalf("case %d: %v (due %v)", id, err, c.DueAt)
	}
	return *c.DueAt
}

// countRows runs a counting query.
func countRows(t *testing.T, db *sqlx.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Get(&n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// seedOverdue inserts n open cases in listen, all overdue at now and
// assigned to assignee, directly in SQL: no events, so each ledger starts
// empty (seq 0) and the sweep's event is its first link.
func seedOverdue(t testing.TB, db *sqlx.DB, n int, now time.Time, assignee int64) {
	t.Helper()
	_, err := db.Exec(`INSERT INTO cases (platform, shop, kind, state, due_at, assignee_id)
		SELECT 'taobao', 'shop-' || (g % 7), 'complaint', 'listen', $1::timestamptz - (1 + g % 50) * interval '1 second', $2
		FROM generate_series(1, $3) AS g`, now, assignee, n)
	if err != nil {
		t.Fatal(err)
	}
}

func TestSweepFiresOncePerDeadline(t *testing.T) {
	db := testdb.New(t)
	s, r := store.New(db), store.NewReminders(db)
	agent := addUser(t, db, cases.RoleAgent)
	c := newCase(t, s, agent, func(in *cases.CaseInput) { in.AssigneeID = &agent.ID })
	due := dueOf(t, s, c.ID)
	ctx := context.Background()

	t.Run("NothingBeforeDue", func(t *testing.T) {
		res, err := r.Sweep(ctx, due.Add(-time.Second), testPlan())
		if err != nil || res.Total() != 0 {
			t.Fatalf("sweep before due: %+v %v", res, err)
		}
	})
	t.Run("OneReminderAfterFiveSweeps", func(t *testing.T) {
		fired := 0
		for range 5 {
			res, err := r.Sweep(ctx, due.Add(time.Minute), testPlan())
			if err != nil {
				t.Fatal(err)
			}
			fired += res.Total()
		}
		if fired != 1 {
			t.Fatalf("five sweeps fired %d reminders, want 1", fired)
		}
		if n := countRows(t, db, `SELECT count(*) FROM notifications WHERE user_id = $1 AND case_id = $2 AND kind = 'overdue'`, agent.ID, c.ID); n != 1 {
			t.Fatalf("%d notifications for the assignee, want 1", n)
		}
		evs, err := s.Events(ctx, c.ID)
		if err != nil || len(evs) != 2 || evs[1].Kind != cases.EventReminded || evs[1].ActorID != nil {
			t.Fatalf("ledger %+v %v: want created then reminded by the system", evs, err)
		}
		if v, err := s.Verify(ctx, c.ID, false); err != nil || !v.OK {
			t.Fatalf("ledger after the reminder: %+v %v", v, err)
		}
		if got, _ := s.Get(ctx, c.ID); got.Version != c.Version {
			t.Fatalf("version %d after a reminder, want %d unchanged", got.Version, c.Version)
		}
	})
	t.Run("EscalationOnlyAfterGrace", func(t *testing.T) {
		sup := addUser(t, db, cases.RoleSupervisor)
		admin := addUser(t, db, cases.RoleAdmin)
		if res, err := r.Sweep(ctx, due.Add(30*time.Minute), testPlan()); err != nil || res.Total() != 0 {
			t.Fatalf("sweep at due+30m: %+v %v, want nothing", res, err)
		}
		res, err := r.Sweep(ctx, due.Add(61*time.Minute), testPlan())
		if err != nil || res.Fired[cases.LevelEscalation] != 1 || res.Total() != 1 {
			t.Fatalf("sweep at due+61m: %+v %v, want one escalation", res, err)
		}
		for _, u := range []cases.Actor{sup, admin} {
			if n := countRows(t, db, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'escalation'`, u.ID); n != 1 {
				t.Fatalf("%s got %d escalations, want 1", u.Role, n)
			}
		}
		if n := countRows(t, db, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'escalation'`, agent.ID); n != 0 {
			t.Fatalf("the agent got %d escalations meant for supervisors", n)
		}
		if res, _ := r.Sweep(ctx, due.Add(5*time.Hour), testPlan()); res.Total() != 0 {
			t.Fatalf("a later sweep fired again: %+v", res)
		}
		if v, err := s.Verify(ctx, c.ID, false); err != nil || !v.OK || v.Events != 3 {
			t.Fatalf("ledger: %+v %v, want 3 intact events", v, err)
		}
	})
}

func TestSweepFollowsTheCurrentStep(t *testing.T) {
	db := testdb.New(t)
	s, r := store.New(db), store.NewReminders(db)
	agent := addUser(t, db, cases.RoleAgent)
	ctx := context.Background()
	move := func(t *testing.T, c cases.Case, m workflows.Move) cases.Case {
		t.Helper()
		got, err := s.Change(as(agent), c.ID, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
			res, err := workflows.Transition(cur, m, workflows.Facts{Now: f.Now, ActorID: agent.ID}, workflows.DefaultPolicy())
			return cases.Change{Case: res.Case, Events: res.Events}, err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	t.Run("MovedOnBeforeDueGetsNone", func(t *testing.T) {
		c := newCase(t, s, agent)
		oldDue := *c.DueAt
		c = move(t, c, workflows.Move{To: cases.StateListen, FirstResponse: "您好，我们马上核实。"})
		res, err := r.Sweep(ctx, oldDue.Add(time.Minute), testPlan())
		if err != nil || res.Total() != 0 {
			t.Fatalf("sweep after the old due time: %+v %v; the case moved on, want nothing", res, err)
		}
		if n := countRows(t, db, `SELECT count(*) FROM reminders WHERE case_id = $1`, c.ID); n != 0 {
			t.Fatalf("%d claims for a case that moved on", n)
		}
	})
	t.Run("ClosedGetsNone", func(t *testing.T) {
		c := newCase(t, s, agent)
		due := *c.DueAt
		move(t, c, workflows.Move{To: cases.StateClosed, CloseReason: "duplicate"})
		if _, err := r.Sweep(ctx, due.Add(48*time.Hour), testPlan()); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, `SELECT count(*) FROM reminders WHERE case_id = $1`, c.ID); n != 0 {
			t.Fatalf("%d reminders for a closed case", n)
		}
	})
	t.Run("ReopenedGetsFreshReminders", func(t *testing.T) {
		c := newCase(t, s, agent)
		due := *c.DueAt
		if res, _ := r.Sweep(ctx, due.Add(time.Minute), testPlan()); res.Fired[cases.LevelOverdue] != 1 {
			t.Fatalf("first reminder: %+v", res)
		}
		c = move(t, c, workflows.Move{To: cases.StateClosed, CloseReason: "withdrawn_by_buyer"})
		c = move(t, c, workflows.Move{To: cases.StateListen, ReopenReason: "the buyer wrote again"})
		res, err := r.Sweep(ctx, c.DueAt.Add(time.Minute), testPlan())
		if err != nil || res.Fired[cases.LevelOverdue] != 1 {
			t.Fatalf("after reopening: %+v %v, want a fresh overdue reminder", res, err)
		}
		if n := countRows(t, db, `SELECT count(*) FROM notifications WHERE case_id = $1 AND kind = 'overdue'`, c.ID); n < 2 {
			t.Fatalf("%d overdue notices in all, want the first and the fresh one", n)
		}
		if v, err := s.Verify(ctx, c.ID, false); err != nil || !v.OK {
			t.Fatalf("ledger: %+v %v", v, err)
		}
	})
}

func TestSweepRecipients(t *testing.T) {
	db := testdb.New(t)
	s, r := store.New(db), store.NewReminders(db)
	agent := addUser(t, db, cases.RoleAgent)
	other := addUser(t, db, cases.RoleAgent)
	gone := addUser(t, db, cases.RoleAgent)
	sup := addUser(t, db, cases.RoleSupervisor)
	admin := addUser(t, db, cases.RoleAdmin)
	ctx := context.Background()
	recipients := func(t *testing.T, caseID int64, kind string) map[int64]bool {
		t.Helper()
		var ids []int64
		if err := db.Select(&ids, `SELECT user_id FROM notifications WHERE case_id = $1 AND kind = $2`, caseID, kind); err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		for _, id := range ids {
			if got[id] {
				t.Fatalf("user %d told twice", id)
			}
			got[id] = true
		}
		return got
	}

	t.Run("UnassignedGoesToTheQueueWatchers", func(t *testing.T) {
		if _, err := db.Exec(`UPDATE users SET active = false WHERE id = $1`, gone.ID); err != nil {
			t.Fatal(err)
		}
		c := newCase(t, s, agent)
		if _, err := r.Sweep(ctx, c.DueAt.Add(time.Minute), testPlan()); err != nil {
			t.Fatal(err)
		}
		got := recipients(t, c.ID, "overdue")
		if !got[agent.ID] || !got[other.ID] || !got[sup.ID] || got[admin.ID] || got[gone.ID] || len(got) != 3 {
			t.Fatalf("told %v; want the active agents and the supervisor, not the admin or the deactivated agent", got)
		}
	})
	t.Run("DeactivatedAssigneeFallsBackToWatchers", func(t *testing.T) {
		c := newCase(t, s, agent, func(in *cases.CaseInput) { in.AssigneeID = &other.ID })
		if _, err := db.Exec(`UPDATE users SET active = false WHERE id = $1`, other.ID); err != nil {
			t.Fatal(err)
		}
		defer db.Exec(`UPDATE users SET active = true WHERE id = $1`, other.ID) //nolint:errcheck
		if _, err := r.Sweep(ctx, c.DueAt.Add(time.Minute), testPlan()); err != nil {
			t.Fatal(err)
		}
		got := recipients(t, c.ID, "overdue")
		if got[other.ID] || !got[agent.ID] || !got[sup.ID] {
			t.Fatalf("told %v; the assignee is deactivated, want the watchers", got)
		}
	})
	t.Run("PlatformDeadlineSoonThenPassed", func(t *testing.T) {
		c := newCase(t, s, agent, func(in *cases.CaseInput) { in.AssigneeID = &agent.ID })
		platform := c.DueAt.Add(-10 * time.Minute).Add(8 * time.Hour)
		if _, err := db.Exec(`UPDATE cases SET platform_due_at = $2, due_at = $3 WHERE id = $1`,
			c.ID, platform, platform.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Sweep(ctx, platform.Add(-5*time.Hour), testPlan()); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, `SELECT count(*) FROM reminders WHERE case_id = $1`, c.ID); n != 0 {
			t.Fatalf("5 h before the platform deadline: %d reminders, want none", n)
		}
		for range 3 {
			if _, err := r.Sweep(ctx, platform.Add(-3*time.Hour), testPlan()); err != nil {
				t.Fatal(err)
			}
		}
		if got := recipients(t, c.ID, "platform_soon"); !got[agent.ID] || len(got) != 1 {
			t.Fatalf("platform_soon told %v, want the assignee once", got)
		}
		// A step change does not renew a platform reminder: it is the case's.
		if _, err := db.Exec(`UPDATE cases SET state = 'apologise' WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Sweep(ctx, platform.Add(time.Minute), testPlan()); err != nil {
			t.Fatal(err)
		}
		var levels []string
		if err := db.Select(&levels, `SELECT level FROM reminders WHERE case_id = $1 ORDER BY id`, c.ID); err != nil {
			t.Fatal(err)
		}
		if strings.Join(levels, ",") != "platform_soon,platform_passed" {
			t.Fatalf("claims %v, want platform_soon then platform_passed, once each", levels)
		}
		if got := recipients(t, c.ID, "platform_passed"); !got[agent.ID] || !got[sup.ID] || !got[admin.ID] || len(got) != 3 {
			t.Fatalf("platform_passed told %v, want the assignee and every supervisor and admin", got)
		}
		evs, err := s.Events(ctx, c.ID)
		if err != nil || evs[len(evs)-1].Kind != cases.EventEscalated {
			t.Fatalf("last event %v %v, want escalated", evs[len(evs)-1].Kind, err)
		}
	})
}

// TestSweepSkipsCasesLockedByAWriter shows a sweep never waits on a case
// someone is changing: it passes it over, and a later sweep reminds it.
func TestSweepSkipsCasesLockedByAWriter(t *testing.T) {
	db := testdb.New(t)
	s, r := store.New(db), store.NewReminders(db)
	agent := addUser(t, db, cases.RoleAgent)
	c := newCase(t, s, agent, func(in *cases.CaseInput) { in.AssigneeID = &agent.ID })
	ctx := context.Background()
	tx, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT 1 FROM cases WHERE id = $1 FOR UPDATE`, c.ID); err != nil {
		t.Fatal(err)
	}
	res, err := r.Sweep(ctx, c.DueAt.Add(time.Minute), testPlan())
	if err != nil || res.Total() != 0 {
		t.Fatalf("sweep over a locked case: %+v %v, want it passed over", res, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if res, err := r.Sweep(ctx, c.DueAt.Add(time.Minute), testPlan()); err != nil || res.Total() != 1 {
		t.Fatalf("sweep after the lock: %+v %v, want the reminder", res, err)
	}
}

// TestThreeInstancesRemindTenThousandCasesOnce runs three sweepers, each
// with a pool of its own as three processes would have, over the same
// 10,000 overdue cases at once: first relying on the claims alone (no
// advisory lock), then as production runs them (with it).
func TestThreeInstancesRemindTenThousandCasesOnce(t *testing.T) {
	const n = 10000
	for _, tt := range []struct {
		name string
		lock int64
	}{
		{"ClaimsAlone", 0},
		{"WithAdvisoryLock", 42},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, dsn := testdb.NewWithURL(t)
			agent := addUser(t, db, cases.RoleAgent)
			now := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
			seedOverdue(t, db, n, now, agent.ID)
			plan := testPlan()
			plan.LockKey = tt.lock
			plan.BatchSize = 250

			var wg sync.WaitGroup
			fired := make([]int, 3)
			errs := make([]error, 3)
			for i := range 3 {
				pool, err := sqlx.Open("postgres", dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer pool.Close()
				r := store.NewReminders(pool)
				wg.Go(func() {
					// Each instance ticks a few times, as a scheduler would.
					for range 3 {
						res, err := r.Sweep(context.Background(), now, plan)
						if err != nil {
							errs[i] = err
							return
						}
						fired[i] += res.Total()
					}
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("instance %d: %v", i, err)
				}
			}
			t.Logf("reminders fired per instance: %v", fired)
			if total := fired[0] + fired[1] + fired[2]; total != n {
				t.Fatalf("instances fired %v = %d reminders, want %d", fired, total, n)
			}
			checks := []struct{ what, query string }{
				{"claims", `SELECT count(*) FROM reminders`},
				{"notifications", `SELECT count(*) FROM notifications`},
				{"reminded events", `SELECT count(*) FROM case_events WHERE kind = 'reminded'`},
				{"cases reminded", `SELECT count(DISTINCT case_id) FROM notifications`},
				{"cases whose ledger is the one reminder",
					`SELECT count(*) FROM cases c JOIN case_events e ON e.case_id = c.id AND e.seq = 1
					 WHERE c.ledger_seq = 1 AND c.ledger_head = e.hash AND e.prev_hash = ''`},
			}
			for _, ch := range checks {
				if got := countRows(t, db, ch.query); got != n {
					t.Errorf("%s: %d, want %d", ch.what, got, n)
				}
			}
			s := store.New(db)
			for _, id := range []int64{1, n / 2, n} {
				if v, err := s.Verify(context.Background(), id, false); err != nil || !v.OK || v.Events != 1 {
					t.Errorf("case %d ledger: %+v %v", id, v, err)
				}
			}
		})
	}
}
