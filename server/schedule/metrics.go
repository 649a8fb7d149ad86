package schedule

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"redress/cases"
)

// reminderMetrics are the scheduler's collectors, on the server's registry.
type reminderMetrics struct {
	fired       *prometheus.CounterVec
	escalations prometheus.Counter
	sweep       prometheus.Histogram
}

func newReminderMetrics(reg prometheus.Registerer) *reminderMetrics {
	m := &reminderMetrics{
		fired: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "redress_reminders_fired_total",
			Help: "Reminders fired by this instance's sweeps, by level (overdue, escalation, platform_soon, platform_passed).",
		}, []string{"level"}),
		escalations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "redress_escalations_total",
			Help: "Reminders that escalated to supervisors (escalation and platform_passed) fired by this instance.",
		}),
		sweep: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "redress_sweep_duration_seconds",
			Help:    "Time a reminder sweep took, whether it found anything or not.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	reg.MustRegister(m.fired, m.escalations, m.sweep)
	// Every series exists from the start, so that rate() sees the first one.
	for _, l := range cases.ReminderLevels() {
		m.fired.WithLabelValues(string(l))
	}
	return m
}

func (m *reminderMetrics) observeSweep(res cases.SweepResult, took time.Duration) {
	m.sweep.Observe(took.Seconds())
	for l, n := range res.Fired {
		m.fired.WithLabelValues(string(l)).Add(float64(n))
		if l.EventKind() == cases.EventEscalated {
			m.escalations.Add(float64(n))
		}
	}
}
