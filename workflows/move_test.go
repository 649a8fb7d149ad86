package workflows

import (
	"encoding/json"
	"testing"

	"redress/cases"
)

// TestMoveDecodesSpecBodies decodes the request bodies of SPEC §11 as the
// HTTP layer will, and makes each move with them.
func TestMoveDecodesSpecBodies(t *testing.T) {
	tests := []struct {
		name string
		from cases.State
		body string
		move MoveKind
	}{
		{"RespondToListen", cases.StateRespond, `{"to":"listen","first_response":"Hello, we are on it."}`, MoveForward},
		{"ListenToApologise", cases.StateListen, `{"to":"apologise","account":"Lid cracked.","root_cause":"logistics"}`, MoveForward},
		{"SkipApology", cases.StateListen, `{"to":"remedy","account":"Claims 2 of 3 items.","root_cause":"suspected_abuse","skip_apology_reason":"Signed for 3 items."}`, MoveSkipApology},
		{"ApologiseToRemedy", cases.StateApologise, `{"to":"remedy","apology":"We are sorry."}`, MoveForward},
		{"RemedyToFollowUp", cases.StateRemedy, `{"to":"follow_up","remedy":{"type":"refund","amount":"12.50","currency":"CNY"}}`, MoveForward},
		{"ExplanationOnly", cases.StateRemedy, `{"to":"follow_up","remedy":{"type":"explanation","amount":"0","currency":"CNY"}}`, MoveForward},
		{"FollowUpToRemedy", cases.StateFollowUp, `{"to":"remedy","reason":"Wants a replacement."}`, MoveRework},
		{"FollowUpToClosed", cases.StateFollowUp, `{"to":"closed","outcome":{"buyer_satisfied":false,"review":"unchanged","note":"No reply."}}`, MoveForward},
		{"CloseEarly", cases.StateListen, `{"to":"closed","close_reason":"withdrawn_by_buyer","note":"Buyer cancelled."}`, MoveCloseEarly},
		{"CloseEarlyWithoutNote", cases.StateFollowUp, `{"to":"closed","close_reason":"duplicate"}`, MoveCloseEarly},
		{"Reopen", cases.StateClosed, `{"to":"listen","reopen_reason":"Buyer wrote again."}`, MoveReopen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Move
			if err := json.Unmarshal([]byte(tc.body), &m); err != nil {
				t.Fatal(err)
			}
			res, err := Transition(caseIn(t, tc.from), m, facts(), DefaultPolicy())
			if err != nil {
				t.Fatal(err)
			}
			if res.Events[0].Payload["move"] != string(tc.move) {
				t.Errorf("payload %v, want move %s", res.Events[0].Payload, tc.move)
			}
		})
	}
	t.Run("RemedyIsFlat", func(t *testing.T) {
		var m Move
		if err := json.Unmarshal([]byte(`{"remedy":{"type":"gift","amount":"5","currency":"USD"}}`), &m); err != nil {
			t.Fatal(err)
		}
		if m.Remedy.Type != "gift" || m.Remedy.Amount != "5" || m.Remedy.Currency != "USD" {
			t.Errorf("remedy %+v", m.Remedy)
		}
		b, _ := json.Marshal(m.Remedy)
		if string(b) != `{"type":"gift","amount":"5","currency":"USD"}` {
			t.Errorf("remedy encodes as %s", b)
		}
	})
	t.Run("MissingSatisfactionIsTold", func(t *testing.T) {
		var m Move
		if err := json.Unmarshal([]byte(`{"to":"closed","outcome":{"review":"removed","note":"ok"}}`), &m); err != nil {
			t.Fatal(err)
		}
		_, err := Transition(caseIn(t, cases.StateFollowUp), m, facts(), DefaultPolicy())
		wantRefusal(t, err, "outcome.buyer_satisfied")
	})
}
