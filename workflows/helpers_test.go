package workflows

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"redress/cases"
)

// t0 is the time moves happen in these tests; its nanoseconds check that no
// code truncates the clock it is given.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func facts() Facts { return Facts{Now: t0, ActorID: 7, HasAbuseEvidence: true} }

func money(t testing.TB, amount, cur string) cases.Money {
	t.Helper()
	m, err := cases.ParseMoney("test", amount, cur)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func moneyPtr(t testing.TB, amount, cur string) *cases.Money {
	m := money(t, amount, cur)
	return &m
}

func ptr[T any](v T) *T { return &v }

// caseIn returns a case of 100.00 CNY waiting in state, with the stage data
// the earlier states would have recorded.
func caseIn(t testing.TB, state cases.State) cases.Case {
	t.Helper()
	entered := t0.Add(-time.Hour)
	c := cases.Case{
		ID: 42, Ref: "C-000042", Platform: "taobao", Shop: "north", OrderRef: "T-1",
		OrderValue: moneyPtr(t, "100.00", "CNY"), Kind: "bad_review", Severity: "normal",
		State: state, Version: 3, CreatedAt: entered, UpdatedAt: entered,
	}
	c.DueAt = DefaultDeadlines().DueAt(c.Kind, c.Severity, state, entered)
	if state == cases.StateClosed {
		c.ClosedAt = ptr(entered)
		c.Outcome = &cases.Outcome{BuyerSatisfied: true, Review: "upgraded", Note: "happy"}
	}
	if state == cases.StateFollowUp || state == cases.StateClosed {
		c.Remedy = &cases.Remedy{Type: "partial_refund", Amount: money(t, "20.00", "CNY")}
	}
	return c
}

// stageData returns a move carrying valid stage data for every move except
// an early close.
func stageData(to cases.State) Move {
	return Move{
		To:                to,
		FirstResponse:     "  Thank you for telling us; we are looking into it now.  ",
		Account:           "The parcel arrived with a cracked lid.",
		RootCause:         "logistics",
		SkipApologyReason: "The buyer signed for the goods in good condition.",
		Apology:           "We are sorry the lid arrived cracked.",
		Remedy:            &RemedyInput{Type: "partial_refund", MoneyInput: cases.MoneyInput{Amount: "12.50", Currency: "CNY"}},
		Reason:            "The buyer wants a replacement instead.",
		Outcome:           &OutcomeInput{BuyerSatisfied: ptr(true), Review: "upgraded", Note: "Buyer raised the review to 4 stars."},
		Note:              "ignored unless closing early",
		ReopenReason:      "The buyer wrote again.",
	}
}

func closeEarly() Move {
	return Move{To: cases.StateClosed, CloseReason: "duplicate", Note: "same as C-000041"}
}

// wantRefusal fails unless err is an Invalid *cases.Error about field.
func wantRefusal(t *testing.T, err error, field string) *cases.Error {
	t.Helper()
	var e *cases.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an Invalid error about %q", err, field)
	}
	if e.Code != cases.Invalid || e.Field != field {
		t.Fatalf("got %s error about %q (%s), want Invalid about %q", e.Code, e.Field, e.Message, field)
	}
	if e.Message == "" {
		t.Fatalf("refusal about %q has no message", field)
	}
	return e
}

// dump renders c with every pointer followed, to compare a case before and
// after a call without trusting the code under test to copy it.
func dump(t testing.TB, c cases.Case) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
