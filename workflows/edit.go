package workflows

import "redress/cases"

// Edit applies a patch of a case's own fields. A changed kind or severity
// of an open case moves the due time of its current state, as the policy's
// deadlines say, on the clock of the case's shop calendar cal. A patch that
// changes nothing returns no events.
func Edit(c cases.Case, p cases.CasePatch, pol Policy, cal cases.Calendar) (Result, error) {
	next, changes, err := p.Apply(c)
	if err != nil || len(changes) == 0 {
		return Result{Case: c}, err
	}
	if next.State.Open() && (next.Kind != c.Kind || next.Severity != c.Severity) {
		next.DueAt = pol.Deadlines.Rebase(cal, c, next)
		changes["due_at"] = map[string]any{"old": c.DueAt, "new": next.DueAt}
	}
	return Result{Case: next, Events: []cases.NewEvent{{Kind: cases.EventEdited, Payload: map[string]any{"changes": changes}}}}, nil
}

// Assign gives c to assignee (nil: the unassigned queue) for actor.
// Supervisors assign to anyone; agents only take unassigned cases for
// themselves or pass their own on. Assigning to the current assignee
// returns no events.
func Assign(c cases.Case, assignee *int64, actor cases.Actor) (Result, error) {
	if err := MayAssign(actor, c.AssigneeID, assignee); err != nil {
		return Result{}, err
	}
	if sameAssignee(c.AssigneeID, assignee) {
		return Result{Case: c}, nil
	}
	next := cloneCase(c)
	next.AssigneeID = assignee
	return Result{Case: next, Events: []cases.NewEvent{{Kind: cases.EventAssigned,
		Payload: map[string]any{"from": c.AssigneeID, "to": assignee}}}}, nil
}

func sameAssignee(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// MayAssign is the one rule of who may give a case to whom: supervisors
// anyone; an agent may take a case nobody holds for themselves (a new case
// included) and pass on one they hold, but not hand a case nobody holds to
// someone else.
func MayAssign(actor cases.Actor, current, to *int64) error {
	if actor.Role.Supervises() || to == nil || *to == actor.ID || current != nil {
		return nil
	}
	return &cases.Error{Code: cases.Forbidden, Field: "assignee_id",
		Message: "agents take unassigned cases for themselves; a supervisor assigns them to others"}
}
