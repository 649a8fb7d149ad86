package workflows

import (
	"time"

	"redress/cases"
)

// DefaultShiftLength is the shift a shop without shifts is taken to work:
// the view looks this far back for changes and this far ahead for what
// falls due.
const DefaultShiftLength = 8 * time.Hour

// ShiftWindows returns the shift running at now in the shop's calendar
// and the one after it. With no shifts configured, or when now falls in
// none, this shift is the DefaultShiftLength before now and the next the
// DefaultShiftLength after.
func ShiftWindows(shifts []cases.Shift, loc *time.Location, now time.Time) (name string, this, next cases.Window) {
	this = cases.Window{Start: now.Add(-DefaultShiftLength), End: now}
	next = cases.Window{Start: now, End: now.Add(DefaultShiftLength)}
	if loc == nil || len(shifts) == 0 {
		return "", this, next
	}
	found := false
	lt := now.In(loc)
	for _, sh := range shifts {
		for back := -1; back <= 0 && !found; back++ {
			w, ok := shiftOn(sh, loc, lt.Year(), lt.Month(), lt.Day()+back)
			if ok && !now.Before(w.Start) && now.Before(w.End) {
				name, this, found = sh.Name, w, true
			}
		}
	}
	if !found {
		return "", this, next
	}
	// The next shift is the one that starts soonest at or after this one's end.
	best := time.Time{}
	et := this.End.In(loc)
	for _, sh := range shifts {
		for fwd := -1; fwd <= 1; fwd++ {
			w, ok := shiftOn(sh, loc, et.Year(), et.Month(), et.Day()+fwd)
			if ok && !w.Start.Before(this.End) && (best.IsZero() || w.Start.Before(best)) {
				best, next = w.Start, w
			}
		}
	}
	if best.IsZero() {
		next = cases.Window{Start: this.End, End: this.End.Add(DefaultShiftLength)}
	}
	return name, this, next
}

// shiftOn returns the occurrence of sh that starts on the local day given.
func shiftOn(sh cases.Shift, loc *time.Location, y int, mo time.Month, d int) (cases.Window, bool) {
	s, ok1 := cases.ClockMinutes(sh.Start)
	e, ok2 := cases.ClockMinutes(sh.End)
	if !ok1 || !ok2 || s == e {
		return cases.Window{}, false
	}
	start := atMinute(y, mo, d, s, loc)
	endDay := d
	if e <= s {
		endDay++ // overnight
	}
	return cases.Window{Start: start, End: atMinute(y, mo, endDay, e, loc)}, true
}

// ShiftAt returns the name of the shift of the calendar that starts at
// start (the next shift of ShiftWindows), or "" when none does.
func ShiftAt(shifts []cases.Shift, loc *time.Location, start time.Time) string {
	if loc == nil {
		return ""
	}
	lt := start.In(loc)
	for _, sh := range shifts {
		if w, ok := shiftOn(sh, loc, lt.Year(), lt.Month(), lt.Day()); ok && w.Start.Equal(start) {
			return sh.Name
		}
	}
	return ""
}
