package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
)

// sweepLockKey is the advisory lock key of reminder sweeps ("redress\x02";
// migrations use "redress\x01").
const sweepLockKey int64 = 0x7265647265737302

// deliverySchedule is how often the delivery worker looks for deliveries
// whose retry fell due. New reminders are delivered right after the sweep
// that queued them.
const deliverySchedule = "@every 15s"

// stopGrace is how long Stop lets a running sweep or delivery pass finish
// before cancelling it.
const stopGrace = 10 * time.Second

// reminderParts is what reminders take: their stores, the policy, the
// webhook client and the metrics.
type reminderParts struct {
	store   *store.Reminders
	inbox   *store.Notifications
	hooks   *store.Webhooks
	policy  workflows.ReminderPolicy
	client  *http.Client
	metrics *reminderMetrics
}

func newReminderParts(cfg Config, db *sqlx.DB, reg *prometheus.Registry) *reminderParts {
	return &reminderParts{
		store:   store.NewReminders(db),
		inbox:   store.NewNotifications(db),
		hooks:   store.NewWebhooks(db),
		policy:  workflows.ReminderPolicy{Grace: cfg.EscalationGrace, PlatformLead: cfg.PlatformLead},
		client:  newWebhookClient(cfg.AllowPrivateWebhooks),
		metrics: newReminderMetrics(reg),
	}
}

// sweepPlan is the reminder policy as a sweep runs it: messages in the
// configured time zone for webhooks, links to the API's case URL, and the
// advisory lock shared by every instance.
func (s *Server) sweepPlan() cases.SweepPlan {
	p := s.remind.policy.SweepPlan()
	p.Location = s.cfg.Location
	base := s.cfg.BaseURL.String()
	p.CaseURL = func(id int64) string { return base + "/api/v1/cases/" + strconv.FormatInt(id, 10) }
	p.LockKey = sweepLockKey
	return p
}

// Sweep fires every reminder and escalation due at now and returns what it
// did. The scheduler passes the database's clock; tests pass a controlled
// one. Any number of instances may sweep at once: each reminder fires once.
func (s *Server) Sweep(ctx context.Context, now time.Time) (cases.SweepResult, error) {
	start := time.Now()
	res, err := s.remind.store.Sweep(ctx, now, s.sweepPlan())
	took := time.Since(start)
	s.remind.metrics.observeSweep(res, took)
	if err != nil {
		return res, err
	}
	level := slog.LevelDebug
	if res.Total() > 0 {
		level = slog.LevelInfo
	}
	s.log.Log(ctx, level, "reminder sweep",
		"now", now.UTC().Format(time.RFC3339), "overdue", res.Fired[cases.LevelOverdue],
		"escalation", res.Fired[cases.LevelEscalation], "platform_soon", res.Fired[cases.LevelPlatformSoon],
		"platform_passed", res.Fired[cases.LevelPlatformPassed], "notifications", res.Notifications,
		"deliveries", res.Deliveries, "busy", res.Busy, "took", took)
	return res, nil
}

// Scheduler runs the reminder sweep and the webhook delivery worker on
// their cron schedules until Stop.
type Scheduler struct {
	cron   *cron.Cron
	cancel context.CancelFunc
}

// StartScheduler starts the sweep on REDRESS_SWEEP_SCHEDULE (in the
// configured time zone) and the delivery worker. A tick that is still
// running when the next is due makes the next one skip.
func (s *Server) StartScheduler() (*Scheduler, error) {
	if err := checkSchedule(s.cfg.SweepSchedule); err != nil {
		return nil, err
	}
	logger := cronLogger{log: s.log}
	c := cron.New(
		cron.WithLocation(s.cfg.Location),
		cron.WithParser(CronParser()),
		cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
	)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := c.AddFunc(s.cfg.SweepSchedule, func() { s.sweepTick(ctx) }); err != nil {
		cancel()
		return nil, fmt.Errorf("REDRESS_SWEEP_SCHEDULE: %q is not a cron spec: %v", s.cfg.SweepSchedule, err)
	}
	if _, err := c.AddFunc(deliverySchedule, func() { s.deliveryTick(ctx) }); err != nil {
		cancel()
		return nil, fmt.Errorf("delivery schedule: %w", err)
	}
	c.Start()
	s.log.Info("scheduler started", "sweep", s.cfg.SweepSchedule, "deliveries", deliverySchedule,
		"time_zone", s.cfg.Location.String())
	return &Scheduler{cron: c, cancel: cancel}, nil
}

// Stop stops scheduling, lets a running tick finish for a few seconds, then
// cancels it and waits for it to return. Call it before closing the
// database.
func (sc *Scheduler) Stop() {
	done := sc.cron.Stop()
	select {
	case <-done.Done():
	case <-time.After(stopGrace):
		sc.cancel()
		<-done.Done()
	}
	sc.cancel()
}

// checkSchedule refuses a sweep schedule the parser accepts but cron would
// silently bend: an "@every" shorter than a second.
func checkSchedule(spec string) error {
	if _, err := CronParser().Parse(spec); err != nil {
		return fmt.Errorf("REDRESS_SWEEP_SCHEDULE: %q is not a cron spec: %v", spec, err)
	}
	if every, ok := strings.CutPrefix(spec, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(every))
		if err != nil || d < time.Second {
			return fmt.Errorf("REDRESS_SWEEP_SCHEDULE: %q must be at least a second apart", spec)
		}
	}
	return nil
}

// sweepTick is one scheduled sweep at the database's clock, followed by
// the delivery of what it queued.
func (s *Server) sweepTick(ctx context.Context) {
	now, err := s.dbNow(ctx)
	if err != nil {
		s.log.Warn("reminder sweep skipped: no database clock", "error", err)
		return
	}
	res, err := s.Sweep(ctx, now)
	if err != nil {
		s.log.Error("reminder sweep failed", "error", err)
		return
	}
	if res.Deliveries > 0 {
		s.deliveryTick(ctx)
	}
}

// deliveryTick sends the deliveries due at the database's clock.
func (s *Server) deliveryTick(ctx context.Context) {
	now, err := s.dbNow(ctx)
	if err != nil {
		s.log.Warn("webhook deliveries skipped: no database clock", "error", err)
		return
	}
	res, err := s.DeliverWebhooks(ctx, now)
	if err != nil {
		s.log.Error("webhook deliveries failed", "error", err)
	}
	if res.Delivered+res.Failed+res.Cancelled > 0 {
		s.log.Info("webhook deliveries", "delivered", res.Delivered, "failed", res.Failed,
			"gave_up", res.GaveUp, "cancelled", res.Cancelled)
	}
}

// dbNow is the database's clock: every instance sweeps by the same one.
func (s *Server) dbNow(ctx context.Context) (time.Time, error) {
	var now time.Time
	err := s.db.GetContext(ctx, &now, `SELECT now()`)
	return now, err
}

// cronLogger sends cron's own chatter to the debug log and its errors
// (a panicking job) to the error log.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
