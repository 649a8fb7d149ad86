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
	got := d.Rebase(cases.Calendar{}, cur, next)
	if want := entered.Add(time.Hour); got == nil || !got.Equal(want) {
		t.Fatalf("rebased due = %v, want %v (entry time plus the urgent allowance)", got, want)
	}
	closed := cur
	closed.State, closed.DueAt = cases.StateClosed, nil
	if d.Rebase(cases.Calendar{}, closed, closed) != nil {
		t.Fatal("a closed case has no due time")
	}
}

// A case on a business-hours clock keeps its entry time in business
// hours: raised to urgent overnight, its new due time counts the urgent
// allowance from when it entered the state, not from a made-up entry time.
func TestRebaseOnBusinessHours(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	var hours []cases.BusinessHours
	for wd := 1; wd <= 5; wd++ {
		hours = append(hours, cases.BusinessHours{Weekday: wd, Start: "09:00", End: "18:00"})
	}
	cal := cases.Calendar{Location: sh, Hours: hours}
	d := DefaultDeadlines()
	d.BusinessHours = true
	d.Overrides = []DeadlineOverride{
		{Severity: "normal", State: cases.StateListen, Within: 4 * time.Hour},
		{Severity: "urgent", State: cases.StateListen, Within: 30 * time.Minute},
	}
	// Entered listen Tuesday 17:00: normal is due Wednesday 12:00
	// (1 h on Tuesday, 3 h on Wednesday).
	entered := time.Date(2026, 3, 3, 17, 0, 0, 0, sh)
	cur := cases.Case{Kind: "damaged", Severity: "normal", State: cases.StateListen, DueAt: d.DueOn(cal, "damaged", "normal", cases.StateListen, entered)}
	if want := time.Date(2026, 3, 4, 12, 0, 0, 0, sh); !cur.DueAt.Equal(want) {
		t.Fatalf("normal due = %v, want %v", cur.DueAt, want)
	}
	next := cur
	next.Severity = "urgent"
	got := d.Rebase(cal, cur, next)
	if want := time.Date(2026, 3, 3, 17, 30, 0, 0, sh); got == nil || !got.Equal(want) {
		t.Fatalf("rebased due = %v, want %v (entry Tuesday 17:00 plus half an hour)", got, want)
	}
	// The wall clock would have put the entry at Wednesday 08:00 and the
	// urgent due time at 08:30, hours late.
	d.BusinessHours = false
	if wall := d.Rebase(cal, cur, next); wall.Equal(*got) {
		t.Fatal("the wall-clock rebase should differ from the business-hours one")
	}
}
