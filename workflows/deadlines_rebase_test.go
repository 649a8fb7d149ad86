package workflows

import (
	"testing"
	"time"

	"redress/cases"
)

func TestRebaseKeepsEntryTime(t *testing.T) {
	d := DefaultDeadlines()
	d.Overrides = []DeadlineOverride{{Severity: "urgent", State: cases.StateListen, Within: time.Hour}}
	entered := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	cur := cases.Case{Kind: "damaged", Severity: "normal", State: cases.StateListen, DueAt: d.DueAt("damaged", "normal", cases.StateListen, entered)}
	next := cur
	next.Severity = "urgent"
	got := d.Rebase(cur, next)
	if want := entered.Add(time.Hour); got == nil || !got.Equal(want) {
		t.Fatalf("rebased due = %v, want %v (entry time plus the urgent allowance)", got, want)
	}
	closed := cur
	closed.State, closed.DueAt = cases.StateClosed, nil
	if d.Rebase(closed, closed) != nil {
		t.Fatal("a closed case has no due time")
	}
}
