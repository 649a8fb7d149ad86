package workflows

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"redress/cases"
	"redress/workflows/tone"
)

func TestFillReply(t *testing.T) {
	vals := map[string]string{"buyer": "小王", "order_ref": "2026112400001", "courier": "  "}
	for _, tc := range []struct {
		name, body, want string
		missing          []string
	}{
		{"FillsEveryKnownVariable", "{buyer}您好，订单{order_ref}已查到", "小王您好，订单2026112400001已查到", nil},
		{"BlankValueStaysWrittenAndIsMissing", "快递{courier}单号{waybill}，{courier}", "快递{courier}单号{waybill}，{courier}", []string{"courier", "waybill"}},
		{"UnknownNamesAreNotVariables", "{foo} {buyer}", "{foo} 小王", nil},
		{"NoVariables", "Sorry for the trouble.", "Sorry for the trouble.", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := FillReply(tc.body, vals)
			if got != tc.want || !slices.Equal(missing, tc.missing) {
				t.Fatalf("FillReply(%q) = %q, %v; want %q, %v", tc.body, got, missing, tc.want, tc.missing)
			}
		})
	}
}

func TestReplyVariablesKnownAndUnknown(t *testing.T) {
	if got := UnknownVariables("{buyer} {Buyer} {coupon_code} {coupon_code} {due}"); !slices.Equal(got, []string{"coupon_code"}) {
		t.Fatalf("unknown = %v", got)
	}
	if got := UnfilledVariables("订单{order_ref}，{foo}，{due}"); !slices.Equal(got, []string{"order_ref", "due"}) {
		t.Fatalf("unfilled = %v", got)
	}
	if got := UnfilledVariables("价格 {}，花括号 {ABC}"); got != nil {
		t.Fatalf("unfilled = %v, want none", got)
	}
}

func TestCaseVariables(t *testing.T) {
	due := time.Date(2026, 11, 24, 2, 30, 0, 0, time.UTC)
	amount := cases.Money{Minor: 2000, Currency: "CNY"}
	c := cases.Case{Ref: "C-000007", Platform: "taobao", Shop: "杯具旗舰店", BuyerHandle: "小王", DueAt: &due,
		Remedy: &cases.Remedy{Type: "partial_refund", Amount: amount}}
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	evs := []cases.Evidence{
		{ID: 1, Kind: cases.EvidenceDeliverySignature, Courier: "顺丰", Waybill: "SF1", AddedAt: t0},
		{ID: 2, Kind: cases.EvidenceTrackingRecord, Courier: "中通", Waybill: "ZT2", AddedAt: t0.Add(time.Hour)},
		{ID: 3, Kind: cases.EvidenceDeliverySignature, Courier: "圆通", Waybill: "YT3", AddedAt: t0.Add(2 * time.Hour), Voided: true},
		{ID: 4, Kind: cases.EvidencePhoto, AddedAt: t0.Add(3 * time.Hour)},
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	v := CaseVariables(c, evs, shanghai)
	want := map[string]string{"buyer": "小王", "shop": "杯具旗舰店", "ref": "C-000007", "platform": "taobao",
		"amount": "20.00 CNY", "due": "2026-11-24 10:30", "courier": "中通", "waybill": "ZT2"}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %q, want %q", k, v[k], w)
		}
	}
	if _, ok := v["order_ref"]; ok {
		t.Errorf("order_ref = %q for a case without one; want it missing", v["order_ref"])
	}
	if _, ok := v["order_value"]; ok {
		t.Errorf("order_value set for a case without one")
	}
}

func TestRankReplies(t *testing.T) {
	rs := []cases.Reply{{ID: 1}, {ID: 2}, {ID: 3}, {ID: 4}}
	stats := map[int64]cases.ReplyStats{
		// Recovered every review, used twice.
		1: {Uses: 2, Cases: 2, ReviewCases: 2, Recovered: 2},
		// Used most, but reviews stay bad and cases come back.
		2: {Uses: 9, Cases: 6, ReviewCases: 6, Recovered: 1, Reopened: 3},
		// As good as 1 on reviews, but failed its audits.
		3: {Uses: 2, Cases: 2, ReviewCases: 2, Recovered: 2, Audited: 2, AuditFailed: 2},
		// 4 was never used.
	}
	ids := func(rr []RankedReply) []int64 {
		var out []int64
		for _, r := range rr {
			out = append(out, r.ID)
		}
		return out
	}
	byOutcome, err := RankReplies(rs, stats, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(byOutcome); !slices.Equal(got, []int64{1, 4, 3, 2}) {
		t.Errorf("by outcome %v (scores %v)", got, scores(byOutcome))
	}
	byUses, err := RankReplies(rs, stats, ReplySortUses)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(byUses); !slices.Equal(got, []int64{2, 1, 3, 4}) {
		t.Errorf("by uses %v", got)
	}
	if r := byOutcome[0]; r.Uses != 2 || r.RecoveryRate == nil || *r.RecoveryRate != 1 || r.AuditFailRate != nil {
		t.Errorf("reply 1 ranked as %+v", r)
	}
	if _, err := RankReplies(rs, stats, "newest"); cases.ErrorCode(err) != cases.Malformed {
		t.Errorf("sort=newest: %v, want Malformed", err)
	}
}

func scores(rr []RankedReply) []float64 {
	var out []float64
	for _, r := range rr {
		out = append(out, r.Score)
	}
	return out
}

func TestReviewTone(t *testing.T) {
	checker := tone.Default()
	texts := func(field, stage, text string) []BuyerText {
		return []BuyerText{{Field: field, Stage: stage, Text: text}}
	}

	t.Run("WarnsAndFlagsReviewTiedRemedy", func(t *testing.T) {
		r, err := ReviewTone(checker, "taobao", texts("remedy.note", tone.StageRemedyOffer, "买家改好评后返现20元"), true)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Flagged, []string{"remedy.note"}) || len(r.Findings) == 0 {
			t.Fatalf("review %+v", r)
		}
		payload := map[string]any{}
		evs := r.Record([]cases.NewEvent{{Kind: cases.EventRemedyProposed, Payload: payload}}, payload)
		if len(evs) != 2 || evs[1].Kind != cases.EventFlagged || evs[1].Payload["reason"] != cases.FlagReviewTiedRemedy {
			t.Fatalf("events %+v", evs)
		}
		raw, _ := json.Marshal(payload["tone_warnings"])
		var stored []map[string]any
		if err := json.Unmarshal(raw, &stored); err != nil || stored[0]["field"] != "remedy.note" || stored[0]["category"] != tone.CategoryReviewTiedRemedy {
			t.Fatalf("stored warnings %s", raw)
		}
	})
	t.Run("BlocksWherePlatformPolicySaysSo", func(t *testing.T) {
		_, err := ReviewTone(checker, "amazon", texts("remedy.note", tone.StageRemedyOffer, "Update your review to 5 stars and we will refund $20."), true)
		var de *cases.Error
		if !asError(err, &de) || de.Code != cases.Invalid || de.Field != "remedy.note" || de.Extra["tone_warnings"] == nil {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("AbsolutePromiseWarnsButSaves", func(t *testing.T) {
		r, err := ReviewTone(checker, "amazon", texts("first_response", tone.StageFirstResponse, "晕，我们保证绝对没有发错"), true)
		if err != nil || len(r.Findings) < 2 || len(r.Flagged) != 0 {
			t.Fatalf("review %+v, %v", r, err)
		}
	})
	t.Run("ExceptionExcuses", func(t *testing.T) {
		r, err := ReviewTone(checker, "taobao", texts("apology", tone.StageApology, "非常抱歉，我们不能保证明天到，但会尽力为您加急。"), true)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range r.Findings {
			if f.Category == tone.CategoryAbsolutePromise {
				t.Fatalf("不能保证 tripped %+v", f)
			}
		}
	})
	t.Run("UnfilledVariableRefused", func(t *testing.T) {
		_, err := ReviewTone(checker, "taobao", texts("apology", tone.StageApology, "{buyer}您好，非常抱歉"), true)
		if cases.ErrorCode(err) != cases.Invalid {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("CommentsAreNeverRefusedButFlag", func(t *testing.T) {
		r, err := ReviewComment(checker, "amazon", "Told the buyer: update your review and we'll refund $20. {buyer}")
		if err != nil || len(r.Flagged) != 1 {
			t.Fatalf("review %+v, %v", r, err)
		}
	})
}

func asError(err error, target **cases.Error) bool {
	e, ok := err.(*cases.Error)
	if ok {
		*target = e
	}
	return ok
}
