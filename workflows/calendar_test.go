package workflows_test

import (
	"testing"
	"time"

	"redress/cases"
	"redress/workflows"
)

func weekdays(start, end string) []cases.BusinessHours {
	var out []cases.BusinessHours
	for wd := 1; wd <= 5; wd++ {
		out = append(out, cases.BusinessHours{Weekday: wd, Start: start, End: end})
	}
	return out
}

func TestBusinessAdd(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cal := cases.Calendar{Location: sh, Hours: weekdays("09:00", "18:00"), Holidays: []string{"2026-03-09"}}
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, sh) }
	tests := []struct {
		name string
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"WithinTheDay", at(4, 10, 0), 2 * time.Hour, at(4, 12, 0)},
		{"AcrossTheNight", at(4, 17, 30), time.Hour, at(5, 9, 30)},
		{"FromTheNight", at(4, 23, 0), 30 * time.Minute, at(5, 9, 30)},
		{"OverTheWeekendAndAHoliday", at(6, 17, 50), time.Hour, at(10, 9, 50)},
		{"ExactlyAtClosing", at(4, 17, 0), time.Hour, at(4, 18, 0)},
		{"ADayAndMore", at(4, 9, 0), 24 * time.Hour, at(6, 15, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := workflows.BusinessAdd(cal, tt.from, tt.d); !got.Equal(tt.want) {
				t.Fatalf("BusinessAdd(%v, %v) = %v, want %v", tt.from, tt.d, got, tt.want)
			}
		})
	}
	t.Run("NoHoursIsTheWallClock", func(t *testing.T) {
		from := at(4, 23, 0)
		if got := workflows.BusinessAdd(cases.Calendar{Location: sh}, from, time.Hour); !got.Equal(from.Add(time.Hour)) {
			t.Fatal(got)
		}
	})
	t.Run("EveryDayAHolidayEnds", func(t *testing.T) {
		c := cases.Calendar{Location: sh, Hours: []cases.BusinessHours{{Weekday: 0, Start: "09:00", End: "10:00"}}}
		for d := 0; d < 2000; d++ {
			c.Holidays = append(c.Holidays, at(1, 0, 0).AddDate(0, 0, d).Format(time.DateOnly))
		}
		from := at(1, 0, 0)
		if got := workflows.BusinessAdd(c, from, time.Hour); !got.Equal(from.Add(time.Hour)) {
			t.Fatal(got)
		}
	})
	t.Run("Open", func(t *testing.T) {
		if !workflows.BusinessOpen(cal, at(4, 9, 0)) || workflows.BusinessOpen(cal, at(4, 18, 0)) || workflows.BusinessOpen(cal, at(9, 10, 0)) {
			t.Fatal("BusinessOpen disagrees with the calendar")
		}
	})
}

func TestTransitionDueCountsBusinessHours(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	p := workflows.DefaultPolicy()
	p.Deadlines.BusinessHours = true
	now := time.Date(2026, 3, 6, 17, 0, 0, 0, sh) // Friday 17:00; listen allows 4h
	due := time.Date(2026, 3, 9, 12, 0, 0, 0, sh)
	c := cases.Case{ID: 1, Ref: "C-000001", Kind: "bad_review", Severity: "normal", State: cases.StateRespond,
		Platform: "taobao", Shop: "s", DueAt: &now}
	f := workflows.Facts{Now: now, ActorID: 1, Calendar: cases.Calendar{Location: sh, Hours: weekdays("09:00", "18:00")}}
	res, err := workflows.Transition(c, workflows.Move{To: cases.StateListen, FirstResponse: "您好"}, f, p)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Case.DueAt.Equal(due) {
		t.Fatalf("due %v, want %v (1h on Friday, 3h on Monday)", res.Case.DueAt.In(sh), due)
	}
	p.Deadlines.BusinessHours = false
	res, _ = workflows.Transition(c, workflows.Move{To: cases.StateListen, FirstResponse: "您好"}, f, p)
	if !res.Case.DueAt.Equal(now.Add(4 * time.Hour)) {
		t.Fatalf("wall clock due %v", res.Case.DueAt)
	}
}

func TestShiftWindows(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	shifts := []cases.Shift{{Name: "early", Start: "08:00", End: "16:00"}, {Name: "late", Start: "16:00", End: "24:00"},
		{Name: "night", Start: "00:00", End: "08:00"}}
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, sh) }
	tests := []struct {
		now        time.Time
		name       string
		start, end time.Time
		nextEnd    time.Time
	}{
		{at(4, 15, 0), "early", at(4, 8, 0), at(4, 16, 0), at(5, 0, 0)},
		{at(4, 23, 30), "late", at(4, 16, 0), at(5, 0, 0), at(5, 8, 0)},
		{at(5, 3, 0), "night", at(5, 0, 0), at(5, 8, 0), at(5, 16, 0)},
	}
	for _, tt := range tests {
		name, this, next := workflows.ShiftWindows(shifts, sh, tt.now)
		if name != tt.name || !this.Start.Equal(tt.start) || !this.End.Equal(tt.end) || !next.End.Equal(tt.nextEnd) {
			t.Errorf("at %v: %s %v %v, want %s", tt.now, name, this, next, tt.name)
		}
	}
	overnight := []cases.Shift{{Name: "day", Start: "09:00", End: "21:00"}, {Name: "night", Start: "21:00", End: "09:00"}}
	if name, this, next := workflows.ShiftWindows(overnight, sh, at(5, 2, 0)); name != "night" || !this.Start.Equal(at(4, 21, 0)) || !next.End.Equal(at(5, 21, 0)) {
		t.Errorf("overnight: %s %v %v", name, this, next)
	}
	if name, this, _ := workflows.ShiftWindows(nil, sh, at(5, 2, 0)); name != "" || !this.End.Equal(at(5, 2, 0)) {
		t.Errorf("no shifts: %s %v", name, this)
	}
}

func TestHandoverReminderLevels(t *testing.T) {
	p := workflows.DefaultHandoverPolicy()
	due := time.Date(2026, 3, 4, 16, 30, 0, 0, time.UTC)
	if got := p.DueHandoverLevels(due, due); len(got) != 0 {
		t.Fatal(got)
	}
	if got := p.DueHandoverLevels(due, due.Add(time.Minute)); len(got) != 1 || got[0] != cases.HandoverOverdue {
		t.Fatal(got)
	}
	if got := p.DueHandoverLevels(due, due.Add(p.Grace)); len(got) != 2 || got[1] != cases.HandoverEscalation {
		t.Fatal(got)
	}
}

func TestBusinessSub(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cal := cases.Calendar{Location: sh, Hours: weekdays("09:00", "18:00"), Holidays: []string{"2026-03-09"}}
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, sh) }
	tests := []struct {
		name string
		to   time.Time
		d    time.Duration
		want time.Time
	}{
		{"WithinTheDay", at(4, 12, 0), 2 * time.Hour, at(4, 10, 0)},
		{"AcrossTheNight", at(5, 9, 30), time.Hour, at(4, 17, 30)},
		{"FromTheNight", at(5, 7, 0), 30 * time.Minute, at(4, 17, 30)},
		{"OverAHolidayAndTheWeekend", at(10, 9, 50), time.Hour, at(6, 17, 50)},
		{"ExactlyAtOpening", at(4, 10, 0), time.Hour, at(4, 9, 0)},
		{"ADayAndMore", at(6, 15, 0), 24 * time.Hour, at(4, 9, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := workflows.BusinessSub(cal, tt.to, tt.d); !got.Equal(tt.want) {
				t.Fatalf("BusinessSub(%v, %v) = %v, want %v", tt.to, tt.d, got, tt.want)
			}
		})
	}
	open := cases.Calendar{}
	if got := workflows.BusinessSub(open, at(4, 3, 0), time.Hour); !got.Equal(at(4, 2, 0)) {
		t.Fatalf("an always-open calendar counts the wall clock: got %v", got)
	}
}

// FuzzBusinessRoundTrip: adding then subtracting the same business time
// lands on the first open instant at or after the start.
func FuzzBusinessRoundTrip(f *testing.F) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cal := cases.Calendar{Location: sh, Hours: weekdays("09:00", "18:00"), Holidays: []string{"2026-03-09"}}
	f.Add(int64(0), int64(90))
	f.Add(int64(3600*40), int64(60*24*3))
	f.Fuzz(func(t *testing.T, offset, minutes int64) {
		if offset < 0 || offset > 3600*24*60 || minutes <= 0 || minutes > 60*24*30 {
			return
		}
		from := time.Date(2026, 3, 1, 0, 0, 0, 0, sh).Add(time.Duration(offset) * time.Second)
		d := time.Duration(minutes) * time.Minute
		to := workflows.BusinessAdd(cal, from, d)
		back := workflows.BusinessSub(cal, to, d)
		if back.Before(from) || !workflows.BusinessOpen(cal, back) && !back.Equal(from) {
			t.Fatalf("from %v +%v = %v, back %v", from, d, to, back)
		}
		if again := workflows.BusinessAdd(cal, back, d); !again.Equal(to) {
			t.Fatalf("from %v +%v = %v, back %v, again %v", from, d, to, back, again)
		}
	})
}
