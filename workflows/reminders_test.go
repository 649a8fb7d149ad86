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
// windows the store's queries use are the policy's.
func TestSweepPlanMatchesPolicy(t *testing.T) {
	p := workflows.ReminderPolicy{Grace: 90 * time.Minute, PlatformLead: 2 * time.Hour}
	plan := p.SweepPlan()
	if plan.Grace != p.Grace || plan.Lead != p.PlatformLead || plan.Due == nil || plan.Message == nil {
		t.Fatalf("plan %+v does not carry the policy %+v", plan, p)
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

func TestReminderMessage(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	london, _ := time.LoadLocation("Europe/London")
	due := time.Date(2026, 11, 24, 2, 30, 0, 0, time.UTC) // 10:30 in Shanghai, 02:30 in London
	platform := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	c := cases.ReminderCase{ID: 123, Ref: "C-000123", State: cases.StateListen, DueAt: &due, PlatformDueAt: &platform}
	zh := cases.Reader{Language: cases.LanguageChinese, Location: shanghai}
	en := cases.Reader{Language: cases.LanguageEnglish, Location: shanghai}
	tests := []struct {
		name   string
		level  cases.ReminderLevel
		now    time.Time
		reader cases.Reader
		want   string
	}{
		{"OverdueEnglish", cases.LevelOverdue, due.Add(time.Minute), en, "C-000123 is overdue in step listen (due 10:30)"},
		{"OverdueChinese", cases.LevelOverdue, due.Add(time.Minute), zh, "C-000123 在「倾听」步骤已超时（应于 10:30 完成）"},
		{"OverdueInTheReadersZone", cases.LevelOverdue, due.Add(time.Minute),
			cases.Reader{Language: cases.LanguageEnglish, Location: london}, "C-000123 is overdue in step listen (due 02:30)"},
		{"DateWhenNotToday", cases.LevelOverdue, due.Add(20 * time.Hour), en, "C-000123 is overdue in step listen (due Nov 24 10:30)"},
		{"ChineseDateWhenNotToday", cases.LevelOverdue, due.Add(20 * time.Hour), zh, "C-000123 在「倾听」步骤已超时（应于 11月24日 10:30 完成）"},
		{"EscalationEnglish", cases.LevelEscalation, due.Add(65 * time.Minute), en,
			"C-000123 has been overdue in step listen for 1 h 5 min (due 10:30); please step in"},
		{"EscalationChinese", cases.LevelEscalation, due.Add(65 * time.Minute), zh,
			"C-000123 在「倾听」步骤已超时 1 小时 5 分钟（应于 10:30 完成），请主管跟进"},
		{"PlatformSoonEnglish", cases.LevelPlatformSoon, platform.Add(-3*time.Hour - 59*time.Minute), en,
			"C-000123: the platform deadline is 14:00, 3 h 59 min from now"},
		{"PlatformSoonChinese", cases.LevelPlatformSoon, platform.Add(-4 * time.Hour), zh,
			"C-000123 的平台处理时限为 14:00，还剩 4 小时"},
		{"PlatformPassedChinese", cases.LevelPlatformPassed, platform.Add(time.Minute), zh,
			"C-000123 的平台处理时限已于 14:00 过期，平台可能已自动判定"},
		{"PlatformPassedEnglish", cases.LevelPlatformPassed, platform.Add(time.Minute), en,
			"C-000123: the platform deadline passed at 14:00; the marketplace may decide without us"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := workflows.ReminderMessage(cases.Notice{Case: c, Level: tt.level, Now: tt.now}, tt.reader)
			if got != tt.want {
				t.Fatalf("message\n got %q\nwant %q", got, tt.want)
			}
		})
	}
	t.Run("FollowUpStepNames", func(t *testing.T) {
		fc := c
		fc.State = cases.StateFollowUp
		n := cases.Notice{Case: fc, Level: cases.LevelOverdue, Now: due.Add(time.Minute)}
		if got := workflows.ReminderMessage(n, en); got != "C-000123 is overdue in step follow-up (due 10:30)" {
			t.Fatalf("english: %q", got)
		}
		if got := workflows.ReminderMessage(n, zh); got != "C-000123 在「跟进」步骤已超时（应于 10:30 完成）" {
			t.Fatalf("chinese: %q", got)
		}
	})
}
