package workflows

import (
	"fmt"
	"slices"
	"time"

	"redress/cases"
)

// maxDeadline bounds a configured duration; nothing in after-sales work waits
// a year, and the bound keeps time arithmetic far from overflow.
const maxDeadline = 365 * 24 * time.Hour

// Deadlines gives every open state the time a case may spend in it. A case's
// due time is computed when it enters a state, from the most specific rule
// for its kind and severity.
type Deadlines struct {
	// Default holds the time allowed in each open state.
	Default map[cases.State]time.Duration
	// Overrides replace the default for some kinds and severities.
	Overrides []DeadlineOverride
	// BusinessHours counts the allowances in the business hours of the
	// case's shop: closed hours and holidays do not count. Platform
	// deadlines are the marketplace's and always run on the wall clock.
	BusinessHours bool
}

// DeadlineOverride sets the time allowed in State for cases of Kind and
// Severity; an empty Kind or Severity matches any. When several overrides
// match, kind and severity beats kind alone, which beats severity alone.
type DeadlineOverride struct {
	Kind     cases.Kind
	Severity cases.Severity
	State    cases.State
	Within   time.Duration
}

// DefaultDeadlines returns the SPEC's defaults: respond 30 minutes, listen 4
// hours, apologise 2 hours, remedy 24 hours, follow-up 48 hours.
func DefaultDeadlines() Deadlines {
	return Deadlines{Default: map[cases.State]time.Duration{
		cases.StateRespond:   30 * time.Minute,
		cases.StateListen:    4 * time.Hour,
		cases.StateApologise: 2 * time.Hour,
		cases.StateRemedy:    24 * time.Hour,
		cases.StateFollowUp:  48 * time.Hour,
	}}
}

// Within returns the time a case of kind and severity may spend in state, and
// false for a closed or unknown state. An open state missing from Default
// falls back to the SPEC's default so that a case never loses its deadline.
func (d Deadlines) Within(kind cases.Kind, severity cases.Severity, state cases.State) (time.Duration, bool) {
	if !state.Open() {
		return 0, false
	}
	best, bestRank := time.Duration(0), 0
	for _, o := range d.Overrides {
		if o.State != state || (o.Kind != "" && o.Kind != kind) || (o.Severity != "" && o.Severity != severity) {
			continue
		}
		if r := o.rank(); r > bestRank {
			best, bestRank = o.Within, r
		}
	}
	if bestRank > 0 {
		return best, true
	}
	if w, ok := d.Default[state]; ok {
		return w, true
	}
	return DefaultDeadlines().Default[state], true
}

// rank orders overrides by how specific they are; 1 is the least specific.
func (o DeadlineOverride) rank() int {
	switch {
	case o.Kind != "" && o.Severity != "":
		return 4
	case o.Kind != "":
		return 3
	case o.Severity != "":
		return 2
	}
	return 1 // an override for any kind and severity: a second default
}

// DueAt returns when a case of kind and severity that entered state at from
// is due, or nil when state is closed (closed cases have no deadline).
func (d Deadlines) DueAt(kind cases.Kind, severity cases.Severity, state cases.State, from time.Time) *time.Time {
	w, ok := d.Within(kind, severity, state)
	if !ok {
		return nil
	}
	due := from.Add(w)
	return &due
}

// DueOn is DueAt on the clock of the policy: the wall clock, or the
// business hours of cal when BusinessHours is set.
func (d Deadlines) DueOn(cal cases.Calendar, kind cases.Kind, severity cases.Severity, state cases.State, from time.Time) *time.Time {
	w, ok := d.Within(kind, severity, state)
	if !ok {
		return nil
	}
	due := Clock{Business: d.BusinessHours, Calendar: cal}.Add(from, w)
	return &due
}

// Validate reports the first problem with d: a missing or non-positive
// duration, an unknown state, kind or severity, or two overrides for the same
// kind, severity and state.
func (d Deadlines) Validate() error {
	for _, s := range openStates() {
		w, ok := d.Default[s]
		if !ok {
			return cases.FieldError("deadlines.default."+string(s), "the deadline for %s is missing", s)
		}
		if err := checkWithin("deadlines.default."+string(s), w); err != nil {
			return err
		}
	}
	for s := range d.Default {
		if !s.Open() {
			return cases.FieldError("deadlines.default", "%q is not an open state; only open states have deadlines", s)
		}
	}
	type key struct {
		k cases.Kind
		v cases.Severity
		s cases.State
	}
	seen := map[key]int{}
	for i, o := range d.Overrides {
		field := fmt.Sprintf("deadlines.overrides[%d]", i)
		switch {
		case !o.State.Open():
			return cases.FieldError(field+".state", "%q is not an open state; only open states have deadlines", o.State)
		case o.Kind != "" && !o.Kind.Valid():
			return cases.FieldError(field+".kind", "%q is not a case kind", o.Kind)
		case o.Severity != "" && !o.Severity.Valid():
			return cases.FieldError(field+".severity", "%q is not a severity", o.Severity)
		}
		if err := checkWithin(field+".within", o.Within); err != nil {
			return err
		}
		k := key{o.Kind, o.Severity, o.State}
		if j, dup := seen[k]; dup {
			return cases.FieldError(field, "repeats deadlines.overrides[%d] for the same kind, severity and state", j)
		}
		seen[k] = i
	}
	return nil
}

func checkWithin(field string, w time.Duration) error {
	if w <= 0 {
		return cases.FieldError(field, "the deadline must be positive, not %v", w)
	}
	if w > maxDeadline {
		return cases.FieldError(field, "the deadline %v is longer than %v", w, maxDeadline)
	}
	return nil
}

// Overdue reports whether c is open and now is past the due time of its
// current state.
func Overdue(c cases.Case, now time.Time) bool {
	return c.State.Open() && c.DueAt != nil && now.After(*c.DueAt)
}

// openStates returns the states that have deadlines, in protocol order.
func openStates() []cases.State {
	return slices.DeleteFunc(cases.States(), func(s cases.State) bool { return !s.Open() })
}

// Rebase returns the due time of next's current state when its kind or
// severity changed from cur's: the same entry time, the new allowance, on
// the policy's clock (cal is the case's shop calendar). The entry time is
// not stored; it is the old due time less the old allowance on that clock.
func (d Deadlines) Rebase(cal cases.Calendar, cur, next cases.Case) *time.Time {
	if cur.DueAt == nil || !next.State.Open() {
		return next.DueAt
	}
	old, ok := d.Within(cur.Kind, cur.Severity, cur.State)
	if !ok {
		return next.DueAt
	}
	clock := Clock{Business: d.BusinessHours, Calendar: cal}
	return d.DueOn(cal, next.Kind, next.Severity, next.State, clock.Sub(*cur.DueAt, old))
}
