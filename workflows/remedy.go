package workflows

import (
	"errors"
	"fmt"
	"time"

	"redress/cases"
)

// parseRemedy validates a remedy as a client sent it. A refund must cost
// something and an explanation must cost nothing; the other types (reship,
// replace, coupon, gift) may be free to the shop, so 0 is allowed for them.
func parseRemedy(in RemedyInput) (cases.Remedy, error) {
	types := joinValues(cases.RemedyTypes())
	switch {
	case in.Type == "":
		return cases.Remedy{}, cases.FieldError("remedy.type", "the remedy needs a type: one of %s", types)
	case !in.Type.Valid():
		return cases.Remedy{}, cases.FieldError("remedy.type", "%q is not a remedy type; use one of %s", in.Type, types)
	}
	amount, err := in.Parse("remedy")
	if err != nil {
		return cases.Remedy{}, err
	}
	switch {
	case (in.Type == "refund" || in.Type == "partial_refund" || in.Type == "return_refund") && amount.Minor == 0:
		return cases.Remedy{}, cases.FieldError("remedy.amount", "a %s needs an amount above 0", in.Type)
	case in.Type == "explanation" && amount.Minor != 0:
		return cases.Remedy{}, cases.FieldError("remedy.amount", "an explanation costs nothing: its amount must be 0, not %s", amount.Amount())
	}
	return cases.Remedy{Type: in.Type, Amount: amount}, nil
}

// covers reports whether approved is an approved remedy that allows want:
// same type and currency, and at least as much.
func covers(approved *cases.Remedy, want cases.Remedy) bool {
	return approved != nil && approved.ApprovedBy != nil && approved.ApprovedAt != nil &&
		approved.Type == want.Type && approved.Amount.Currency == want.Amount.Currency &&
		approved.Amount.Minor >= want.Amount.Minor
}

func describeRemedy(r cases.Remedy) string {
	return fmt.Sprintf("%s of %s", r.Type, r.Amount)
}

// remedyPayload is a remedy as events record it: flat, like the request body,
// with the approval when there is one.
func remedyPayload(r cases.Remedy) map[string]any {
	p := map[string]any{
		"type":     string(r.Type),
		"amount":   r.Amount.Amount(),
		"currency": r.Amount.Currency,
	}
	if r.ApprovedBy != nil {
		p["approved_by"] = *r.ApprovedBy
	}
	if r.ApprovedAt != nil {
		p["approved_at"] = r.ApprovedAt.UTC().Format(time.RFC3339Nano)
	}
	return p
}

// ProposeRemedy records the remedy an agent proposes while the case is in
// remedy, replacing any earlier proposal and its approval, and tells in the
// event whether it will need a supervisor's approval.
func ProposeRemedy(c cases.Case, in RemedyInput, f Facts, p Policy) (Result, error) {
	if err := checkFacts(f); err != nil {
		return Result{}, err
	}
	if c.State != cases.StateRemedy {
		return Result{}, cases.FieldError("remedy", "a remedy can be proposed only while the case is in %s; it is in %s", cases.StateRemedy, c.State)
	}
	rem, err := parseRemedy(in)
	if err != nil {
		return Result{}, err
	}
	needs, why := p.Remedy.NeedsApproval(c.OrderValue, rem.Amount)
	out := cloneCase(c)
	out.Remedy = &rem
	out.UpdatedAt = f.Now
	return Result{Case: out, Events: []cases.NewEvent{{
		Kind:    cases.EventRemedyProposed,
		Payload: map[string]any{"remedy": remedyPayload(rem), "needs_approval": needs, "limit": why},
	}}}, nil
}

// ApproveRemedy records a supervisor's approval of the remedy proposed on c.
// Whether the actor may approve is the caller's concern. Approving twice is a
// Conflict: the second supervisor acted on a stale view.
func ApproveRemedy(c cases.Case, f Facts) (Result, error) {
	if err := checkFacts(f); err != nil {
		return Result{}, err
	}
	switch {
	case f.ActorID <= 0:
		return Result{}, cases.Internalf(errors.New("facts.ActorID is not set"), "workflows: an approval needs the approver")
	case c.State != cases.StateRemedy:
		return Result{}, cases.FieldError("remedy", "there is no remedy to approve: approval happens while the case is in %s, and it is in %s", cases.StateRemedy, c.State)
	case c.Remedy == nil:
		return Result{}, cases.FieldError("remedy", "there is no remedy to approve: none has been proposed yet")
	case c.Remedy.ApprovedBy != nil:
		return Result{}, &cases.Error{Code: cases.Conflict, Field: "remedy",
			Message: fmt.Sprintf("the remedy %s is already approved", describeRemedy(*c.Remedy))}
	}
	out := cloneCase(c)
	actor, at := f.ActorID, f.Now
	out.Remedy.ApprovedBy, out.Remedy.ApprovedAt = &actor, &at
	out.UpdatedAt = f.Now
	return Result{Case: out, Events: []cases.NewEvent{{
		Kind:    cases.EventRemedyApproved,
		Payload: map[string]any{"remedy": remedyPayload(*out.Remedy)},
	}}}, nil
}
