package store_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

// addWebhook stores a json webhook subscribed to events.
func addWebhook(t *testing.T, db *sqlx.DB, admin cases.Actor, events ...cases.EventKind) cases.Webhook {
	t.Helper()
	w, err := cases.WebhookInput{Name: "ops", URL: "https://hooks.example/redress", Format: cases.FormatJSON,
		Secret: "0123456789abcdef", Events: events}.Webhook()
	if err != nil {
		t.Fatal(err)
	}
	created, err := store.NewWebhooks(db).Create(as(admin), w)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

func TestRetryDelayDoublesUpToAnHour(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := cases.RetryDelay(i + 1); got != w {
			t.Errorf("RetryDelay(%d) = %v, want %v", i+1, got, w)
		}
	}
}

// TestSweepQueuesDeliveriesForSubscribedWebhooks checks the outbox rows are
// written with the reminder, one per webhook that subscribes to its event.
func TestSweepQueuesDeliveriesForSubscribedWebhooks(t *testing.T) {
	db := testdb.New(t)
	s, r := store.New(db), store.NewReminders(db)
	agent := addUser(t, db, cases.RoleAgent)
	admin := addUser(t, db, cases.RoleAdmin)
	all := addWebhook(t, db, admin)
	escalations := addWebhook(t, db, admin, cases.EventEscalated)
	off := addWebhook(t, db, admin)
	if _, err := store.NewWebhooks(db).Update(as(admin), off.ID, cases.WebhookPatch{Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	c := newCase(t, s, agent, func(in *cases.CaseInput) { in.AssigneeID = &agent.ID })
	ctx := context.Background()
	res, err := r.Sweep(ctx, c.DueAt.Add(2*time.Hour), testPlan())
	if err != nil || res.Deliveries != 3 {
		t.Fatalf("sweep: %+v %v, want 3 deliveries (2 events to the catch-all, 1 to the escalation hook)", res, err)
	}
	perHook := func(id int64, event string) int {
		return countRows(t, db, `SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND event = $2 AND status = 'pending'`, id, event)
	}
	if perHook(all.ID, "reminded") != 1 || perHook(all.ID, "escalated") != 1 || perHook(escalations.ID, "escalated") != 1 ||
		perHook(escalations.ID, "reminded") != 0 || perHook(off.ID, "reminded")+perHook(off.ID, "escalated") != 0 {
		t.Fatal("deliveries do not follow the webhooks' subscriptions")
	}
	var payload string
	if err := db.Get(&payload, `SELECT payload::text FROM webhook_deliveries WHERE webhook_id = $1 AND event = 'reminded'`, all.ID); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"level": "overdue"`, `"ref": "` + c.Ref + `"`, `"url": "https://redress.example/api/v1/cases/`} {
		if !strings.Contains(payload, want) {
			t.Errorf("payload %s lacks %s", payload, want)
		}
	}
}

// queueDelivery queues one pending delivery due at at, as a sweep would.
func queueDelivery(t *testing.T, db *sqlx.DB, hook int64, at time.Time) int64 {
	t.Helper()
	var id int64
	err := db.Get(&id, `INSERT INTO webhook_deliveries (webhook_id, event, payload, message, next_attempt_at)
		VALUES ($1, 'reminded', '{"event":"reminded"}', 'C-000001 is overdue', $2) RETURNING id`, hook, at)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestDeliveryRetriesWithBackoffThenGivesUp(t *testing.T) {
	db := testdb.New(t)
	hooks := store.NewWebhooks(db)
	admin := addUser(t, db, cases.RoleAdmin)
	w := addWebhook(t, db, admin)
	start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	id := queueDelivery(t, db, w.ID, start)
	ctx := context.Background()
	var calls int
	failing := func(_ context.Context, o cases.Outbound, _ time.Time) cases.SendResult {
		calls++
		if o.Attempt != calls || o.Webhook.Secret != "0123456789abcdef" {
			t.Errorf("attempt %d with webhook %+v", o.Attempt, o.Webhook)
		}
		return cases.SendResult{StatusCode: 500, Error: "HTTP 500: down", Duration: 3 * time.Millisecond}
	}
	now := start
	for attempt := 1; attempt <= cases.MaxDeliveryAttempts; attempt++ {
		// Just before the retry is due, nothing is sent.
		if res, err := hooks.DeliverDue(ctx, now.Add(-time.Second), 0, failing); err != nil || res.Failed != 0 {
			t.Fatalf("attempt %d early: %+v %v", attempt, res, err)
		}
		res, err := hooks.DeliverDue(ctx, now, 0, failing)
		if err != nil || res.Failed != 1 {
			t.Fatalf("attempt %d: %+v %v", attempt, res, err)
		}
		now = now.Add(cases.RetryDelay(attempt))
	}
	if calls != cases.MaxDeliveryAttempts {
		t.Fatalf("%d calls, want %d", calls, cases.MaxDeliveryAttempts)
	}
	page, err := hooks.Deliveries(ctx, w.ID, cases.DeliveryFilter{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("deliveries: %+v %v", page, err)
	}
	d := page.Items[0]
	if d.ID != id || d.Status != cases.DeliveryFailed || d.AttemptCount != cases.MaxDeliveryAttempts ||
		len(d.Attempts) != cases.MaxDeliveryAttempts || d.NextAttemptAt != nil || d.LastError != "HTTP 500: down" {
		t.Fatalf("delivery after giving up: %+v", d)
	}
	if a := d.Attempts[1]; !a.At.Equal(start.Add(time.Minute)) || a.StatusCode == nil || *a.StatusCode != 500 {
		t.Fatalf("second attempt %+v, want at start+1m with status 500", a)
	}
	if res, _ := hooks.DeliverDue(ctx, now.Add(24*time.Hour), 0, failing); res.Failed != 0 || calls != cases.MaxDeliveryAttempts {
		t.Fatalf("a failed delivery was tried again: %+v", res)
	}
}

func TestDeliveredIsNeverSentAgain(t *testing.T) {
	db := testdb.New(t)
	hooks := store.NewWebhooks(db)
	admin := addUser(t, db, cases.RoleAdmin)
	w := addWebhook(t, db, admin)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	queueDelivery(t, db, w.ID, now)
	var calls atomic.Int32
	ok := func(context.Context, cases.Outbound, time.Time) cases.SendResult {
		calls.Add(1)
		return cases.SendResult{OK: true, StatusCode: 204}
	}
	ctx := context.Background()
	for i := range 4 {
		if _, err := hooks.DeliverDue(ctx, now.Add(time.Duration(i)*time.Hour), 0, ok); err != nil {
			t.Fatal(err)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("sent %d times, want once", calls.Load())
	}
}

// TestConcurrentWorkersNeverSendOneDeliveryTwice runs workers of three
// "instances" over 60 deliveries whose receiver is slow.
func TestConcurrentWorkersNeverSendOneDeliveryTwice(t *testing.T) {
	db, dsn := testdb.NewWithURL(t)
	admin := addUser(t, db, cases.RoleAdmin)
	w := addWebhook(t, db, admin)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for range 60 {
		queueDelivery(t, db, w.ID, now)
	}
	var mu sync.Mutex
	sent := map[int64]int{}
	send := func(_ context.Context, o cases.Outbound, _ time.Time) cases.SendResult {
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		sent[o.ID]++
		mu.Unlock()
		return cases.SendResult{OK: true, StatusCode: 200}
	}
	var wg sync.WaitGroup
	for range 3 {
		pool, err := sqlx.Open("postgres", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		hooks := store.NewWebhooks(pool)
		for range 3 {
			wg.Go(func() {
				if _, err := hooks.DeliverDue(context.Background(), now, 0, send); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	if len(sent) != 60 {
		t.Fatalf("%d deliveries sent, want 60", len(sent))
	}
	for id, n := range sent {
		if n != 1 {
			t.Errorf("delivery %d sent %d times", id, n)
		}
	}
	if n := countRows(t, db, `SELECT count(*) FROM webhook_attempts`); n != 60 {
		t.Fatalf("%d attempts recorded, want 60", n)
	}
}

func TestDisablingAWebhookCancelsItsPendingDeliveries(t *testing.T) {
	db := testdb.New(t)
	hooks := store.NewWebhooks(db)
	admin := addUser(t, db, cases.RoleAdmin)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	never := func(context.Context, cases.Outbound, time.Time) cases.SendResult {
		t.Error("a delivery of a disabled webhook was sent")
		return cases.SendResult{}
	}
	t.Run("Deactivated", func(t *testing.T) {
		w := addWebhook(t, db, admin)
		queueDelivery(t, db, w.ID, now)
		if _, err := hooks.Update(as(admin), w.ID, cases.WebhookPatch{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if _, err := hooks.DeliverDue(context.Background(), now, 0, never); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, `SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'cancelled'`, w.ID); n != 1 {
			t.Fatalf("%d cancelled, want 1", n)
		}
	})
	t.Run("Deleted", func(t *testing.T) {
		w := addWebhook(t, db, admin)
		queueDelivery(t, db, w.ID, now)
		if err := hooks.Delete(as(admin), w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := hooks.Get(context.Background(), w.ID); codeOf(err) != cases.NotFound {
			t.Fatalf("get after delete: %v, want not found", err)
		}
		if err := hooks.Delete(as(admin), w.ID); codeOf(err) != cases.NotFound {
			t.Fatalf("second delete: %v, want not found", err)
		}
		if _, err := hooks.DeliverDue(context.Background(), now, 0, never); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, `SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'pending'`, w.ID); n != 0 {
			t.Fatalf("%d still pending", n)
		}
	})
	t.Run("QueuedByASweepThatReadItBeforeItWasDisabled", func(t *testing.T) {
		w := addWebhook(t, db, admin)
		if _, err := db.Exec(`UPDATE webhooks SET active = false WHERE id = $1`, w.ID); err != nil {
			t.Fatal(err)
		}
		queueDelivery(t, db, w.ID, now)
		res, err := hooks.DeliverDue(context.Background(), now, 0, never)
		if err != nil || res.Cancelled != 1 {
			t.Fatalf("deliver: %+v %v, want it cancelled", res, err)
		}
	})
}
