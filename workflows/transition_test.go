package workflows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"redress/cases"
)

// protocol is SPEC §2 written out by hand, independently of rules(): the
// move each (from, to) pair makes when given its stage data.
var protocol = map[[2]cases.State]MoveKind{
	{cases.StateRespond, cases.StateListen}:   MoveForward,
	{cases.StateListen, cases.StateApologise}: MoveForward,
	{cases.StateListen, cases.StateRemedy}:    MoveSkipApology,
	{cases.StateApologise, cases.StateRemedy}: MoveForward,
	{cases.StateRemedy, cases.StateFollowUp}:  MoveForward,
	{cases.StateFollowUp, cases.StateRemedy}:  MoveRework,
	{cases.StateFollowUp, cases.StateClosed}:  MoveForward,
	{cases.StateClosed, cases.StateListen}:    MoveReopen,
	{cases.StateRespond, cases.StateClosed}:   MoveCloseEarly,
	{cases.StateListen, cases.StateClosed}:    MoveCloseEarly,
	{cases.StateApologise, cases.StateClosed}: MoveCloseEarly,
	{cases.StateRemedy, cases.StateClosed}:    MoveCloseEarly,
}

// firstNeed is the field a move refuses first when it gets no stage data of
// its own (only an early close's).
var firstNeed = map[[2]cases.State]string{
	{cases.StateRespond, cases.StateListen}:   "first_response",
	{cases.StateListen, cases.StateApologise}: "account",
	{cases.StateListen, cases.StateRemedy}:    "account",
	{cases.StateApologise, cases.StateRemedy}: "apology",
	{cases.StateRemedy, cases.StateFollowUp}:  "remedy",
	{cases.StateFollowUp, cases.StateRemedy}:  "reason",
	{cases.StateClosed, cases.StateListen}:    "reopen_reason",
}

// defaultDue is the SPEC's default time allowed in each open state.
var defaultDue = map[cases.State]time.Duration{
	cases.StateRespond:   30 * time.Minute,
	cases.StateListen:    4 * time.Hour,
	cases.StateApologise: 2 * time.Hour,
	cases.StateRemedy:    24 * time.Hour,
	cases.StateFollowUp:  48 * time.Hour,
}

// validMove returns a move from one state to another with valid stage data
// for whichever move that is.
func validMove(from, to cases.State) Move {
	m := stageData(to)
	if from == cases.StateListen && to == cases.StateRemedy {
		m.RootCause = "suspected_abuse"
	}
	return m
}

func TestTransitionEveryStateToEveryTarget(t *testing.T) {
	targets := append(cases.States(), "", "escalated")
	for _, from := range cases.States() {
		for _, to := range targets {
			for _, variant := range []string{"WithStageData", "WithCloseReason"} {
				name := fmt.Sprintf("%s_to_%s/%s", from, cmp(string(to), "nothing"), variant)
				t.Run(name, func(t *testing.T) {
					c := caseIn(t, from)
					before := dump(t, c)
					m := validMove(from, to)
					if variant == "WithCloseReason" {
						m = closeEarly()
						m.To = to
					}
					pair := [2]cases.State{from, to}
					kind, allowed := protocol[pair]
					var wantMove MoveKind
					wantField := "to"
					switch {
					case variant == "WithStageData" && allowed && kind != MoveCloseEarly:
						wantMove = kind
					case variant == "WithStageData" && allowed:
						wantField = "close_reason"
					case variant == "WithCloseReason" && to == cases.StateClosed && from.Open():
						wantMove = MoveCloseEarly
					case allowed:
						wantField = firstNeed[pair]
					}

					res, err := Transition(c, m, facts(), DefaultPolicy())
					if dump(t, c) != before {
						t.Fatal("the input case changed")
					}
					if wantMove == "" {
						wantRefusal(t, err, wantField)
						return
					}
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					checkEntered(t, c, res, to, wantMove)
				})
			}
		}
	}
}

func cmp(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// checkEntered asserts what entering to by move does to a case.
func checkEntered(t *testing.T, c cases.Case, res Result, to cases.State, move MoveKind) {
	t.Helper()
	got := res.Case
	if got.State != to {
		t.Errorf("state %s, want %s", got.State, to)
	}
	if to == cases.StateClosed {
		if got.DueAt != nil {
			t.Errorf("closed case has due time %v", got.DueAt)
		}
		if got.ClosedAt == nil || !got.ClosedAt.Equal(t0) {
			t.Errorf("closed_at %v, want %v", got.ClosedAt, t0)
		}
	} else {
		if want := t0.Add(defaultDue[to]); got.DueAt == nil || !got.DueAt.Equal(want) {
			t.Errorf("due_at %v, want %v", got.DueAt, want)
		}
		if got.ClosedAt != nil {
			t.Errorf("open case has closed_at %v", got.ClosedAt)
		}
	}
	if !got.UpdatedAt.Equal(t0) || got.Version != c.Version || got.Overdue {
		t.Errorf("updated_at %v, version %d, overdue %v; want %v, %d, false", got.UpdatedAt, got.Version, got.Overdue, t0, c.Version)
	}
	if len(res.Events) != 1 || res.Events[0].Kind != cases.EventTransitioned {
		t.Fatalf("events %+v, want one transitioned", res.Events)
	}
	p := res.Events[0].Payload
	if p["from"] != string(c.State) || p["to"] != string(to) || p["move"] != string(move) {
		t.Errorf("payload from/to/move = %v/%v/%v, want %s/%s/%s", p["from"], p["to"], p["move"], c.State, to, move)
	}
	switch move {
	case MoveReopen:
		if got.ReopenCount != c.ReopenCount+1 || got.CloseReason != "" || got.Outcome != nil || got.Remedy != nil {
			t.Errorf("reopened: count %d, close reason %q, outcome %v, remedy %v", got.ReopenCount, got.CloseReason, got.Outcome, got.Remedy)
		}
	case MoveCloseEarly:
		if got.CloseReason != "duplicate" || p["close_reason"] != "duplicate" || p["note"] != "same as C-000041" {
			t.Errorf("closed early: reason %q, payload %v", got.CloseReason, p)
		}
	default:
		if got.ReopenCount != c.ReopenCount {
			t.Errorf("reopen count changed to %d", got.ReopenCount)
		}
	}
}

func TestTransitionStageData(t *testing.T) {
	t.Run("RecordsTrimmedFirstResponse", func(t *testing.T) {
		res, err := Transition(caseIn(t, cases.StateRespond), validMove(cases.StateRespond, cases.StateListen), facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		want := "Thank you for telling us; we are looking into it now."
		if res.Case.FirstResponse != want || res.Events[0].Payload["first_response"] != want {
			t.Errorf("first response %q, payload %v", res.Case.FirstResponse, res.Events[0].Payload)
		}
	})
	t.Run("RecordsAccountAndRootCause", func(t *testing.T) {
		res, err := Transition(caseIn(t, cases.StateListen), validMove(cases.StateListen, cases.StateApologise), facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if res.Case.Account == "" || res.Case.RootCause != "logistics" || res.Case.SuspectedAbuse {
			t.Errorf("account %q, root cause %q, abuse %v", res.Case.Account, res.Case.RootCause, res.Case.SuspectedAbuse)
		}
	})
	t.Run("FlagsAbuseWhenApologisingToSuspect", func(t *testing.T) {
		m := validMove(cases.StateListen, cases.StateApologise)
		m.RootCause = "suspected_abuse"
		res, err := Transition(caseIn(t, cases.StateListen), m, facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if !res.Case.SuspectedAbuse {
			t.Error("suspected_abuse root cause did not flag the case")
		}
	})
	t.Run("SkipsApologyForAbuseWithEvidence", func(t *testing.T) {
		res, err := Transition(caseIn(t, cases.StateListen), validMove(cases.StateListen, cases.StateRemedy), facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if !res.Case.SuspectedAbuse || res.Case.SkipReason == "" || res.Case.Apology != "" {
			t.Errorf("abuse %v, skip reason %q, apology %q", res.Case.SuspectedAbuse, res.Case.SkipReason, res.Case.Apology)
		}
		if res.Events[0].Payload["skip_apology_reason"] != res.Case.SkipReason {
			t.Errorf("payload %v lacks the skip reason", res.Events[0].Payload)
		}
	})
	t.Run("RecordsRemedyWhenLeavingRemedy", func(t *testing.T) {
		res, err := Transition(caseIn(t, cases.StateRemedy), validMove(cases.StateRemedy, cases.StateFollowUp), facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		r := res.Case.Remedy
		if r == nil || r.Type != "partial_refund" || r.Amount != money(t, "12.50", "CNY") || r.ApprovedBy != nil {
			t.Fatalf("remedy %+v", r)
		}
		want := map[string]any{"type": "partial_refund", "amount": "12.50", "currency": "CNY"}
		if fmt.Sprint(res.Events[0].Payload["remedy"]) != fmt.Sprint(want) || res.Events[0].Payload["needs_approval"] != false {
			t.Errorf("payload %v", res.Events[0].Payload)
		}
	})
	t.Run("RecordsOutcomeWhenClosing", func(t *testing.T) {
		res, err := Transition(caseIn(t, cases.StateFollowUp), validMove(cases.StateFollowUp, cases.StateClosed), facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		o := res.Case.Outcome
		if o == nil || !o.BuyerSatisfied || o.Review != "upgraded" || o.Note == "" || res.Case.CloseReason != "" {
			t.Errorf("outcome %+v, close reason %q", o, res.Case.CloseReason)
		}
	})
	t.Run("ClosesEarlyFromFollowUpWhenCloseReasonGiven", func(t *testing.T) {
		res, err := Transition(caseIn(t, cases.StateFollowUp), closeEarly(), facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if res.Events[0].Payload["move"] != string(MoveCloseEarly) || res.Case.Outcome != nil {
			t.Errorf("payload %v, outcome %v", res.Events[0].Payload, res.Case.Outcome)
		}
	})
	t.Run("ReworkClearsRemedyAndKeepsItInTheEvent", func(t *testing.T) {
		c := caseIn(t, cases.StateFollowUp)
		res, err := Transition(c, validMove(cases.StateFollowUp, cases.StateRemedy), facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if res.Case.Remedy != nil || res.Case.Outcome != nil {
			t.Errorf("remedy %v, outcome %v after rework", res.Case.Remedy, res.Case.Outcome)
		}
		p := res.Events[0].Payload
		if p["reason"] != "The buyer wants a replacement instead." || fmt.Sprint(p["previous_remedy"]) != fmt.Sprint(remedyPayload(*c.Remedy)) {
			t.Errorf("payload %v", p)
		}
	})
	t.Run("ReopenCountsUp", func(t *testing.T) {
		c := caseIn(t, cases.StateClosed)
		c.ReopenCount = 2
		c.CloseReason = "withdrawn_by_buyer"
		res, err := Transition(c, validMove(cases.StateClosed, cases.StateListen), facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if res.Case.ReopenCount != 3 || res.Events[0].Payload["reopen_reason"] != "The buyer wrote again." {
			t.Errorf("reopen count %d, payload %v", res.Case.ReopenCount, res.Events[0].Payload)
		}
	})
	t.Run("RecordsThatTheStateWasLeftLate", func(t *testing.T) {
		c := caseIn(t, cases.StateRespond)
		c.DueAt = ptr(t0.Add(-time.Minute))
		res, err := Transition(c, validMove(cases.StateRespond, cases.StateListen), facts(), DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if res.Events[0].Payload["was_overdue"] != true {
			t.Errorf("payload %v does not say the respond deadline was missed", res.Events[0].Payload)
		}
	})
}

func TestTransitionRefusals(t *testing.T) {
	long := strings.Repeat("é", MaxTextRunes+1)
	tests := []struct {
		name  string
		from  cases.State
		to    cases.State
		edit  func(*Move, *Facts)
		field string
		says  string
	}{
		{"RefusesRespondWithoutFirstResponse", cases.StateRespond, cases.StateListen,
			func(m *Move, _ *Facts) { m.FirstResponse = " \n\t " }, "first_response", "moving from respond to listen needs first_response"},
		{"RefusesOverlongFirstResponse", cases.StateRespond, cases.StateListen,
			func(m *Move, _ *Facts) { m.FirstResponse = long }, "first_response", "the limit is 4000"},
		{"RefusesNULInText", cases.StateRespond, cases.StateListen,
			func(m *Move, _ *Facts) { m.FirstResponse = "hi\x00" }, "first_response", "control character"},
		{"RefusesControlCharacterInText", cases.StateListen, cases.StateApologise,
			func(m *Move, _ *Facts) { m.Account = "the cup\x07 broke" }, "account", "control character"},
		{"RefusesInvalidUTF8", cases.StateRespond, cases.StateListen,
			func(m *Move, _ *Facts) { m.FirstResponse = "hi\xff" }, "first_response", "UTF-8"},
		{"RefusesListenWithoutAccount", cases.StateListen, cases.StateApologise,
			func(m *Move, _ *Facts) { m.Account = "" }, "account", "summary"},
		{"RefusesListenWithoutRootCause", cases.StateListen, cases.StateApologise,
			func(m *Move, _ *Facts) { m.RootCause = "" }, "root_cause", "one of product, logistics, service, buyer_misunderstanding, suspected_abuse"},
		{"RefusesUnknownRootCause", cases.StateListen, cases.StateApologise,
			func(m *Move, _ *Facts) { m.RootCause = "weather" }, "root_cause", `"weather" is not a root cause`},
		{"RefusesSkipForOrdinaryRootCause", cases.StateListen, cases.StateRemedy,
			func(m *Move, _ *Facts) { m.RootCause = "product" }, "root_cause", "only for root_cause suspected_abuse"},
		{"RefusesSkipWithoutEvidence", cases.StateListen, cases.StateRemedy,
			func(_ *Move, f *Facts) { f.HasAbuseEvidence = false }, "evidence", "chat excerpt or delivery signature"},
		{"RefusesSkipWithoutReason", cases.StateListen, cases.StateRemedy,
			func(m *Move, _ *Facts) { m.SkipApologyReason = "  " }, "skip_apology_reason", "needs skip_apology_reason"},
		{"RefusesSkipWithoutAccount", cases.StateListen, cases.StateRemedy,
			func(m *Move, _ *Facts) { m.Account = "" }, "account", "needs account"},
		{"RefusesApologiseWithoutApology", cases.StateApologise, cases.StateRemedy,
			func(m *Move, _ *Facts) { m.Apology = "" }, "apology", "needs apology"},
		{"RefusesLeavingRemedyWithoutRemedy", cases.StateRemedy, cases.StateFollowUp,
			func(m *Move, _ *Facts) { m.Remedy = nil }, "remedy", "needs remedy"},
		{"RefusesUnknownRemedyType", cases.StateRemedy, cases.StateFollowUp,
			func(m *Move, _ *Facts) { m.Remedy.Type = "cash" }, "remedy.type", `"cash" is not a remedy type`},
		{"RefusesRemedyWithoutType", cases.StateRemedy, cases.StateFollowUp,
			func(m *Move, _ *Facts) { m.Remedy.Type = "" }, "remedy.type", "needs a type"},
		{"RefusesBadRemedyAmount", cases.StateRemedy, cases.StateFollowUp,
			func(m *Move, _ *Facts) { m.Remedy.Amount = "12.505" }, "remedy.amount", "decimals"},
		{"RefusesBadRemedyCurrency", cases.StateRemedy, cases.StateFollowUp,
			func(m *Move, _ *Facts) { m.Remedy.Currency = "yuan" }, "remedy.currency", "ISO 4217"},
		{"RefusesFreeRefund", cases.StateRemedy, cases.StateFollowUp,
			func(m *Move, _ *Facts) { m.Remedy.Amount = "0" }, "remedy.amount", "above 0"},
		{"RefusesCostlyExplanation", cases.StateRemedy, cases.StateFollowUp,
			func(m *Move, _ *Facts) { m.Remedy.Type = "explanation" }, "remedy.amount", "must be 0"},
		{"RefusesUnapprovedCostlyRemedy", cases.StateRemedy, cases.StateFollowUp,
			func(m *Move, _ *Facts) { m.Remedy.Amount = "100.01" }, "remedy", "supervisor's approval"},
		{"RefusesReworkWithoutReason", cases.StateFollowUp, cases.StateRemedy,
			func(m *Move, _ *Facts) { m.Reason = "" }, "reason", "needs reason"},
		{"RefusesClosingWithoutOutcome", cases.StateFollowUp, cases.StateClosed,
			func(m *Move, _ *Facts) { m.Outcome = nil }, "outcome", "needs outcome"},
		{"RefusesOutcomeWithoutSatisfaction", cases.StateFollowUp, cases.StateClosed,
			func(m *Move, _ *Facts) { m.Outcome.BuyerSatisfied = nil }, "outcome.buyer_satisfied", "true or false"},
		{"RefusesOutcomeWithoutReview", cases.StateFollowUp, cases.StateClosed,
			func(m *Move, _ *Facts) { m.Outcome.Review = "" }, "outcome.review", "upgraded, removed, unchanged, not_applicable"},
		{"RefusesUnknownReviewOutcome", cases.StateFollowUp, cases.StateClosed,
			func(m *Move, _ *Facts) { m.Outcome.Review = "deleted" }, "outcome.review", `"deleted"`},
		{"RefusesOutcomeWithoutNote", cases.StateFollowUp, cases.StateClosed,
			func(m *Move, _ *Facts) { m.Outcome.Note = "" }, "outcome.note", "needs outcome.note"},
		{"RefusesUnknownCloseReason", cases.StateRemedy, cases.StateClosed,
			func(m *Move, _ *Facts) { *m = closeEarly(); m.CloseReason = "bored" }, "close_reason", `"bored" is not a close reason`},
		{"RefusesOverlongCloseNote", cases.StateRemedy, cases.StateClosed,
			func(m *Move, _ *Facts) { *m = closeEarly(); m.Note = long }, "note", "the limit is"},
		{"RefusesEarlyCloseWithoutReason", cases.StateApologise, cases.StateClosed,
			func(m *Move, _ *Facts) {}, "close_reason", "duplicate, withdrawn_by_buyer, invalid"},
		{"RefusesReopenWithoutReason", cases.StateClosed, cases.StateListen,
			func(m *Move, _ *Facts) { m.ReopenReason = "" }, "reopen_reason", "needs reopen_reason"},
		{"RefusesClosingAClosedCase", cases.StateClosed, cases.StateClosed,
			func(m *Move, _ *Facts) { *m = closeEarly() }, "to", "already in closed"},
		{"RefusesMovingBackwards", cases.StateRemedy, cases.StateListen,
			func(*Move, *Facts) {}, "to", "cannot move from remedy to listen; from remedy a case can move to follow_up (needs remedy) or closed (close_early: needs close_reason)"},
		{"RefusesSkippingAhead", cases.StateRespond, cases.StateApologise,
			func(*Move, *Facts) {}, "to", "cannot move from respond to apologise"},
		{"RefusesMissingTarget", cases.StateRespond, "",
			func(*Move, *Facts) {}, "to", "to is required"},
		{"RefusesUnknownTarget", cases.StateRespond, "resolved",
			func(*Move, *Facts) {}, "to", `"resolved" is not a state`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := caseIn(t, tc.from)
			before := dump(t, c)
			m, f := validMove(tc.from, tc.to), facts()
			tc.edit(&m, &f)
			res, err := Transition(c, m, f, DefaultPolicy())
			e := wantRefusal(t, err, tc.field)
			if !strings.Contains(e.Message, tc.says) {
				t.Errorf("message %q does not say %q", e.Message, tc.says)
			}
			if res.Events != nil || res.Case.State != "" {
				t.Errorf("a refusal returned a result %+v", res)
			}
			if dump(t, c) != before {
				t.Error("the input case changed")
			}
		})
	}
}

func TestTransitionNeedsTheTime(t *testing.T) {
	_, err := Transition(caseIn(t, cases.StateRespond), validMove(cases.StateRespond, cases.StateListen), Facts{}, DefaultPolicy())
	if cases.ErrorCode(err) != cases.Internal {
		t.Fatalf("got %v, want an internal error", err)
	}
}

func TestTransitionRefusesCorruptState(t *testing.T) {
	c := caseIn(t, cases.StateRespond)
	c.State = "limbo"
	_, err := Transition(c, validMove(cases.StateRespond, cases.StateListen), facts(), DefaultPolicy())
	if cases.ErrorCode(err) != cases.Internal {
		t.Fatalf("got %v, want an internal error", err)
	}
}

func TestTransitionDueFollowsPolicy(t *testing.T) {
	p := DefaultPolicy()
	p.Deadlines.Overrides = []DeadlineOverride{
		{Kind: "bad_review", State: cases.StateListen, Within: time.Hour},
		{Kind: "bad_review", Severity: "urgent", State: cases.StateListen, Within: 15 * time.Minute},
		{Severity: "urgent", State: cases.StateListen, Within: 30 * time.Minute},
	}
	for _, tc := range []struct {
		name     string
		kind     cases.Kind
		severity cases.Severity
		want     time.Duration
	}{
		{"KindAndSeverityOverride", "bad_review", "urgent", 15 * time.Minute},
		{"KindOverride", "bad_review", "low", time.Hour},
		{"SeverityOverride", "lost_parcel", "urgent", 30 * time.Minute},
		{"Default", "lost_parcel", "low", 4 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := caseIn(t, cases.StateRespond)
			c.Kind, c.Severity = tc.kind, tc.severity
			res, err := Transition(c, validMove(cases.StateRespond, cases.StateListen), facts(), p)
			if err != nil {
				t.Fatal(err)
			}
			if want := t0.Add(tc.want); !res.Case.DueAt.Equal(want) || res.Events[0].Payload["due_at"] != want.Format(time.RFC3339Nano) {
				t.Errorf("due_at %v, payload %v, want %v", res.Case.DueAt, res.Events[0].Payload["due_at"], want)
			}
		})
	}
}

func TestTransitionDoesNotShareMemoryWithInput(t *testing.T) {
	for name, m := range map[string]Move{
		"LeavingRemedy": validMove(cases.StateRemedy, cases.StateFollowUp),
		"ClosingEarly":  closeEarly(), // keeps the remedy as it was
	} {
		t.Run(name, func(t *testing.T) {
			c := fullCase(t)
			want := dump(t, fullCase(t))
			res, err := Transition(c, m, facts(), DefaultPolicy())
			if err != nil {
				t.Fatal(err)
			}
			if dump(t, c) != want {
				t.Fatal("the input case changed")
			}
			// Scribbling on every pointer of the result must not reach the input.
			out := res.Case
			*out.OrderValue = cases.Money{Minor: 1, Currency: "USD"}
			*out.Review.Rating = 5
			*out.Review.PostedAt = time.Time{}
			*out.AssigneeID = 99
			*out.PlatformDueAt = time.Time{}
			if out.DueAt != nil {
				*out.DueAt = time.Time{}
			}
			if out.ClosedAt != nil {
				*out.ClosedAt = time.Time{}
			}
			if out.Outcome != nil {
				out.Outcome.Note = "scribbled"
			}
			out.Remedy.Amount.Minor = 1
			*out.Remedy.ApprovedBy = 99
			*out.Remedy.ApprovedAt = time.Time{}
			if dump(t, c) != want {
				t.Fatal("the result shares memory with the input case")
			}
		})
	}
}

// fullCase returns a case in remedy with every pointer field set and an
// approved remedy, so that copying mistakes show.
func fullCase(t testing.TB) cases.Case {
	c := caseIn(t, cases.StateRemedy)
	c.Review = cases.Review{Rating: ptr(1), Text: "broken", PostedAt: ptr(t0.Add(-48 * time.Hour)), URL: "https://example.com/r/1"}
	c.AssigneeID = ptr(int64(7))
	c.PlatformDueAt = ptr(t0.Add(72 * time.Hour))
	c.Outcome = &cases.Outcome{Review: "unchanged", Note: "from an earlier round"}
	c.Remedy = &cases.Remedy{Type: "partial_refund", Amount: money(t, "30.00", "CNY"),
		ApprovedBy: ptr(int64(3)), ApprovedAt: ptr(t0.Add(-time.Minute))}
	return c
}
