package workflows

import (
	"errors"
	"slices"
	"time"

	"redress/cases"
)

// Transition applies move m to c and returns the updated copy of the case —
// new state, due time from f.Now, stage data — and the transitioned event to
// record. A refused move returns a *cases.Error (Invalid, naming the field at
// fault) and no result; c itself is never changed. The store keeps Version.
func Transition(c cases.Case, m Move, f Facts, p Policy) (Result, error) {
	if err := checkFacts(f); err != nil {
		return Result{}, err
	}
	if !c.State.Valid() {
		return Result{}, cases.Internalf(nil, "workflows: case %d is in unknown state %q", c.ID, c.State)
	}
	r, err := pick(c.State, m)
	if err != nil {
		return Result{}, err
	}
	out := cloneCase(c)
	s := &step{r: r, from: c.State, c: &out, m: m, p: p, f: f, payload: map[string]any{
		"from":        string(c.State),
		"to":          string(r.to),
		"move":        string(r.move),
		"was_overdue": Overdue(c, f.Now),
	}}
	if r.rootCause != "" && m.RootCause != "" && m.RootCause != r.rootCause {
		// Say first that the move is the wrong one, before asking for its data.
		if err := s.rootCause(); err != nil {
			return Result{}, err
		}
	}
	if r.needsEvidence && !f.HasAbuseEvidence {
		return Result{}, cases.FieldError("evidence", evidenceMissing)
	}
	for _, name := range slices.Concat(r.needs, r.optional) {
		if err := s.stage(name); err != nil {
			return Result{}, err
		}
	}
	enter(&out, r, f, p)
	if out.DueAt != nil {
		s.payload["due_at"] = out.DueAt.UTC().Format(time.RFC3339Nano)
	}
	if r.move == MoveRework && c.Remedy != nil {
		// The first remedy stays in the record; the case makes room for the next.
		s.payload["previous_remedy"] = remedyPayload(*c.Remedy)
	}
	return Result{Case: out, Events: []cases.NewEvent{{Kind: cases.EventTransitioned, Payload: s.payload}}}, nil
}

// enter puts c into the rule's target state at now: due time, close and
// reopen bookkeeping.
func enter(c *cases.Case, r rule, f Facts, p Policy) {
	c.State = r.to
	c.DueAt = p.Deadlines.DueOn(f.Calendar, c.Kind, c.Severity, r.to, f.Now)
	switch r.move {
	case MoveRework:
		c.Remedy, c.Outcome = nil, nil
	case MoveReopen:
		// A reopened case starts its remedy afresh: an approval given before
		// the reopen must not let a new remedy through.
		c.ReopenCount++
		c.ClosedAt, c.Outcome, c.CloseReason, c.Remedy = nil, nil, "", nil
	}
	if r.to == cases.StateClosed {
		at := f.Now
		c.ClosedAt = &at
	}
	c.UpdatedAt = f.Now
	c.Overdue = Overdue(*c, f.Now)
}

// checkFacts refuses facts a caller forgot to fill: a bug, not bad input.
func checkFacts(f Facts) error {
	if f.Now.IsZero() {
		return cases.Internalf(errors.New("facts.Now is zero"), "workflows: the time of the move is missing")
	}
	return nil
}
