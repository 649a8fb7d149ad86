package workflows

import (
	"time"

	"redress/cases"
)

// MoveKind names the kinds of move the protocol allows; it is recorded as
// "move" in the transitioned event.
type MoveKind string

// The moves of the protocol (SPEC §2).
const (
	MoveForward     MoveKind = "forward"      // one step along respond → … → closed
	MoveSkipApology MoveKind = "skip_apology" // listen → remedy, for suspected abuse with evidence
	MoveRework      MoveKind = "rework"       // follow_up → remedy, for a second remedy
	MoveCloseEarly  MoveKind = "close_early"  // any open state → closed, with a reason
	MoveReopen      MoveKind = "reopen"       // closed → listen
)

// Move is a transition request as the API receives it: the target state and
// the stage data of the move (SPEC §11). Fields a move does not use are
// ignored.
type Move struct {
	// Kind is the move a person chose by name (the case page's forms do);
	// the protocol then holds the request to that move's stage data rather
	// than inferring the move from To. The API infers it.
	Kind              MoveKind          `json:"-"`
	To                cases.State       `json:"to"`
	FirstResponse     string            `json:"first_response,omitempty"`
	Account           string            `json:"account,omitempty"`
	RootCause         cases.RootCause   `json:"root_cause,omitempty"`
	SkipApologyReason string            `json:"skip_apology_reason,omitempty"`
	Apology           string            `json:"apology,omitempty"`
	Remedy            *RemedyInput      `json:"remedy,omitempty"`
	Reason            string            `json:"reason,omitempty"` // why follow_up goes back to remedy
	Outcome           *OutcomeInput     `json:"outcome,omitempty"`
	CloseReason       cases.CloseReason `json:"close_reason,omitempty"`
	Note              string            `json:"note,omitempty"` // optional note of an early close
	ReopenReason      string            `json:"reopen_reason,omitempty"`
	// ReplyID names the library reply the move's buyer text was written
	// from, so that the use is counted (payload "reply_used").
	ReplyID *int64 `json:"reply_id,omitempty"`
}

// RemedyInput is a remedy as a client sends it. The money is embedded so that
// amount and currency sit beside type, as in
// {"type":"refund","amount":"12.50","currency":"CNY"}.
type RemedyInput struct {
	Type cases.RemedyType `json:"type"`
	cases.MoneyInput
	// Note is the remedy offer as sent to the buyer; optional.
	Note string `json:"note,omitempty"`
	// ReplyID names the library reply the note was written from.
	ReplyID *int64 `json:"reply_id,omitempty"`
}

// OutcomeInput is an outcome as a client sends it. BuyerSatisfied is a
// pointer so that a client that forgets it is told, rather than recorded as
// an unsatisfied buyer.
type OutcomeInput struct {
	BuyerSatisfied *bool               `json:"buyer_satisfied"`
	Review         cases.ReviewOutcome `json:"review"`
	Note           string              `json:"note"`
}

// Facts is what a move needs to know beyond the case itself.
type Facts struct {
	Now     time.Time
	ActorID int64
	// HasAbuseEvidence reports that the case holds at least one chat excerpt
	// or delivery signature that is not voided; the store supplies it.
	HasAbuseEvidence bool
	// Remedies are the case's remedy history, the buyer's other remedies
	// and the shop's limits, for the cumulative remedy guard; the zero
	// value is a case without history under the code's default limits.
	Remedies cases.RemedyFacts
	// Calendar is the business calendar of the case's shop, for a policy
	// that counts in business hours.
	Calendar cases.Calendar
}

// Result is the outcome of a successful move: the updated copy of the case
// and the events to append to its ledger, in order.
type Result struct {
	Case   cases.Case
	Events []cases.NewEvent
}
