package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/testdb"
	"redress/server"
	"redress/server/config"
)

// sweep runs the server's reminder sweep at now, as the scheduler would at
// the database's clock.
func (e *env) sweep(now time.Time) cases.SweepResult {
	e.t.Helper()
	res, err := e.srv.Sweep(context.Background(), now)
	if err != nil {
		e.t.Fatalf("sweep at %v: %v", now, err)
	}
	return res
}

// inbox reads the caller's notifications through the API.
func (c caller) inbox(query string) cases.NotificationPage {
	c.e.t.Helper()
	rec := c.call(http.MethodGet, "/api/v1/notifications"+query, nil)
	if rec.Code != http.StatusOK {
		c.e.t.Fatalf("notifications: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.NotificationPage](c.e.t, rec)
}

// assignedCase creates a case assigned to the caller.
func assignedCase(t *testing.T, c caller) cases.Case {
	t.Helper()
	body := newCaseBody()
	delete(body, "external_id")
	body["assignee_id"] = c.user.ID
	rec := c.call(http.MethodPost, "/api/v1/cases", body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.Case](t, rec)
}

func TestRemindersThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	if rec := agent.call(http.MethodPatch, "/api/v1/me", map[string]string{"language": "en", "time_zone": "Europe/London"}); rec.Code != http.StatusOK {
		t.Fatalf("profile: %d %s", rec.Code, rec.Body)
	}
	c := assignedCase(t, agent)
	due := *c.DueAt
	london, _ := time.LoadLocation("Europe/London")

	t.Run("OverdueRemindsTheAssigneeOnce", func(t *testing.T) {
		for range 5 {
			e.sweep(due.Add(time.Minute))
		}
		page := agent.inbox("")
		if len(page.Items) != 1 || page.Unread != 1 {
			t.Fatalf("inbox %+v, want one unread reminder", page)
		}
		n := page.Items[0]
		want := fmt.Sprintf("%s is overdue in the Respond step (due %s)", c.Ref, due.In(london).Format("15:04"))
		if n.Kind != "overdue" || *n.CaseID != c.ID || *n.CaseRef != c.Ref || n.Message != want {
			t.Fatalf("notification %+v, want message %q", n, want)
		}
		rec := agent.call(http.MethodGet, "/api/v1/notifications/unread-count", nil)
		if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"unread":1}` {
			t.Fatalf("unread count: %d %s", rec.Code, rec.Body)
		}
		evs := decodeAs[struct{ Items []cases.Event }](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events", c.ID), nil))
		last := evs.Items[len(evs.Items)-1]
		if len(evs.Items) != 2 || last.Kind != cases.EventReminded || last.ActorID != nil {
			t.Fatalf("ledger %+v, want created then reminded by the system", evs.Items)
		}
		v := decodeAs[cases.Verification](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events/verify", c.ID), nil))
		if !v.OK {
			t.Fatalf("verify: %+v", v)
		}
	})
	t.Run("EscalatesToSupervisorsAfterTheGracePeriodOnly", func(t *testing.T) {
		e.sweep(due.Add(30 * time.Minute))
		if p := sup.inbox(""); len(p.Items) != 0 {
			t.Fatalf("supervisor inbox at due+30m: %+v, want empty", p.Items)
		}
		res := e.sweep(due.Add(61 * time.Minute))
		if res.Fired[cases.LevelEscalation] != 1 {
			t.Fatalf("sweep at due+61m: %+v", res)
		}
		p := sup.inbox("")
		if len(p.Items) != 1 || p.Items[0].Kind != "escalation" || !strings.Contains(p.Items[0].Message, "请主管介入") {
			t.Fatalf("supervisor inbox %+v, want one escalation in Chinese", p.Items)
		}
		if a := agent.inbox(""); len(a.Items) != 1 {
			t.Fatalf("the agent got %d notifications, want only the reminder", len(a.Items))
		}
	})
	t.Run("MetricsCountWhatFired", func(t *testing.T) {
		body := e.doFrom("127.0.0.1", http.MethodGet, "/metrics", nil).Body.String()
		for _, want := range []string{
			`redress_reminders_fired_total{level="overdue"} 1`,
			`redress_reminders_fired_total{level="escalation"} 1`,
			`redress_reminders_fired_total{level="platform_soon"} 0`,
			`redress_escalations_total 1`,
			`redress_webhook_deliveries_total{result="failed"} 0`,
			`redress_sweep_duration_seconds_count 7`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
	t.Run("SweepSummaryLogged", func(t *testing.T) {
		if !strings.Contains(e.logs.String(), `"msg":"reminder sweep"`) || !strings.Contains(e.logs.String(), `"escalation":1`) {
			t.Fatal("no sweep summary in the log")
		}
	})
}

func TestRemindersFollowTheProtocol(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	path := func(c cases.Case) string { return fmt.Sprintf("/api/v1/cases/%d", c.ID) }
	move := func(t *testing.T, c cases.Case, body map[string]any) cases.Case {
		t.Helper()
		rec := agent.call(http.MethodPost, path(c)+"/transitions", body, "If-Match", fmt.Sprintf(`"v%d"`, c.Version))
		if rec.Code != http.StatusOK {
			t.Fatalf("move to %v: %d %s", body["to"], rec.Code, rec.Body)
		}
		return decodeAs[cases.Case](t, rec)
	}
	remindersOf := func(c cases.Case) int {
		n := 0
		for _, item := range agent.inbox("?limit=200").Items {
			if *item.CaseID == c.ID {
				n++
			}
		}
		return n
	}

	t.Run("MovedOnBeforeDueGetsNone", func(t *testing.T) {
		c := assignedCase(t, agent)
		oldDue := *c.DueAt
		c = move(t, c, map[string]any{"to": "listen", "first_response": "您好，我们马上核实。"})
		e.sweep(oldDue.Add(time.Minute))
		if n := remindersOf(c); n != 0 {
			t.Fatalf("%d reminders for a case that moved on in time", n)
		}
	})
	t.Run("ReopenedGetsAFreshReminder", func(t *testing.T) {
		c := assignedCase(t, agent)
		e.sweep(c.DueAt.Add(time.Minute))
		c = move(t, c, map[string]any{"to": "closed", "close_reason": "duplicate"})
		e.sweep(c.CreatedAt.Add(72 * time.Hour))
		if n := remindersOf(c); n != 1 {
			t.Fatalf("%d reminders before reopening, want 1 (none while closed)", n)
		}
		c = move(t, c, map[string]any{"to": "listen", "reopen_reason": "the buyer wrote again"})
		e.sweep(c.DueAt.Add(time.Minute))
		if n := remindersOf(c); n != 2 {
			t.Fatalf("%d reminders after reopening, want a fresh one", n)
		}
	})
}

// TestThreeInstancesSweepTenThousandCasesOnce runs three servers, each with
// a pool of its own, sweeping one database at once, as three processes
// behind a load balancer would.
func TestThreeInstancesSweepTenThousandCasesOnce(t *testing.T) {
	const n = 10000
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	now := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
	if _, err := e.db.Exec(`INSERT INTO cases (platform, shop, kind, state, due_at, assignee_id)
		SELECT 'jd', 'shop', 'lost_parcel', 'remedy', $1::timestamptz - (1 + g % 90) * interval '1 second', $2
		FROM generate_series(1, $3) AS g`, now, agent.user.ID, n); err != nil {
		t.Fatal(err)
	}
	servers := []*server.Server{e.srv, e.sibling(), e.sibling()}
	var wg sync.WaitGroup
	fired := make([]int, len(servers))
	for i, srv := range servers {
		wg.Go(func() {
			for range 4 {
				res, err := srv.Sweep(context.Background(), now)
				if err != nil {
					t.Error(err)
					return
				}
				fired[i] += res.Total()
			}
		})
	}
	wg.Wait()
	if total := fired[0] + fired[1] + fired[2]; total != n {
		t.Fatalf("fired %v = %d, want %d", fired, total, n)
	}
	for what, query := range map[string]string{
		"notifications":   `SELECT count(*) FROM notifications WHERE kind = 'overdue'`,
		"cases notified":  `SELECT count(DISTINCT case_id) FROM notifications`,
		"reminded events": `SELECT count(*) FROM case_events WHERE kind = 'reminded'`,
		"cases reminded":  `SELECT count(DISTINCT case_id) FROM case_events WHERE kind = 'reminded'`,
	} {
		var got int
		if err := e.db.Get(&got, query); err != nil || got != n {
			t.Errorf("%s: %d %v, want %d", what, got, err, n)
		}
	}
	if p := agent.inbox(""); p.Unread != n {
		t.Fatalf("unread %d, want %d", p.Unread, n)
	}
}

// sibling is a second server on e's database with a pool of its own.
func (e *env) sibling() *server.Server {
	e.t.Helper()
	var name string
	if err := e.db.Get(&name, `SELECT current_database()`); err != nil {
		e.t.Fatal(err)
	}
	u, err := url.Parse(testdb.AdminURL())
	if err != nil {
		e.t.Fatal(err)
	}
	u.Path = "/" + name
	pool, err := sqlx.Open("postgres", u.String())
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { pool.Close() })
	srv, err := server.New(testConfig(e.t, map[string]string{"DATABASE_URL": "postgres://unused@localhost/x"}), pool,
		slog.New(slog.DiscardHandler), server.WithAccessPolicy(testAccessPolicy()))
	if err != nil {
		e.t.Fatal(err)
	}
	return srv
}

// TestSchedulerSweepsOnItsOwn starts the real scheduler on "@every 1s" and
// waits for it to remind an overdue case by the database's clock.
func TestSchedulerSweepsOnItsOwn(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_SWEEP_SCHEDULE": "@every 1s"})
	agent := e.caller(cases.RoleAgent)
	c := assignedCase(t, agent)
	if _, err := e.db.Exec(`UPDATE cases SET due_at = now() - interval '1 minute' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	sched, err := e.srv.StartScheduler()
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			sched.Stop()
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for agent.inbox("").Unread == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no reminder after 30 s of scheduling; log:\n%s", e.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	sched.Stop()
	stopped = true
	// Stopped means stopped: a case overdue now is not reminded.
	c2 := assignedCase(t, agent)
	if _, err := e.db.Exec(`UPDATE cases SET due_at = now() - interval '1 minute' WHERE id = $1`, c2.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if got := agent.inbox("").Unread; got != 1 {
		t.Fatalf("unread %d after Stop, want 1", got)
	}
}

func TestSchedulerRefusesBadSchedules(t *testing.T) {
	t.Run("SubSecondEveryRefusedByConfig", func(t *testing.T) {
		// The parser takes these, but cron would silently bend them: refuse
		// them at start, before anything opens.
		for _, spec := range []string{"@every 100ms", "@every -1m", "@every 0s"} {
			_, err := config.Load(func(k string) string {
				if k == "REDRESS_SWEEP_SCHEDULE" {
					return spec
				}
				return ""
			})
			if err == nil {
				t.Fatalf("%q accepted", spec)
			}
			if !strings.HasPrefix(err.Error(), "REDRESS_SWEEP_SCHEDULE: ") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("%q: error %q does not name the variable on one line", spec, err)
			}
		}
	})
	t.Run("ConfigRefusesWhatCronCannotParse", func(t *testing.T) {
		for name, values := range map[string][]string{
			"REDRESS_SWEEP_SCHEDULE": {"* * * * * *", "@every", "@every 1 minute", "@fortnightly", "CRON_TZ=Mars/Olympus * * * * *"},
			"REDRESS_TIMEZONE":       {"UTC+8", "Asia/Shang hai", "../../etc/passwd"},
		} {
			for _, v := range values {
				_, err := config.Load(func(k string) string {
					if k == name {
						return v
					}
					return ""
				})
				if err == nil || !strings.HasPrefix(err.Error(), name+": ") || strings.Contains(err.Error(), "\n") {
					t.Errorf("%s=%q: %v; want a one-line error naming the variable", name, v, err)
				}
			}
		}
	})
}
