package workflows

import (
	"errors"
	"strings"
	"testing"

	"redress/cases"
)

func TestNeedsApproval(t *testing.T) {
	tests := []struct {
		name   string
		policy func(*RemedyPolicy)
		order  *cases.Money
		amount cases.Money
		want   bool
		says   string
	}{
		{"FreeRemedyNeverNeedsApproval", nil, nil, money(t, "0", "XAF"), false, ""},
		{"UnderTheOrderValue", nil, moneyPtr(t, "100.00", "CNY"), money(t, "50.00", "CNY"), false, ""},
		{"ExactlyTheOrderValue", nil, moneyPtr(t, "100.00", "CNY"), money(t, "100.00", "CNY"), false, ""},
		{"OverTheOrderValue", nil, moneyPtr(t, "100.00", "CNY"), money(t, "100.01", "CNY"), true,
			"it is more than 100% of the order value of 100.00 CNY"},
		{"OverTheFixedLimit", nil, moneyPtr(t, "2000.00", "CNY"), money(t, "500.01", "CNY"), true,
			"it is above the fixed limit of 500.00 CNY"},
		{"AtTheFixedLimit", nil, moneyPtr(t, "2000.00", "CNY"), money(t, "500.00", "CNY"), false, ""},
		{"OverBothLimits", nil, moneyPtr(t, "100.00", "CNY"), money(t, "600.00", "CNY"), true,
			"it is above the fixed limit of 500.00 CNY, and it is more than 100% of the order value of 100.00 CNY"},
		{"LowerRatio", func(p *RemedyPolicy) { p.MaxOrderPercent = 50 }, moneyPtr(t, "100.00", "CNY"), money(t, "50.01", "CNY"), true,
			"more than 50% of the order value"},
		// A remedy in another currency cannot be weighed against the order:
		// under its own fixed limit it would still slip through (100 USD on
		// a 1 CNY order), so it always goes to a supervisor.
		{"OtherCurrencyUnderItsFixedLimitUSD", nil, moneyPtr(t, "1.00", "CNY"), money(t, "100.00", "USD"), true,
			"it is in USD while the order is in CNY; a supervisor checks the conversion"},
		{"OtherCurrencyUnderItsFixedLimitJPY", nil, moneyPtr(t, "1.00", "CNY"), money(t, "10000", "JPY"), true, "it is in JPY while the order is in CNY"},
		{"OtherCurrencyUnderItsFixedLimitEUR", nil, moneyPtr(t, "1.00", "CNY"), money(t, "80.00", "EUR"), true, "it is in EUR while the order is in CNY"},
		{"OtherCurrencyOverItsFixedLimit", nil, moneyPtr(t, "1000.00", "CNY"), money(t, "100.01", "USD"), true,
			"above the fixed limit of 100.00 USD, and it is in USD while the order is in CNY"},
		{"OtherCurrencyWithoutFixedLimit", nil, moneyPtr(t, "1000.00", "CNY"), money(t, "1.00", "SGD"), true,
			"it is in SGD while the order is in CNY"},
		{"NoOrderValueUnderFixedLimit", nil, nil, money(t, "300.00", "CNY"), false, ""},
		{"NoOrderValueOverFixedLimit", nil, nil, money(t, "15001", "JPY"), true, "above the fixed limit of 15000 JPY"},
		{"NoOrderValueNoFixedLimit", nil, nil, money(t, "1.00", "SGD"), true,
			"the order value is unknown and there is no fixed limit for SGD"},
		{"ZeroMoneyOrderCountsAsUnknown", nil, &cases.Money{}, money(t, "1.00", "SGD"), true, "the order value is unknown"},
		{"HugeAmountsDoNotOverflow", func(p *RemedyPolicy) { p.MaxOrderPercent = 10000; p.FixedLimits = nil },
			moneyPtr(t, "9999999999999.99", "CNY"), money(t, "9999999999999.99", "CNY"), false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultRemedyPolicy()
			if tc.policy != nil {
				tc.policy(&p)
			}
			got, why := p.NeedsApproval(tc.order, tc.amount)
			if got != tc.want || (tc.want && !strings.Contains(why, tc.says)) || (!tc.want && why != "") {
				t.Errorf("got %v %q, want %v %q", got, why, tc.want, tc.says)
			}
		})
	}
}

func TestRemedyPolicyValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*RemedyPolicy)
		field string
	}{
		{"RefusesZeroPercent", func(p *RemedyPolicy) { p.MaxOrderPercent = 0 }, "remedy.max_order_percent"},
		{"RefusesAbsurdPercent", func(p *RemedyPolicy) { p.MaxOrderPercent = 10001 }, "remedy.max_order_percent"},
		{"RefusesLowerCaseCurrency", func(p *RemedyPolicy) { p.FixedLimits["cny"] = 1 }, "remedy.fixed_limits"},
		{"RefusesUnknownCurrency", func(p *RemedyPolicy) { p.FixedLimits["XYZ"] = 1 }, "remedy.fixed_limits"},
		{"RefusesNegativeLimit", func(p *RemedyPolicy) { p.FixedLimits["USD"] = -1 }, "remedy.fixed_limits.USD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultPolicy()
			tc.edit(&p.Remedy)
			wantRefusal(t, p.Validate(), tc.field)
		})
	}
}

func remedyIn(typ cases.RemedyType, amount, cur string) RemedyInput {
	return RemedyInput{Type: typ, MoneyInput: cases.MoneyInput{Amount: amount, Currency: cur}}
}

func leaveWith(in RemedyInput) Move {
	return Move{To: cases.StateFollowUp, Remedy: &in}
}

func TestRemedyApprovalFlow(t *testing.T) {
	p, f := DefaultPolicy(), facts()
	supervisor := Facts{Now: t0.Add(10 * 60e9), ActorID: 2}
	start := caseIn(t, cases.StateRemedy) // order value 100.00 CNY
	costly := remedyIn("refund", "150.00", "CNY")

	proposed, err := ProposeRemedy(start, costly, f, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ProposalSaysItNeedsApproval", func(t *testing.T) {
		ev := proposed.Events
		if len(ev) != 1 || ev[0].Kind != cases.EventRemedyProposed || ev[0].Payload["needs_approval"] != true ||
			!strings.Contains(ev[0].Payload["limit"].(string), "more than 100% of the order value") {
			t.Errorf("events %+v", ev)
		}
		if r := proposed.Case.Remedy; r == nil || r.ApprovedBy != nil || r.Amount != money(t, "150.00", "CNY") {
			t.Errorf("remedy %+v", r)
		}
	})
	t.Run("RefusesLeavingBeforeApproval", func(t *testing.T) {
		_, err := Transition(proposed.Case, leaveWith(costly), f, p)
		e := wantRefusal(t, err, "remedy")
		if !strings.Contains(e.Message, "needs a supervisor's approval") || !strings.Contains(e.Message, "more than 100% of the order value of 100.00 CNY") {
			t.Errorf("message %q", e.Message)
		}
		if e.Extra["needs_approval"] != true {
			t.Errorf("extra %v", e.Extra)
		}
	})

	approved, err := ApproveRemedy(proposed.Case, supervisor)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ApprovalRecordsWhoAndWhen", func(t *testing.T) {
		r := approved.Case.Remedy
		if r.ApprovedBy == nil || *r.ApprovedBy != 2 || r.ApprovedAt == nil || !r.ApprovedAt.Equal(supervisor.Now) {
			t.Errorf("remedy %+v", r)
		}
		if proposed.Case.Remedy.ApprovedBy != nil {
			t.Error("approval changed the proposed case")
		}
		ev := approved.Events
		if len(ev) != 1 || ev[0].Kind != cases.EventRemedyApproved || ev[0].Payload["remedy"].(map[string]any)["approved_by"] != int64(2) {
			t.Errorf("events %+v", ev)
		}
	})
	t.Run("LeavesWithTheApprovedRemedy", func(t *testing.T) {
		res, err := Transition(approved.Case, leaveWith(costly), f, p)
		if err != nil {
			t.Fatal(err)
		}
		r := res.Case.Remedy
		if res.Case.State != cases.StateFollowUp || r.ApprovedBy == nil || *r.ApprovedBy != 2 {
			t.Errorf("state %s, remedy %+v", res.Case.State, r)
		}
		if res.Events[0].Payload["needs_approval"] != true || res.Events[0].Payload["remedy"].(map[string]any)["approved_by"] != int64(2) {
			t.Errorf("payload %v", res.Events[0].Payload)
		}
	})
	t.Run("LeavesWithLessThanApproved", func(t *testing.T) {
		res, err := Transition(approved.Case, leaveWith(remedyIn("refund", "120.00", "CNY")), f, p)
		if err != nil {
			t.Fatal(err)
		}
		if r := res.Case.Remedy; r.Amount != money(t, "120.00", "CNY") || r.ApprovedBy == nil {
			t.Errorf("remedy %+v", r)
		}
	})
	t.Run("RefusesMoreThanApproved", func(t *testing.T) {
		_, err := Transition(approved.Case, leaveWith(remedyIn("refund", "150.01", "CNY")), f, p)
		e := wantRefusal(t, err, "remedy")
		if !strings.Contains(e.Message, "the approved remedy is refund of 150.00 CNY") {
			t.Errorf("message %q", e.Message)
		}
	})
	t.Run("RefusesAnotherTypeThanApproved", func(t *testing.T) {
		_, err := Transition(approved.Case, leaveWith(remedyIn("gift", "150.00", "CNY")), f, p)
		wantRefusal(t, err, "remedy")
	})
	t.Run("RefusesAnotherCurrencyThanApproved", func(t *testing.T) {
		_, err := Transition(approved.Case, leaveWith(remedyIn("refund", "150.00", "USD")), f, p)
		wantRefusal(t, err, "remedy")
	})
	t.Run("CheapRemedyLeavesWithoutApproval", func(t *testing.T) {
		res, err := Transition(proposed.Case, leaveWith(remedyIn("coupon", "10.00", "CNY")), f, p)
		if err != nil {
			t.Fatal(err)
		}
		if res.Case.Remedy.ApprovedBy != nil {
			t.Errorf("remedy %+v carries an approval it was not given", res.Case.Remedy)
		}
	})
	t.Run("ReworkDropsTheApproval", func(t *testing.T) {
		left, err := Transition(approved.Case, leaveWith(costly), f, p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Transition(left.Case, Move{To: cases.StateRemedy, Reason: "the buyer refused the refund"}, f, p)
		if err != nil {
			t.Fatal(err)
		}
		if back.Case.Remedy != nil {
			t.Fatalf("remedy %+v survived rework", back.Case.Remedy)
		}
		prev := back.Events[0].Payload["previous_remedy"].(map[string]any)
		if prev["amount"] != "150.00" || prev["approved_by"] != int64(2) {
			t.Errorf("previous remedy %v", prev)
		}
		_, err = Transition(back.Case, leaveWith(costly), f, p)
		wantRefusal(t, err, "remedy")
	})
	t.Run("NewProposalDropsTheApproval", func(t *testing.T) {
		again, err := ProposeRemedy(approved.Case, costly, f, p)
		if err != nil {
			t.Fatal(err)
		}
		if again.Case.Remedy.ApprovedBy != nil {
			t.Fatal("a new proposal kept the old approval")
		}
	})
}

func TestProposeRemedyRefusals(t *testing.T) {
	p, f := DefaultPolicy(), facts()
	tests := []struct {
		name  string
		state cases.State
		in    RemedyInput
		field string
	}{
		{"RefusesOutsideRemedy", cases.StateApologise, remedyIn("refund", "1.00", "CNY"), "remedy"},
		{"RefusesUnknownType", cases.StateRemedy, remedyIn("voucher", "1.00", "CNY"), "remedy.type"},
		{"RefusesMissingAmount", cases.StateRemedy, remedyIn("gift", "", "CNY"), "remedy.amount"},
		{"RefusesMissingCurrency", cases.StateRemedy, remedyIn("gift", "1", ""), "remedy.currency"},
		{"RefusesFreePartialRefund", cases.StateRemedy, remedyIn("partial_refund", "0.00", "CNY"), "remedy.amount"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := caseIn(t, tc.state)
			before := dump(t, c)
			_, err := ProposeRemedy(c, tc.in, f, p)
			wantRefusal(t, err, tc.field)
			if dump(t, c) != before {
				t.Error("the input case changed")
			}
		})
	}
	t.Run("AcceptsFreeExplanationWithoutOrderValue", func(t *testing.T) {
		c := caseIn(t, cases.StateRemedy)
		c.OrderValue = nil
		res, err := ProposeRemedy(c, remedyIn("explanation", "0", "SGD"), f, p)
		if err != nil {
			t.Fatal(err)
		}
		if res.Events[0].Payload["needs_approval"] != false {
			t.Errorf("payload %v", res.Events[0].Payload)
		}
	})
	t.Run("AcceptsFreeReship", func(t *testing.T) {
		if _, err := ProposeRemedy(caseIn(t, cases.StateRemedy), remedyIn("reship", "0", "CNY"), f, p); err != nil {
			t.Fatal(err)
		}
	})
}

func TestApproveRemedyRefusals(t *testing.T) {
	supervisor := Facts{Now: t0, ActorID: 2}
	withRemedy := func(state cases.State, approved bool) cases.Case {
		c := caseIn(t, state)
		c.Remedy = &cases.Remedy{Type: "refund", Amount: money(t, "150.00", "CNY")}
		if approved {
			c.Remedy.ApprovedBy, c.Remedy.ApprovedAt = ptr(int64(3)), ptr(t0)
		}
		return c
	}
	t.Run("RefusesWithoutProposal", func(t *testing.T) {
		_, err := ApproveRemedy(caseIn(t, cases.StateRemedy), supervisor)
		wantRefusal(t, err, "remedy")
	})
	t.Run("RefusesOutsideRemedy", func(t *testing.T) {
		_, err := ApproveRemedy(withRemedy(cases.StateFollowUp, false), supervisor)
		wantRefusal(t, err, "remedy")
	})
	t.Run("RefusesApprovingTwiceAsConflict", func(t *testing.T) {
		c := withRemedy(cases.StateRemedy, true)
		before := dump(t, c)
		_, err := ApproveRemedy(c, supervisor)
		var e *cases.Error
		if !errors.As(err, &e) || e.Code != cases.Conflict {
			t.Fatalf("got %v, want a conflict", err)
		}
		if dump(t, c) != before {
			t.Error("the input case changed")
		}
	})
	t.Run("NeedsTheApprover", func(t *testing.T) {
		_, err := ApproveRemedy(withRemedy(cases.StateRemedy, false), Facts{Now: t0})
		if cases.ErrorCode(err) != cases.Internal {
			t.Fatalf("got %v, want an internal error", err)
		}
	})
	t.Run("DoesNotChangeTheInput", func(t *testing.T) {
		c := withRemedy(cases.StateRemedy, false)
		before := dump(t, c)
		if _, err := ApproveRemedy(c, supervisor); err != nil {
			t.Fatal(err)
		}
		if dump(t, c) != before {
			t.Error("the input case changed")
		}
	})
}
