package workflows

import (
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
