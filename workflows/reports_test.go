package workflows_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"redress/cases"
	"redress/workflows"
)

func TestBusinessBetween(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cal := cases.Calendar{Location: sh, Hours: weekdays("09:00", "18:00"), Holidays: []string{"2026-03-09"}}
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, sh) }
	tests := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"WithinTheDay", at(4, 10, 0), at(4, 12, 0), 2 * time.Hour},
		{"AcrossTheNight", at(4, 17, 30), at(5, 9, 30), time.Hour},
		{"FromTheNight", at(4, 23, 0), at(5, 9, 30), 30 * time.Minute},
		{"OverTheWeekendAndAHoliday", at(6, 17, 50), at(10, 9, 50), time.Hour},
		{"BackwardsIsNothing", at(4, 12, 0), at(4, 10, 0), 0},
		{"AllClosed", at(7, 8, 0), at(8, 20, 0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := workflows.BusinessBetween(cal, tt.from, tt.to); got != tt.want {
				t.Fatalf("BusinessBetween(%v, %v) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
			// The inverse of BusinessAdd, where from is open.
			if tt.want > 0 && workflows.BusinessOpen(cal, tt.from) {
				if end := workflows.BusinessAdd(cal, tt.from, tt.want); !end.Equal(tt.to) {
					t.Fatalf("BusinessAdd(%v, %v) = %v, want %v", tt.from, tt.want, end, tt.to)
				}
			}
		})
	}
	t.Run("AlwaysOpenIsTheWallClock", func(t *testing.T) {
		if got := workflows.BusinessBetween(cases.Calendar{}, at(7, 8, 0), at(8, 20, 0)); got != 36*time.Hour {
			t.Fatalf("got %v", got)
		}
	})
}

func TestPercentilesByNearestRank(t *testing.T) {
	tests := []struct {
		name        string
		vs          []int64
		median, p90 int64
	}{
		{"One", []int64{7}, 7, 7},
		{"EvenTakesTheLowerMiddle", []int64{40, 10, 30, 20}, 20, 40},
		{"Ten", []int64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 5, 9},
		{"Eleven", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 6, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := workflows.Percentiles(tt.vs)
			if p.N != len(tt.vs) || *p.Median != tt.median || *p.P90 != tt.p90 {
				t.Fatalf("n %d median %d p90 %d, want %d %d %d", p.N, *p.Median, *p.P90, len(tt.vs), tt.median, tt.p90)
			}
		})
	}
	if p := workflows.Percentiles[int64](nil); p.N != 0 || p.Median != nil || p.P90 != nil {
		t.Fatalf("no durations: %+v", p)
	}
}

// TestPercentilesSelectAsASortWould checks the in-place selection against
// the definition (sort, take the nearest rank) on many shapes of data:
// long runs of one value (business durations of zero), sorted and
// reversed input, few distinct values, wide ranges.
func TestPercentilesSelectAsASortWould(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := map[string]func(n int) []int32{
		"Random": func(n int) []int32 {
			vs := make([]int32, n)
			for i := range vs {
				vs[i] = rng.Int32N(1 << 20)
			}
			return vs
		},
		"MostlyZero": func(n int) []int32 {
			vs := make([]int32, n)
			for i := range vs {
				if rng.IntN(10) == 0 {
					vs[i] = rng.Int32N(3600)
				}
			}
			return vs
		},
		"FewValues": func(n int) []int32 {
			vs := make([]int32, n)
			for i := range vs {
				vs[i] = []int32{60, 300, 3600}[rng.IntN(3)]
			}
			return vs
		},
		"Sorted": func(n int) []int32 {
			vs := make([]int32, n)
			for i := range vs {
				vs[i] = int32(i * 7)
			}
			return vs
		},
		"Reversed": func(n int) []int32 {
			vs := make([]int32, n)
			for i := range vs {
				vs[i] = int32((n - i) * 3)
			}
			return vs
		},
		"Extremes": func(n int) []int32 {
			vs := make([]int32, n)
			for i := range vs {
				vs[i] = []int32{math.MinInt32, -1, 0, math.MaxInt32}[rng.IntN(4)]
			}
			return vs
		},
	}
	for name, shape := range shapes {
		for _, n := range []int{1, 2, 3, 9, 10, 11, 100, 1001, 50_000} {
			vs := shape(n)
			sorted := slices.Clone(vs)
			slices.Sort(sorted)
			want := func(pct int) int64 { return int64(sorted[max((pct*n+99)/100, 1)-1]) }
			p := workflows.Percentiles(vs)
			if p.N != n || *p.Median != want(50) || *p.P90 != want(90) {
				t.Fatalf("%s of %d: n %d median %d p90 %d, want %d %d", name, n, p.N, *p.Median, *p.P90, want(50), want(90))
			}
		}
	}
}

func TestWilson(t *testing.T) {
	for _, tt := range []struct {
		passed, n int
		low, high float64
	}{{9, 10, 0.5958, 0.9821}, {10, 10, 0.7225, 1}, {0, 10, 0, 0.2775}} {
		lo, hi := workflows.Wilson(tt.passed, tt.n)
		if round(lo) != tt.low || round(hi) != tt.high {
			t.Errorf("Wilson(%d, %d) = %.4f, %.4f; want %v, %v", tt.passed, tt.n, lo, hi, tt.low, tt.high)
		}
	}
}

func round(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

// auditedLedger is a case closed, then audited once with the reasons.
func auditedLedger(id int64, at time.Time, verdict cases.VerdictKind, reasons ...cases.AuditReason) cases.ReportLedger {
	agent := int64(7)
	return cases.ReportLedger{CaseID: id, Events: []cases.ReportEvent{
		{CaseID: id, Seq: 1, Kind: cases.EventCreated, At: at.Add(-time.Hour), To: cases.StateRespond, CaseKind: "damaged",
			Shop: "S", Platform: "jd", Assignee: &agent},
		{CaseID: id, Seq: 2, Kind: cases.EventAudited, At: at, Round: 1, Verdict: verdict, AuditReasons: reasons},
	}}
}

func TestAuditPassRates(t *testing.T) {
	from := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	q := cases.ReportQuery{From: from, To: from.AddDate(0, 0, 7), GroupBy: cases.GroupAgent, Location: time.UTC}
	sum := workflows.NewSummary(q)
	for i := range 10 { // nine of ten random audits pass
		v := cases.VerdictApproved
		if i == 0 {
			v = cases.VerdictRework
		}
		sum.Add(auditedLedger(int64(i+1), from.Add(time.Duration(i+2)*time.Hour), v, cases.ReasonRandom))
	}
	sum.Add(auditedLedger(11, from.Add(time.Hour*20), cases.VerdictRework, cases.ReasonRemedyAboveThreshold))
	sum.Add(auditedLedger(12, from.Add(time.Hour*21), cases.VerdictApproved, cases.ReasonAbuseFlagged, cases.ReasonRandom))
	sum.Add(auditedLedger(13, from.Add(time.Hour*22), cases.VerdictApproved, cases.ReasonAgentMinimum))
	r := sum.Report()
	if len(r.Rows) != 1 || r.Rows[0].Group != "7" {
		t.Fatalf("rows: %+v", r.Rows)
	}
	a := r.Rows[0].Audits
	if a.Random.N != 10 || a.Random.Passed != 9 || a.Random.TooSmall || *a.Random.Rate != 0.9 ||
		*a.Random.Low != 0.5958 || *a.Random.High != 0.9821 {
		t.Errorf("random: %+v", a.Random)
	}
	if a.Risk.N != 2 || a.Risk.Passed != 1 || *a.Risk.Rate != 0.5 || a.Risk.Low != nil {
		t.Errorf("risk: %+v", a.Risk)
	}
	if a.Other.N != 1 || a.Other.Passed != 1 {
		t.Errorf("other: %+v", a.Other)
	}
	if r.Rows[0].Opened != 13 {
		t.Errorf("opened %d, want 13", r.Rows[0].Opened)
	}
}

func TestPeriodStarts(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	q := cases.ReportQuery{From: time.Date(2026, 11, 4, 0, 0, 0, 0, sh), To: time.Date(2026, 11, 20, 0, 0, 0, 0, sh), Location: sh}
	for _, tt := range []struct {
		series cases.ReportSeries
		want   []string
	}{
		{cases.SeriesNone, []string{"2026-11-04"}},
		{cases.SeriesWeek, []string{"2026-11-04", "2026-11-09", "2026-11-16"}},
		{cases.SeriesMonth, []string{"2026-11-04"}},
		{cases.SeriesDay, nil},
	} {
		q.Series = tt.series
		got := workflows.PeriodStarts(q)
		if tt.series == cases.SeriesDay {
			if len(got) != 16 || !got[15].Equal(time.Date(2026, 11, 19, 0, 0, 0, 0, sh)) {
				t.Errorf("days: %v", got)
			}
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: %v, want %v", tt.series, got, tt.want)
			continue
		}
		for i, w := range tt.want {
			if got[i].In(sh).Format(time.DateOnly) != w || got[i].In(sh).Hour() != 0 {
				t.Errorf("%s: period %d starts %v, want %s 00:00", tt.series, i, got[i].In(sh), w)
			}
		}
	}
}
