package workflows

import (
	"slices"
	"sort"
	"time"

	"redress/cases"
)

// maxCalendarDays bounds the walk of a business-hours clock: a calendar
// whose every day is a holiday must not loop for ever.
const maxCalendarDays = 3 * 366

// interval is an open stretch of one day, in minutes after midnight.
type interval struct{ start, end int }

// openIntervals returns the calendar's open stretches on the weekday,
// sorted and merged.
func openIntervals(cal cases.Calendar, wd time.Weekday) []interval {
	var out []interval
	for _, h := range cal.Hours {
		if time.Weekday(h.Weekday) != wd {
			continue
		}
		s, ok1 := cases.ClockMinutes(h.Start)
		e, ok2 := cases.ClockMinutes(h.End)
		if ok1 && ok2 && e > s {
			out = append(out, interval{s, e})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	merged := out[:0]
	for _, iv := range out {
		if n := len(merged); n > 0 && iv.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, iv.end)
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// atMinute returns the instant minute m of the local day (y, mo, d).
func atMinute(y int, mo time.Month, d, m int, loc *time.Location) time.Time {
	return time.Date(y, mo, d, m/60, m%60, 0, 0, loc)
}

// AlwaysOpen reports whether cal counts every hour (no business hours set).
func AlwaysOpen(cal cases.Calendar) bool { return len(cal.Hours) == 0 || cal.Location == nil }

// BusinessAdd returns the instant d of open business time after from:
// closed hours and holidays do not count. A calendar with no business
// hours counts every hour, like the wall clock.
func BusinessAdd(cal cases.Calendar, from time.Time, d time.Duration) time.Time {
	if AlwaysOpen(cal) {
		return from.Add(d)
	}
	cur := from.In(cal.Location)
	left := d
	for day := 0; day < maxCalendarDays; day++ {
		y, mo, dd := cur.Date()
		if !slices.Contains(cal.Holidays, cur.Format(time.DateOnly)) {
			for _, iv := range openIntervals(cal, cur.Weekday()) {
				start, end := atMinute(y, mo, dd, iv.start, cal.Location), atMinute(y, mo, dd, iv.end, cal.Location)
				if !end.After(cur) {
					continue
				}
				if start.Before(cur) {
					start = cur
				}
				if span := end.Sub(start); span >= left {
					return start.Add(left)
				} else {
					left -= span
				}
			}
		}
		cur = time.Date(y, mo, dd+1, 0, 0, 0, 0, cal.Location)
	}
	return from.Add(d) // no open hours within years: fall back to the wall clock
}

// BusinessOpen reports whether the desk is open at t.
func BusinessOpen(cal cases.Calendar, t time.Time) bool {
	if AlwaysOpen(cal) {
		return true
	}
	lt := t.In(cal.Location)
	if slices.Contains(cal.Holidays, lt.Format(time.DateOnly)) {
		return false
	}
	m := lt.Hour()*60 + lt.Minute()
	for _, iv := range openIntervals(cal, lt.Weekday()) {
		if m >= iv.start && m < iv.end {
			return true
		}
	}
	return false
}

// Clock is how a policy counts time for one case: the wall clock, or the
// business hours of the case's shop.
type Clock struct {
	Business bool
	Calendar cases.Calendar
}

// Add returns from plus d on the clock.
func (c Clock) Add(from time.Time, d time.Duration) time.Time {
	if !c.Business {
		return from.Add(d)
	}
	return BusinessAdd(c.Calendar, from, d)
}

// BusinessSub returns the instant d of open business time before to: the
// inverse of BusinessAdd, so that BusinessAdd(cal, BusinessSub(cal, t, d), d)
// is t when t falls in open hours. A calendar with no business hours counts
// every hour.
func BusinessSub(cal cases.Calendar, to time.Time, d time.Duration) time.Time {
	if AlwaysOpen(cal) {
		return to.Add(-d)
	}
	limit := to.In(cal.Location)
	y, mo, dd := limit.Date()
	left := d
	for day := 0; day < maxCalendarDays; day++ {
		date := time.Date(y, mo, dd-day, 0, 0, 0, 0, cal.Location)
		if !slices.Contains(cal.Holidays, date.Format(time.DateOnly)) {
			ivs := openIntervals(cal, date.Weekday())
			for i := len(ivs) - 1; i >= 0; i-- {
				start := atMinute(date.Year(), date.Month(), date.Day(), ivs[i].start, cal.Location)
				end := atMinute(date.Year(), date.Month(), date.Day(), ivs[i].end, cal.Location)
				if !start.Before(limit) {
					continue
				}
				if end.After(limit) {
					end = limit
				}
				if span := end.Sub(start); span >= left {
					return end.Add(-left)
				} else {
					left -= span
				}
			}
		}
	}
	return to.Add(-d) // no open hours within years: fall back to the wall clock
}

// Sub returns to less d on the clock.
func (c Clock) Sub(to time.Time, d time.Duration) time.Time {
	if !c.Business {
		return to.Add(-d)
	}
	return BusinessSub(c.Calendar, to, d)
}

// BusinessBetween returns the open business time from from to to: closed
// hours and holidays do not count. A calendar with no business hours
// counts every hour, like the wall clock.
func BusinessBetween(cal cases.Calendar, from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if AlwaysOpen(cal) {
		return to.Sub(from)
	}
	var total time.Duration
	cur := from.In(cal.Location)
	for cur.Before(to) {
		y, mo, dd := cur.Date()
		if !slices.Contains(cal.Holidays, cur.Format(time.DateOnly)) {
			for _, iv := range openIntervals(cal, cur.Weekday()) {
				start, end := atMinute(y, mo, dd, iv.start, cal.Location), atMinute(y, mo, dd, iv.end, cal.Location)
				if start.Before(from) {
					start = from
				}
				if end.After(to) {
					end = to
				}
				if end.After(start) {
					total += end.Sub(start)
				}
			}
		}
		cur = time.Date(y, mo, dd+1, 0, 0, 0, 0, cal.Location)
	}
	return total
}
