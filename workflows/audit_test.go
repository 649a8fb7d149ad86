package workflows

import (
	"errors"
	"slices"
	"testing"
	"time"

	"redress/cases"
)

func TestSelectForAudit(t *testing.T) {
	closed := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	agent := int64(7)
	base := cases.Case{ID: 1, State: cases.StateClosed, ClosedAt: &closed, AssigneeID: &agent}
	p := AuditPolicy{RemedyThreshold: map[string]int64{"CNY": 200_00}, MinPerAgent: 1}
	due := closed.Add(-time.Hour)
	for _, tc := range []struct {
		name string
		f    func(f *cases.AuditFacts)
		want []cases.AuditReason
	}{
		{"RemedyAboveThreshold", func(f *cases.AuditFacts) { f.Applied = []cases.Money{{Minor: 200_01, Currency: "CNY"}} }, []cases.AuditReason{cases.ReasonRemedyAboveThreshold}},
		{"AtThresholdIsNotAbove", func(f *cases.AuditFacts) {
			f.Applied = []cases.Money{{Minor: 200_00, Currency: "CNY"}}
			f.AgentAudited = 1
		}, nil},
		{"AbuseAndSkippedApology", func(f *cases.AuditFacts) { f.Case.SuspectedAbuse = true; f.Case.SkipReason = "签收" }, []cases.AuditReason{cases.ReasonAbuseFlagged, cases.ReasonApologySkipped}},
		{"SLAAndPlatformBreach", func(f *cases.AuditFacts) { f.SLABreached = true; f.Case.PlatformDueAt = &due }, []cases.AuditReason{cases.ReasonSLABreached, cases.ReasonPlatformBreached}},
		{"ReviewTiedAndReopened", func(f *cases.AuditFacts) { f.ReviewTied = true; f.Case.ReopenCount = 1 }, []cases.AuditReason{cases.ReasonReviewTiedRemedy, cases.ReasonReopened}},
		{"AgentMinimum", func(f *cases.AuditFacts) {}, []cases.AuditReason{cases.ReasonAgentMinimum}},
		{"AgentSeenEnough", func(f *cases.AuditFacts) { f.AgentAudited = 1 }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := cases.AuditFacts{Case: base}
			tc.f(&f)
			got, _ := SelectForAudit(f, p)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("reasons %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("RandomShareIsAboutItsPercent", func(t *testing.T) {
		p := AuditPolicy{RandomPercent: 10}
		n := 0
		for id := int64(1); id <= 10000; id++ {
			c := base
			c.ID, c.AssigneeID = id, nil
			if r, _ := SelectForAudit(cases.AuditFacts{Case: c}, p); len(r) > 0 {
				n++
			}
		}
		if n < 800 || n > 1200 {
			t.Fatalf("%d of 10000 sampled at 10%%", n)
		}
	})
}

func TestVerdictScoring(t *testing.T) {
	items := []cases.ChecklistItem{
		{Key: "listened", Weight: 3, Active: true},
		{Key: "followed_up", Weight: 1, Active: true},
		{Key: "no_review_tied_remedy", Weight: 1, Critical: true, Active: true},
		{Key: "retired", Weight: 5, Active: false},
	}
	i := func(n int) *int { return &n }
	v, err := Verdict(VerdictInput{Verdict: cases.VerdictRework, Comment: "see #2 and #2",
		Scores: map[string]*int{"listened": i(1), "followed_up": i(0), "no_review_tied_remedy": nil}}, items, 5)
	if err != nil {
		t.Fatal(err)
	}
	// (3×1 + 1×0) / (3×2 + 1×2) = 37.5% → 38.
	if v.Score != 38 || !slices.Equal(v.FailedItems, []string{"followed_up"}) || !slices.Equal(v.Cited, []int64{2}) {
		t.Fatalf("verdict %+v", v)
	}
	if _, err := Verdict(VerdictInput{Verdict: cases.VerdictApproved,
		Scores: map[string]*int{"listened": i(2), "followed_up": i(2), "no_review_tied_remedy": i(2), "retired": i(2)}}, items, 5); cases.ErrorCode(err) != cases.Invalid {
		t.Fatalf("a retired item was scored: %v", err)
	}
}

func TestCheckDeskSettings(t *testing.T) {
	if err := CheckDeskSettings(DefaultDeskSettings()); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(s *cases.DeskSettings)
		field string
	}{
		{"RandomAbove100", func(s *cases.DeskSettings) { s.RandomPercent = 101 }, "random_percent"},
		{"RandomNegative", func(s *cases.DeskSettings) { s.RandomPercent = -1 }, "random_percent"},
		{"MinPerAgentNegative", func(s *cases.DeskSettings) { s.MinPerAgent = -1 }, "min_per_agent"},
		{"MinPerAgentHuge", func(s *cases.DeskSettings) { s.MinPerAgent = 101 }, "min_per_agent"},
		{"UnknownPeriod", func(s *cases.DeskSettings) { s.Period = "fortnight" }, "period"},
		{"NoPeriod", func(s *cases.DeskSettings) { s.Period = "" }, "period"},
		{"CalibrationAbove100", func(s *cases.DeskSettings) { s.CalibrationPercent = 150 }, "calibration_percent"},
		{"ApprovalWindowTooShort", func(s *cases.DeskSettings) { s.ApprovalWindowMinutes = 4 }, "approval_window_minutes"},
		{"ApprovalWindowTooLong", func(s *cases.DeskSettings) { s.ApprovalWindowMinutes = 7*24*60 + 1 }, "approval_window_minutes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := DefaultDeskSettings()
			tc.edit(&s)
			err := CheckDeskSettings(s)
			var ce *cases.Error
			if !errors.As(err, &ce) || ce.Code != cases.Invalid || ce.Field != tc.field {
				t.Fatalf("got %v, want Invalid on %s", err, tc.field)
			}
		})
	}
	t.Run("Bounds", func(t *testing.T) {
		s := cases.DeskSettings{RandomPercent: 100, MinPerAgent: 100, Period: cases.PeriodMonth, CalibrationPercent: 100,
			ApprovalWindowMinutes: 5}
		if err := CheckDeskSettings(s); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAuditPeriodStart(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	// Sunday 29 November 2026, 01:30 in Shanghai (Saturday in UTC).
	now := time.Date(2026, 11, 28, 17, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		period cases.AuditPeriod
		want   time.Time
	}{
		{cases.PeriodDay, time.Date(2026, 11, 29, 0, 0, 0, 0, shanghai)},
		{cases.PeriodWeek, time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai)},
		{cases.PeriodMonth, time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)},
	} {
		if got := AuditPeriodStart(now, shanghai, tc.period); !got.Equal(tc.want) {
			t.Errorf("%s: %s, want %s", tc.period, got, tc.want)
		}
	}
}

func TestCalibrationSamplesOnlyTheRandomSample(t *testing.T) {
	closed := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	agent := int64(7)
	p := AuditPolicy{RemedyThreshold: map[string]int64{"CNY": 200_00}, RandomPercent: 100, CalibrationPercent: 100}
	c := cases.Case{ID: 3, State: cases.StateClosed, ClosedAt: &closed, AssigneeID: &agent}
	if r, cal := SelectForAudit(cases.AuditFacts{Case: c}, p); !slices.Equal(r, []cases.AuditReason{cases.ReasonRandom}) || !cal {
		t.Fatalf("random: %v calibration %v", r, cal)
	}
	p.RandomPercent, p.MinPerAgent = 0, 1
	if r, cal := SelectForAudit(cases.AuditFacts{Case: c}, p); !slices.Equal(r, []cases.AuditReason{cases.ReasonAgentMinimum}) || !cal {
		t.Fatalf("agent minimum: %v calibration %v", r, cal)
	}
	costly := cases.AuditFacts{Case: c, Applied: []cases.Money{{Minor: 300_00, Currency: "CNY"}}}
	if r, cal := SelectForAudit(costly, p); len(r) == 0 || cal {
		t.Fatalf("a rule's case went to calibration: %v %v", r, cal)
	}
	p.CalibrationPercent = 0
	if _, cal := SelectForAudit(cases.AuditFacts{Case: c}, p); cal {
		t.Fatal("calibration at 0%")
	}
}

func TestCalibrate(t *testing.T) {
	items := []cases.ChecklistItem{{Key: "answered_fast"}, {Key: "listened"}, {Key: "followed_up"}}
	ok := func(score int) cases.Verdict { return cases.Verdict{Verdict: cases.VerdictApproved, Score: score} }
	rework := func(score int, comment string, failed ...string) cases.Verdict {
		return cases.Verdict{Verdict: cases.VerdictRework, Score: score, Comment: comment, FailedItems: failed}
	}
	for _, tc := range []struct {
		name          string
		first, second cases.Verdict
		outcome       cases.VerdictKind
		failed        []string
		comment       string
		agree         bool
		diff          int
	}{
		{"BothApprove", ok(90), ok(100), cases.VerdictApproved, []string{}, "", true, 10},
		{"EitherReworkReworks", ok(95), rework(60, "没回访", "followed_up"), cases.VerdictRework, []string{"followed_up"}, "没回访", false, 35},
		{"FirstReworkReworks", rework(50, "慢", "answered_fast"), ok(80), cases.VerdictRework, []string{"answered_fast"}, "慢", false, 30},
		{"BothReworkUnitesInChecklistOrder", rework(40, "a", "followed_up", "listened"), rework(45, "b", "answered_fast", "listened"),
			cases.VerdictRework, []string{"answered_fast", "listened", "followed_up"}, "a / b", true, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Calibrate(tc.first, tc.second, items)
			if c.Outcome != tc.outcome || !slices.Equal(c.Failed, tc.failed) || c.Comment != tc.comment || c.Agreement != tc.agree || c.ScoreDiff != tc.diff {
				t.Fatalf("got %+v", c)
			}
		})
	}
}
