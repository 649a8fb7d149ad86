package workflows

import (
	"errors"
	"fmt"
	"strings"

	"redress/cases"
)

// Decision is a supervisor's answer to a remedy that waits for approval.
type Decision struct {
	// Decline is true to decline; the zero value approves.
	Decline bool
	// Comment is required to decline: the agent reads it.
	Comment string
	// RemedyID, when set, is the remedy the supervisor saw; if the case's
	// remedy is another one by now, the decision is refused.
	RemedyID int64
}

// OpenRemedy returns the remedy on the table in a case's history: the
// newest that is proposed, pending or approved.
func OpenRemedy(h []cases.RemedyRecord) *cases.RemedyRecord {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Status.Open() {
			return &h[i]
		}
	}
	return nil
}

// ApproveRemedy records a supervisor's approval of the remedy proposed on
// c (see DecideRemedy).
func ApproveRemedy(c cases.Case, f Facts) (Result, error) {
	return DecideRemedy(c, Decision{}, f)
}

// DecideRemedy records a supervisor's approval or decline of the remedy
// proposed on c. Whether the actor supervises is the caller's concern;
// nobody decides on a remedy of a case assigned to them or that they
// proposed. Deciding twice is a Conflict: the second supervisor acted on a
// stale view, as is a decision on a remedy that changed since it was
// proposed. A decline clears the case's remedy: the agent proposes again.
func DecideRemedy(c cases.Case, d Decision, f Facts) (Result, error) {
	if err := checkFacts(f); err != nil {
		return Result{}, err
	}
	open := OpenRemedy(f.Remedies.History)
	comment := strings.TrimSpace(d.Comment)
	if err := cases.CheckText("comment", comment, MaxTextRunes, false); err != nil {
		return Result{}, err
	}
	switch {
	case f.ActorID <= 0:
		return Result{}, cases.Internalf(errors.New("facts.ActorID is not set"), "workflows: an approval needs the approver")
	case c.State != cases.StateRemedy:
		return Result{}, cases.FieldError("remedy", "there is no remedy to decide on: approval happens while the case is in %s, and it is in %s", cases.StateRemedy, c.State)
	case c.Remedy == nil:
		return Result{}, cases.FieldError("remedy", "there is no remedy to decide on: none has been proposed yet")
	case c.AssigneeID != nil && *c.AssigneeID == f.ActorID:
		return Result{}, cases.Errorf(cases.Forbidden, "case %s is assigned to you: another supervisor decides on its remedy", c.Ref)
	case open != nil && open.ProposedBy != nil && *open.ProposedBy == f.ActorID:
		return Result{}, cases.Errorf(cases.Forbidden, "you proposed the remedy %s: another supervisor decides on it", describeRemedy(*c.Remedy))
	case d.RemedyID != 0 && (open == nil || open.ID != d.RemedyID):
		return Result{}, &cases.Error{Code: cases.Conflict, Field: "remedy_id",
			Message: fmt.Sprintf("the remedy changed since it was proposed: remedy %d is no longer on the table; the case now has %s", d.RemedyID, describeRemedy(*c.Remedy))}
	case c.Remedy.ApprovedBy != nil:
		return Result{}, &cases.Error{Code: cases.Conflict, Field: "remedy",
			Message: fmt.Sprintf("the remedy %s is already approved", describeRemedy(*c.Remedy))}
	case d.Decline && comment == "":
		return Result{}, cases.FieldError("comment", "a decline needs a comment: tell the agent why, and what would be approved")
	}
	out := cloneCase(c)
	out.UpdatedAt = f.Now
	payload := map[string]any{"remedy": remedyPayload(*c.Remedy)}
	if open != nil {
		payload["remedy_id"] = open.ID
	}
	if comment != "" {
		payload["comment"] = comment
	}
	if d.Decline {
		out.Remedy = nil
		return Result{Case: out, Events: []cases.NewEvent{{Kind: cases.EventRemedyDeclined, Payload: payload}}}, nil
	}
	actor, at := f.ActorID, f.Now
	out.Remedy.ApprovedBy, out.Remedy.ApprovedAt = &actor, &at
	payload["remedy"] = remedyPayload(*out.Remedy)
	return Result{Case: out, Events: []cases.NewEvent{{Kind: cases.EventRemedyApproved, Payload: payload}}}, nil
}
