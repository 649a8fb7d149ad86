package workflows

import (
	"fmt"
	"slices"
	"strings"

	"redress/cases"
)

// rule is one allowed move. The same table drives Transition's checks and
// NextMoves's answer, so the stepper never offers a move that is refused or
// hides one that is allowed.
type rule struct {
	move MoveKind
	from cases.State // "" means any open state
	to   cases.State
	// needs lists the stage-data fields the move requires (JSON names), in
	// the order they are checked; optional lists those it records if given.
	needs, optional []string
	// selector is a field whose presence picks this rule when several share
	// from and to (an early close from follow_up is told apart by close_reason).
	selector string
	// rootCause, when set, is the only root cause the move accepts.
	rootCause cases.RootCause
	// needsEvidence requires a chat excerpt or delivery signature on the case.
	needsEvidence bool
}

// rules returns the protocol's moves: forward steps in protocol order first,
// then the other moves of SPEC §2.
func rules() []rule {
	return []rule{
		{move: MoveForward, from: cases.StateRespond, to: cases.StateListen, needs: []string{"first_response"}},
		{move: MoveForward, from: cases.StateListen, to: cases.StateApologise, needs: []string{"account", "root_cause"}},
		{move: MoveForward, from: cases.StateApologise, to: cases.StateRemedy, needs: []string{"apology"}},
		{move: MoveForward, from: cases.StateRemedy, to: cases.StateFollowUp, needs: []string{"remedy"}},
		{move: MoveForward, from: cases.StateFollowUp, to: cases.StateClosed, needs: []string{"outcome"}},
		{move: MoveSkipApology, from: cases.StateListen, to: cases.StateRemedy,
			needs:     []string{"account", "root_cause", "skip_apology_reason"},
			rootCause: "suspected_abuse", needsEvidence: true},
		{move: MoveRework, from: cases.StateFollowUp, to: cases.StateRemedy, needs: []string{"reason"}},
		{move: MoveCloseEarly, to: cases.StateClosed, needs: []string{"close_reason"}, optional: []string{"note"},
			selector: "close_reason"},
		{move: MoveReopen, from: cases.StateClosed, to: cases.StateListen, needs: []string{"reopen_reason"}},
	}
}

func (r rule) leaves(s cases.State) bool {
	return r.from == s || (r.from == "" && s.Open())
}

// evidenceMissing is the refusal of a skip without evidence, shared by
// Transition and NextMoves.
const evidenceMissing = "skipping the apology needs a chat excerpt or delivery signature on the case"

// MoveSpec describes a move the case may make now, for the UI's stepper.
type MoveSpec struct {
	Move MoveKind    `json:"move"`
	To   cases.State `json:"to"`
	// Needs and Optional name the stage-data fields of the move (JSON names).
	Needs    []string `json:"needs"`
	Optional []string `json:"optional,omitempty"`
	// RootCause, when set, is the only root cause the move accepts.
	RootCause cases.RootCause `json:"root_cause,omitempty"`
	// Blocked, when set, says why the move exists but cannot be made yet.
	Blocked string `json:"blocked,omitempty"`
}

// NextMoves returns the moves the protocol offers from c's current state,
// forward first. A skip of the apology is listed even without evidence, with
// Blocked saying what is missing, so that the agent knows how to unlock it.
func NextMoves(c cases.Case, hasAbuseEvidence bool) []MoveSpec {
	var out []MoveSpec
	for _, r := range rules() {
		if !r.leaves(c.State) {
			continue
		}
		s := MoveSpec{Move: r.move, To: r.to, Needs: slices.Clone(r.needs),
			Optional: slices.Clone(r.optional), RootCause: r.rootCause}
		if r.needsEvidence && !hasAbuseEvidence {
			s.Blocked = evidenceMissing
		}
		out = append(out, s)
	}
	return out
}

// pick chooses the rule for moving c from its state to m.To, or explains in
// a refusal why there is none.
func pick(from cases.State, m Move) (rule, error) {
	var cands []rule
	for _, r := range rules() {
		if r.leaves(from) && r.to == m.To {
			cands = append(cands, r)
		}
	}
	for _, r := range cands {
		if m.Kind != "" && r.move == m.Kind {
			return r, nil
		}
	}
	for _, r := range cands {
		if r.selector != "" && given(m, r.selector) {
			return r, nil
		}
	}
	for _, r := range cands {
		if r.selector == "" {
			return r, nil
		}
	}
	if len(cands) > 0 {
		return cands[0], nil
	}
	options := describeMoves(from)
	switch {
	case m.To == "":
		return rule{}, cases.FieldError("to", "to is required; %s", options)
	case !m.To.Valid():
		return rule{}, cases.FieldError("to", "%q is not a state (one of %s); %s", m.To, joinValues(cases.States()), options)
	case m.To == from:
		return rule{}, cases.FieldError("to", "the case is already in %s; %s", from, options)
	}
	return rule{}, cases.FieldError("to", "a case cannot move from %s to %s; %s", from, m.To, options)
}

// given reports whether the stage-data field name is present in m.
func given(m Move, name string) bool {
	switch name {
	case "close_reason":
		return m.CloseReason != ""
	}
	return false
}

// describeMoves lists, in words, where a case in state from may go.
func describeMoves(from cases.State) string {
	var parts []string
	for _, r := range rules() {
		if !r.leaves(from) {
			continue
		}
		p := fmt.Sprintf("%s (needs %s)", r.to, joinAnd(r.needs))
		if r.move != MoveForward {
			p = fmt.Sprintf("%s (%s: needs %s)", r.to, r.move, joinAnd(r.needs))
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return fmt.Sprintf("no move leaves %s", from)
	}
	return fmt.Sprintf("from %s a case can move to %s", from, joinOr(parts))
}

func joinAnd(s []string) string { return joinLast(s, " and ") }
func joinOr(s []string) string  { return joinLast(s, " or ") }

func joinLast(s []string, last string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + last + s[len(s)-1]
}
