package workflows

import (
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
	note, err := cleanText("remedy.note", in.Note)
	if err != nil {
		return Result{}, err
	}
	needs, why := p.Remedy.RemedyNeedsApproval(c, rem.Amount, f.Remedies, f.Now)
	out := cloneCase(c)
	out.Remedy = &rem
	out.UpdatedAt = f.Now
	return Result{Case: out, Events: []cases.NewEvent{{
		Kind:    cases.EventRemedyProposed,
		Payload: map[string]any{"remedy": withNote(remedyPayload(rem), note), "needs_approval": needs, "limit": why},
	}}}, nil
}

// withNote adds the offer's note, when there is one, to a remedy's payload.
func withNote(p map[string]any, note string) map[string]any {
	if note != "" {
		p["note"] = note
	}
	return p
}
