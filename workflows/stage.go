package workflows

import (
	"strings"

	"redress/cases"
)

// MaxTextRunes bounds every stage text; a reply to a buyer is never a book.
const MaxTextRunes = 4000

// step is one move being applied: the rule, the copy of the case it updates
// and the payload of the event it records.
type step struct {
	r       rule
	from    cases.State
	c       *cases.Case
	m       Move
	p       Policy
	f       Facts
	payload map[string]any
}

// need is the refusal for a required field that is missing.
func (s *step) need(field, what string) error {
	return cases.FieldError(field, "moving from %s to %s needs %s: %s", s.from, s.r.to, field, what)
}

// stage checks the stage-data field name of the move and records it on the
// case and in the event payload.
func (s *step) stage(name string) error {
	c, m := s.c, s.m
	switch name {
	case "first_response":
		return s.text(name, m.FirstResponse, "the first reply as sent to the buyer", &c.FirstResponse)
	case "account":
		return s.text(name, m.Account, "a summary of the buyer's account", &c.Account)
	case "skip_apology_reason":
		return s.text(name, m.SkipApologyReason, "why no apology is due", &c.SkipReason)
	case "apology":
		return s.text(name, m.Apology, "the apology as sent to the buyer", &c.Apology)
	case "reason":
		return s.text(name, m.Reason, "why the buyer needs another remedy", nil)
	case "reopen_reason":
		return s.text(name, m.ReopenReason, "why the case is reopened", nil)
	case "note":
		note, err := cleanText(name, m.Note)
		if err == nil && note != "" {
			s.payload[name] = note
		}
		return err
	case "root_cause":
		return s.rootCause()
	case "remedy":
		return s.remedy()
	case "outcome":
		return s.outcome()
	case "close_reason":
		what := "one of " + joinValues(cases.CloseReasons())
		if m.CloseReason == "" {
			return s.need(name, what)
		}
		if !m.CloseReason.Valid() {
			return cases.FieldError(name, "%q is not a close reason; use %s", m.CloseReason, what)
		}
		c.CloseReason = m.CloseReason
		s.payload[name] = string(m.CloseReason)
		return nil
	}
	return cases.Internalf(nil, "workflows: no check for stage field %q", name)
}

// text checks a required stage text and stores it, trimmed, in dst (when not
// nil) and in the payload.
func (s *step) text(name, v, what string, dst *string) error {
	t, err := cleanText(name, v)
	if err != nil {
		return err
	}
	if t == "" {
		return s.need(name, what)
	}
	if dst != nil {
		*dst = t
	}
	s.payload[name] = t
	return nil
}

// cleanText trims v and refuses what the case's own fields refuse (the one
// rule of cases.CheckText): invalid UTF-8, control characters but newline
// and tab (NUL among them, which jsonb refuses), and overlong text.
func cleanText(field, v string) (string, error) {
	t := strings.TrimSpace(v)
	return t, cases.CheckText(field, t, MaxTextRunes, false)
}

func (s *step) rootCause() error {
	rc, r := s.m.RootCause, s.r
	what := "one of " + joinValues(cases.RootCauses())
	switch {
	case rc == "":
		return s.need("root_cause", what)
	case !rc.Valid():
		return cases.FieldError("root_cause", "%q is not a root cause; use %s", rc, what)
	case r.rootCause != "" && rc != r.rootCause:
		return cases.FieldError("root_cause", "moving from %s to %s (%s) is only for root_cause %s, not %s; move to %s instead",
			s.from, r.to, r.move, r.rootCause, rc, cases.StateApologise)
	}
	s.c.RootCause = rc
	if rc == "suspected_abuse" {
		s.c.SuspectedAbuse = true
	}
	s.payload["root_cause"] = string(rc)
	return nil
}

func (s *step) outcome() error {
	if r := s.c.Remedy; r != nil && r.Type == "return_refund" && (s.c.Return == nil || s.c.Return.ReceivedAt == nil) {
		return s.need("return", "the returned goods received first (a return_refund waits on the return: record it with its date)")
	}
	o := s.m.Outcome
	if o == nil {
		return s.need("outcome", "buyer_satisfied (true or false), review (one of "+
			joinValues(cases.ReviewOutcomes())+") and a note")
	}
	if o.BuyerSatisfied == nil {
		return s.need("outcome.buyer_satisfied", "true or false: did the buyer confirm satisfaction")
	}
	if o.Review == "" {
		return s.need("outcome.review", "what happened to the review, one of "+joinValues(cases.ReviewOutcomes()))
	}
	if !o.Review.Valid() {
		return cases.FieldError("outcome.review", "%q is not a review outcome; use one of %s", o.Review, joinValues(cases.ReviewOutcomes()))
	}
	note, err := cleanText("outcome.note", o.Note)
	if err != nil {
		return err
	}
	if note == "" {
		return s.need("outcome.note", "how the case was resolved")
	}
	s.c.Outcome = &cases.Outcome{BuyerSatisfied: *o.BuyerSatisfied, Review: o.Review, Note: note}
	s.payload["outcome"] = map[string]any{
		"buyer_satisfied": *o.BuyerSatisfied,
		"review":          string(o.Review),
		"note":            note,
	}
	return nil
}

// remedy checks the remedy a case leaves remedy with against the guard: a
// remedy that needs approval passes only when an approved remedy of the same
// type and currency, for at least as much, is on the case. Without a
// remedy in the move, the one proposed on the case (approved, when it
// needed approval) is applied as it stands: nobody retypes it.
func (s *step) remedy() error {
	in := s.m.Remedy
	if in == nil && s.c.Remedy != nil {
		in = &RemedyInput{Type: s.c.Remedy.Type, MoneyInput: cases.MoneyInput{
			Amount: s.c.Remedy.Amount.Amount(), Currency: s.c.Remedy.Amount.Currency}}
	}
	if in == nil {
		return s.need("remedy", `{"type","amount","currency"} with type one of `+joinValues(cases.RemedyTypes()))
	}
	rem, err := parseRemedy(*in)
	if err != nil {
		return err
	}
	needs, why := s.p.Remedy.RemedyNeedsApproval(*s.c, rem.Amount, s.f.Remedies, s.f.Now)
	approved := s.c.Remedy
	if covers(approved, rem) {
		rem.ApprovedBy, rem.ApprovedAt = clonePtr(approved.ApprovedBy), clonePtr(approved.ApprovedAt)
	} else if needs {
		msg := "this remedy needs a supervisor's approval before the case may leave remedy: " + why +
			"; propose it and have a supervisor approve it"
		if approved != nil && approved.ApprovedBy != nil {
			msg = "this remedy needs a supervisor's approval before the case may leave remedy: " + why +
				"; the approved remedy is " + describeRemedy(*approved) + ", which does not cover " +
				describeRemedy(rem) + ", so propose it and have it approved"
		}
		return &cases.Error{Code: cases.Invalid, Field: "remedy", Message: msg,
			Extra: map[string]any{"needs_approval": true, "limit": why}}
	}
	note, err := cleanText("remedy.note", in.Note)
	if err != nil {
		return err
	}
	s.c.Remedy = &rem
	s.payload["remedy"] = withNote(remedyPayload(rem), note)
	s.payload["needs_approval"] = needs
	return nil
}

func joinValues[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
