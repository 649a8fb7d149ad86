package workflows_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"redress/cases"
	"redress/workflows"
)

func TestDueLevels(t *testing.T) {
	p := workflows.DefaultReminderPolicy()
	due := time.Date(2026, 11, 24, 2, 30, 0, 0, time.UTC)
	platform := due.Add(6 * time.Hour)
	at := func(d time.Duration) time.Time { return due.Add(d) }
	ptr := func(t time.Time) *time.Time { return &t }
	type L = cases.ReminderLevel
	tests := []struct {
		name     string
		state    cases.State
		due      *time.Time
		platform *time.Time
		now      time.Time
		want     []L
	}{
		{"NothingBeforeDue", cases.StateListen, &due, nil, at(-time.Minute), nil},
		{"NothingExactlyAtDue", cases.StateListen, &due, nil, due, nil},
		{"OverdueJustAfterDue", cases.StateListen, &due, nil, at(time.Second), []L{cases.LevelOverdue}},
		{"NoEscalationWithinGrace", cases.StateListen, &due, nil, at(30 * time.Minute), []L{cases.LevelOverdue}},
		{"EscalationAtGrace", cases.StateListen, &due, nil, at(time.Hour), []L{cases.LevelOverdue, cases.LevelEscalation}},
		{"EscalationLongAfter", cases.StateRemedy, &due, nil, at(72 * time.Hour), []L{cases.LevelOverdue, cases.LevelEscalation}},
		{"ClosedGetsNothing", cases.StateClosed, nil, &platform, at(72 * time.Hour), nil},
		{"ClosedWithStaleDueGetsNothing", cases.StateClosed, &due, nil, at(72 * time.Hour), nil},
		{"PlatformFarAway", cases.StateListen, ptr(at(10 * time.Hour)), &platform, at(time.Hour + time.Minute), nil},
		{"PlatformSoonAtLead", cases.StateListen, ptr(at(10 * time.Hour)), &platform, platform.Add(-4 * time.Hour), []L{cases.LevelPlatformSoon}},
		{"PlatformSoonUntilTheDeadline", cases.StateListen, ptr(at(10 * time.Hour)), &platform, platform, []L{cases.LevelPlatformSoon}},
		{"PlatformPassed", cases.StateListen, ptr(at(10 * time.Hour)), &platform, platform.Add(time.Minute), []L{cases.LevelPlatformPassed}},
		{"AllAtOnce", cases.StateApologise, &due, &platform, platform.Add(time.Minute),
			[]L{cases.LevelOverdue, cases.LevelEscalation, cases.LevelPlatformPassed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cases.ReminderCase{ID: 1, Ref: "C-000001", State: tt.state, DueAt: tt.due, PlatformDueAt: tt.platform}
			if got := p.DueLevels(c, tt.now); !slices.Equal(got, tt.want) {
				t.Fatalf("DueLevels = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSweepPlanMatchesPolicy guards the contract of cases.SweepPlan: the
// windows the store's queries use are the policy's, and the messages are
// the caller's.
func TestSweepPlanMatchesPolicy(t *testing.T) {
	p := workflows.ReminderPolicy{Grace: 90 * time.Minute, PlatformLead: 2 * time.Hour}
	message := func(n cases.Notice, _ cases.Reader) string { return n.Case.Ref + " " + string(n.Level) }
	plan := p.SweepPlan(message)
	if plan.Grace != p.Grace || plan.Lead != p.PlatformLead || plan.Due == nil || plan.Message == nil {
		t.Fatalf("plan %+v does not carry the policy %+v", plan, p)
	}
	n := cases.Notice{Case: cases.ReminderCase{Ref: "C-000001"}, Level: cases.LevelOverdue}
	if got := plan.Message(n, cases.Reader{}); got != "C-000001 overdue" {
		t.Fatalf("plan.Message = %q, want the caller's message", got)
	}
}

func TestReminderPolicyValidate(t *testing.T) {
	if err := workflows.DefaultReminderPolicy().Validate(); err != nil {
		t.Fatalf("default policy: %v", err)
	}
	for _, tt := range []struct {
		name  string
		p     workflows.ReminderPolicy
		field string
	}{
		{"ZeroGrace", workflows.ReminderPolicy{PlatformLead: time.Hour}, "reminders.grace"},
		{"NegativeLead", workflows.ReminderPolicy{Grace: time.Hour, PlatformLead: -time.Hour}, "reminders.platform_lead"},
		{"GraceOverAYear", workflows.ReminderPolicy{Grace: 400 * 24 * time.Hour, PlatformLead: time.Hour}, "reminders.grace"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			var ce *cases.Error
			if !errors.As(err, &ce) || ce.Field != tt.field {
				t.Fatalf("Validate = %v, want a problem with %s", err, tt.field)
			}
		})
	}
}
