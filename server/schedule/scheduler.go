// Package schedule says when background work runs: the reminder sweep and
// the webhook delivery worker, on cron schedules in the configured time
// zone, by the database's clock, exactly once across instances.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"redress/cases"
	"redress/cases/store"
	"redress/server/config"
	"redress/server/webhook"
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

// Work is the background work: reminder sweeps and webhook deliveries.
type Work struct {
	cfg      config.Config
	db       *sqlx.DB
	log      *slog.Logger
	store    *store.Reminders
	policy   workflows.ReminderPolicy
	sender   *webhook.Sender
	metrics  *reminderMetrics
	message  func(cases.Notice, cases.Reader) string
	handover func(cases.HandoverNotice, cases.Reader) string
	// Approvals reminds and escalates the remedies that wait too long for
	// approval; it runs on the reminder sweep's schedule.
	Approvals func(ctx context.Context, now time.Time) error
	// Reports brings the report facts of cases whose ledgers moved on up
	// to date, a bounded number per sweep.
	Reports func(ctx context.Context) error
	// Digest sends the scheduled report summary of event (report_daily on
	// REDRESS_REPORT_SCHEDULE, report_weekly on
	// REDRESS_REPORT_WEEKLY_SCHEDULE) for the period before now, once
	// across instances, and says how many deliveries it queued.
	Digest func(ctx context.Context, event cases.EventKind, now time.Time) (cases.DigestResult, error)
}

// Words are the messages of reminders, in each reader's language (the
// translation catalogue).
type Words interface {
	Reminder(cases.Notice, cases.Reader) string
	HandoverReminder(cases.HandoverNotice, cases.Reader) string
}

// New returns the background work of cfg on db, with its metrics on reg.
// Reminders are worded by message, in each reader's language. A reminder
// policy the configuration makes invalid stops it here, at start.
func New(cfg config.Config, db *sqlx.DB, log *slog.Logger, sender *webhook.Sender,
	words Words, reg prometheus.Registerer) (*Work, error) {
	handover := workflows.HandoverPolicy{AckWithin: cfg.HandoverAckWithin, Grace: cfg.HandoverGrace}
	if handover.AckWithin <= 0 || handover.Grace <= 0 {
		handover = workflows.DefaultHandoverPolicy()
	}
	policy := workflows.ReminderPolicy{Grace: cfg.EscalationGrace, PlatformLead: cfg.PlatformLead,
		BusinessHours: cfg.BusinessHoursSLA, Zone: cfg.Location, Handover: &handover}
	if err := policy.Validate(); err != nil {
		return nil, fmt.Errorf("reminder policy: %w", err)
	}
	return &Work{
		cfg:      cfg,
		db:       db,
		log:      log,
		store:    store.NewReminders(db),
		policy:   policy,
		sender:   sender,
		metrics:  newReminderMetrics(reg),
		message:  words.Reminder,
		handover: words.HandoverReminder,
	}, nil
}

// sweepPlan is the reminder policy as a sweep runs it: messages in the
// catalogue's words and, for webhooks, in the configured time zone, links to the API's case URL, and the
// advisory lock shared by every instance.
func (w *Work) sweepPlan() cases.SweepPlan {
	p := w.policy.SweepPlan(w.message)
	p.Location = w.cfg.Location
	p.HandoverMessage = w.handover
	base := w.cfg.BaseURL.String()
	p.CaseURL = func(id int64) string { return base + "/api/v1/cases/" + strconv.FormatInt(id, 10) }
	p.HandoverURL = func(id int64) string { return base + "/api/v1/handovers/" + strconv.FormatInt(id, 10) }
	p.LockKey = sweepLockKey
	return p
}

// Sweep fires every reminder and escalation due at now and returns what it
// did. The scheduler passes the database's clock; tests pass a controlled
// one. Any number of instances may sweep at once: each reminder fires once.
func (w *Work) Sweep(ctx context.Context, now time.Time) (cases.SweepResult, error) {
	start := time.Now()
	res, err := w.store.Sweep(ctx, now, w.sweepPlan())
	took := time.Since(start)
	w.metrics.observeSweep(res, took)
	if err != nil {
		return res, err
	}
	level := slog.LevelDebug
	if res.Total() > 0 {
		level = slog.LevelInfo
	}
	w.log.Log(ctx, level, "reminder sweep",
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

// Start starts the sweep on REDRESS_SWEEP_SCHEDULE (in the configured time
// zone) and the delivery worker. A tick that is still running when the
// next is due makes the next one skip.
func (w *Work) Start() (*Scheduler, error) {
	logger := cronLogger{log: w.log}
	c := cron.New(
		cron.WithLocation(w.cfg.Location),
		cron.WithParser(config.CronParser()),
		cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
	)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := c.AddFunc(w.cfg.SweepSchedule, func() { w.sweepTick(ctx) }); err != nil {
		cancel()
		return nil, fmt.Errorf("REDRESS_SWEEP_SCHEDULE: %q is not a cron spec: %v", w.cfg.SweepSchedule, err)
	}
	if _, err := c.AddFunc(deliverySchedule, func() { w.deliveryTick(ctx) }); err != nil {
		cancel()
		return nil, fmt.Errorf("delivery schedule: %w", err)
	}
	for _, d := range []struct {
		name, spec string
		event      cases.EventKind
	}{
		{"REDRESS_REPORT_SCHEDULE", w.cfg.ReportSchedule, cases.EventReportDaily},
		{"REDRESS_REPORT_WEEKLY_SCHEDULE", w.cfg.WeeklyReportSchedule, cases.EventReportWeekly},
	} {
		if d.spec == "" || w.Digest == nil {
			continue
		}
		if _, err := c.AddFunc(d.spec, func() { w.digestTick(ctx, d.event) }); err != nil {
			cancel()
			return nil, fmt.Errorf("%s: %q is not a cron spec: %v", d.name, d.spec, err)
		}
	}
	c.Start()
	w.log.Info("scheduler started", "sweep", w.cfg.SweepSchedule, "deliveries", deliverySchedule,
		"report_daily", w.cfg.ReportSchedule, "report_weekly", w.cfg.WeeklyReportSchedule,
		"time_zone", w.cfg.Location.String())
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

// sweepTick is one scheduled sweep at the database's clock, followed by
// the delivery of what it queued.
func (w *Work) sweepTick(ctx context.Context) {
	now, err := w.dbNow(ctx)
	if err != nil {
		w.log.Warn("reminder sweep skipped: no database clock", "error", err)
		return
	}
	res, err := w.Sweep(ctx, now)
	if err != nil {
		w.log.Error("reminder sweep failed", "error", err)
		return
	}
	if w.Approvals != nil {
		if err := w.Approvals(ctx, now); err != nil {
			w.log.Error("approvals sweep failed", "error", err)
		}
	}
	if w.Reports != nil {
		if err := w.Reports(ctx); err != nil {
			w.log.Error("report facts refresh failed", "error", err)
		}
	}
	if res.Deliveries > 0 {
		w.deliveryTick(ctx)
	}
}

// digestTick sends a scheduled report summary at the database's clock,
// then delivers it.
func (w *Work) digestTick(ctx context.Context, event cases.EventKind) {
	now, err := w.dbNow(ctx)
	if err != nil {
		w.log.Warn("report summary skipped: no database clock", "event", event, "error", err)
		return
	}
	res, err := w.Digest(ctx, event, now)
	if err != nil {
		w.log.Error("report summary failed", "event", event, "error", err)
		return
	}
	w.log.Info("report summary", "event", event, "claimed", res.Claimed, "deliveries", res.Deliveries)
	if res.Deliveries > 0 {
		w.deliveryTick(ctx)
	}
}

// deliveryTick sends the deliveries due at the database's clock.
func (w *Work) deliveryTick(ctx context.Context) {
	now, err := w.dbNow(ctx)
	if err != nil {
		w.log.Warn("webhook deliveries skipped: no database clock", "error", err)
		return
	}
	res, err := w.sender.Deliver(ctx, now)
	if err != nil {
		w.log.Error("webhook deliveries failed", "error", err)
	}
	if res.Delivered+res.Failed+res.Cancelled > 0 {
		w.log.Info("webhook deliveries", "delivered", res.Delivered, "failed", res.Failed,
			"gave_up", res.GaveUp, "cancelled", res.Cancelled)
	}
}

// dbNow is the database's clock: every instance sweeps by the same one.
func (w *Work) dbNow(ctx context.Context) (time.Time, error) {
	var now time.Time
	err := w.db.GetContext(ctx, &now, `SELECT now()`)
	return now, err
}

// cronLogger sends cron's own chatter to the debug log and its errors
// (a panicking job) to the error log.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
