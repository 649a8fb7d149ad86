package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"redress/cases"
)

// deskCase is a case walked to remedy through the API, assigned to agent.
type deskCase struct {
	t     *testing.T
	agent caller
	id    int64
	path  string
}

func newDeskCase(t *testing.T, agent caller, order string, buyer string) *deskCase {
	t.Helper()
	body := newCaseBody()
	delete(body, "external_id")
	body["order_value"] = map[string]string{"amount": order, "currency": "CNY"}
	body["buyer_handle"] = buyer
	body["assignee_id"] = agent.user.ID
	rec := agent.call(http.MethodPost, "/api/v1/cases", body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	c := decodeAs[cases.Case](t, rec)
	d := &deskCase{t: t, agent: agent, id: c.ID, path: fmt.Sprintf("/api/v1/cases/%d", c.ID)}
	d.move(map[string]any{"to": "listen", "first_response": "您好，我们马上核实。"}, 200)
	d.move(map[string]any{"to": "apologise", "account": "买家说杯子碎了", "root_cause": "logistics"}, 200)
	d.move(map[string]any{"to": "remedy", "apology": "真诚地向您道歉。"}, 200)
	return d
}

func (d *deskCase) move(body map[string]any, want int) map[string]any {
	d.t.Helper()
	rec := d.agent.call(http.MethodPost, d.path+"/transitions", body, "If-Match", "*")
	if rec.Code != want {
		d.t.Fatalf("move %v: %d, want %d: %s", body["to"], rec.Code, want, rec.Body)
	}
	if want != 200 {
		return problemOf(d.t, rec)
	}
	return nil
}

func (d *deskCase) propose(typ, amount string) {
	d.t.Helper()
	rec := d.agent.call(http.MethodPost, d.path+"/remedy", map[string]string{"type": typ, "amount": amount, "currency": "CNY"})
	if rec.Code != 200 {
		d.t.Fatalf("propose: %d %s", rec.Code, rec.Body)
	}
}

func (d *deskCase) get() cases.Case {
	d.t.Helper()
	return decodeAs[cases.Case](d.t, d.agent.call(http.MethodGet, d.path, nil))
}

func (d *deskCase) close() {
	d.t.Helper()
	d.move(map[string]any{"to": "closed", "outcome": map[string]any{"buyer_satisfied": true, "review": "unchanged", "note": "买家满意"}}, 200)
}

func remedy(typ, amount string) map[string]any {
	return map[string]any{"to": "follow_up", "remedy": map[string]string{"type": typ, "amount": amount, "currency": "CNY"}}
}

func noticesOf(t *testing.T, c caller, kind string) []cases.Notification {
	t.Helper()
	page := decodeAs[cases.NotificationPage](t, c.call(http.MethodGet, "/api/v1/notifications", nil))
	var out []cases.Notification
	for _, n := range page.Items {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

func TestRemedyGuardIsCumulative(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	d := newDeskCase(t, agent, "89.00", "老李")
	d.move(remedy("partial_refund", "80.00"), 200)
	d.move(map[string]any{"to": "remedy", "reason": "买家仍不满意"}, 200)
	p := d.move(remedy("partial_refund", "80.00"), 422)
	if detail := p["detail"].(string); !strings.Contains(detail, "80.00 CNY already spent") || !strings.Contains(detail, "160.00 CNY") {
		t.Fatalf("the refusal does not count the first remedy: %s", detail)
	}
	d.move(remedy("partial_refund", "9.00"), 200)
	hist := decodeAs[cases.RemedyHistory](t, agent.call(http.MethodGet, d.path+"/remedies", nil))
	if len(hist.Items) != 2 || len(hist.Total) != 1 || hist.Total[0].Amount() != "89.00" {
		t.Fatalf("history %+v", hist)
	}

	t.Run("BuyerWindowCountsOtherCases", func(t *testing.T) {
		admin := e.caller(cases.RoleAdmin)
		rec := admin.call(http.MethodPost, "/api/v1/remedy-policies", map[string]any{"shop": "杯具旗舰店", "currency": "CNY",
			"max_order_percent": 100, "case_limit": "500.00", "buyer_limit": "120.00", "buyer_window_days": 30})
		if rec.Code != 200 {
			t.Fatalf("save policy: %d %s", rec.Code, rec.Body)
		}
		d2 := newDeskCase(t, agent, "89.00", "老李")
		p := d2.move(remedy("partial_refund", "40.00"), 422)
		if !strings.Contains(p["detail"].(string), "buyer limit of 120.00 CNY") {
			t.Fatalf("detail: %v", p["detail"])
		}
		other := newDeskCase(t, agent, "89.00", "小张")
		other.move(remedy("partial_refund", "40.00"), 200)
	})
	t.Run("PolicyIsAdminsOnly", func(t *testing.T) {
		sup := e.caller(cases.RoleSupervisor)
		body := map[string]any{"currency": "CNY", "max_order_percent": 100, "case_limit": "1.00"}
		wantProblem(t, sup.call(http.MethodPost, "/api/v1/remedy-policies", body), 403, "")
		admin := e.caller(cases.RoleAdmin)
		body["max_order_percent"] = 0
		wantProblem(t, admin.call(http.MethodPost, "/api/v1/remedy-policies", body), 422, "max_order_percent")
		body["max_order_percent"], body["currency"] = 100, "XXY"
		wantProblem(t, admin.call(http.MethodPost, "/api/v1/remedy-policies", body), 422, "currency")
	})
	t.Run("OtherCurrencyConvertsWithARate", func(t *testing.T) {
		d3 := newDeskCase(t, agent, "89.00", "小赵")
		usd := map[string]any{"to": "follow_up", "remedy": map[string]string{"type": "coupon", "amount": "5.00", "currency": "USD"}}
		d3.move(usd, 422)
		admin := e.caller(cases.RoleAdmin)
		if rec := admin.call(http.MethodPost, "/api/v1/exchange-rates", map[string]string{"currency": "USD", "to_currency": "CNY", "rate": "7.10"}); rec.Code != 200 {
			t.Fatalf("rate: %d %s", rec.Code, rec.Body)
		}
		d3.move(usd, 200)
	})
}

func TestApprovalsDeclineThenApprove(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	other := e.caller(cases.RoleSupervisor)
	d := newDeskCase(t, agent, "59.90", "小王")
	d.propose("refund", "120.00")

	if n := noticesOf(t, sup, "approval_requested"); len(n) != 1 || !strings.Contains(n[0].Message, "120.00") {
		t.Fatalf("supervisor's notices: %+v", n)
	}
	page := decodeAs[cases.Page[cases.Approval]](t, sup.call(http.MethodGet, "/api/v1/approvals", nil))
	if len(page.Items) != 1 || page.Items[0].Case.ID != d.id || page.Items[0].Remedy.Status != cases.RemedyPending ||
		page.Items[0].Remedy.ApprovalDueAt == nil {
		t.Fatalf("approvals: %+v", page.Items)
	}
	first := page.Items[0].Remedy.ID
	wantProblem(t, agent.call(http.MethodGet, "/api/v1/approvals", nil), 403, "")
	wantProblem(t, agent.call(http.MethodPost, d.path+"/approvals", nil), 403, "")

	t.Run("DeclineNeedsAComment", func(t *testing.T) {
		wantProblem(t, sup.call(http.MethodPost, d.path+"/approvals", map[string]any{"decision": "decline"}), 422, "comment")
		wantProblem(t, sup.call(http.MethodPost, d.path+"/approvals", map[string]any{"decision": "maybe"}), 422, "decision")
		if d.get().Remedy == nil {
			t.Fatal("a refused decline changed the case")
		}
	})
	rec := sup.call(http.MethodPost, d.path+"/approvals", map[string]any{"decision": "decline", "comment": "全额退款过多，先补发", "remedy_id": first})
	if rec.Code != 200 {
		t.Fatalf("decline: %d %s", rec.Code, rec.Body)
	}
	if c := d.get(); c.Remedy != nil {
		t.Fatalf("declined remedy still on the case: %+v", c.Remedy)
	}
	if n := noticesOf(t, agent, "declined"); len(n) != 1 || !strings.Contains(n[0].Message, "先补发") {
		t.Fatalf("agent's notices: %+v", n)
	}

	d.propose("reship", "70.00")
	page = decodeAs[cases.Page[cases.Approval]](t, sup.call(http.MethodGet, "/api/v1/approvals", nil))
	if len(page.Items) != 1 || page.Items[0].Remedy.ID == first {
		t.Fatalf("approvals after the second proposal: %+v", page.Items)
	}
	second := page.Items[0].Remedy.ID
	t.Run("RemedyChangedSinceProposed", func(t *testing.T) {
		wantProblem(t, sup.call(http.MethodPost, d.path+"/approvals", map[string]any{"remedy_id": first}), 409, "remedy_id")
	})
	rec = other.call(http.MethodPost, d.path+"/approvals", map[string]any{"remedy_id": second, "comment": "可以"})
	if rec.Code != 200 {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, sup.call(http.MethodPost, d.path+"/approvals", nil), 409, "remedy")
	// Applied without retyping.
	d.move(map[string]any{"to": "follow_up"}, 200)
	c := d.get()
	if c.State != cases.StateFollowUp || c.Remedy == nil || c.Remedy.Amount.Amount() != "70.00" || c.Remedy.ApprovedBy == nil {
		t.Fatalf("applied: %+v", c.Remedy)
	}
	hist := decodeAs[cases.RemedyHistory](t, agent.call(http.MethodGet, d.path+"/remedies", nil))
	var statuses []string
	for _, r := range hist.Items {
		statuses = append(statuses, string(r.Status))
	}
	if strings.Join(statuses, " ") != "declined applied" || hist.Total[0].Amount() != "70.00" {
		t.Fatalf("history %v total %v", statuses, hist.Total)
	}
	if page := decodeAs[cases.Page[cases.Approval]](t, sup.call(http.MethodGet, "/api/v1/approvals", nil)); len(page.Items) != 0 {
		t.Fatalf("approvals left: %+v", page.Items)
	}

	t.Run("NobodyApprovesTheirOwnCase", func(t *testing.T) {
		own := newDeskCase(t, sup, "59.90", "小周")
		own.propose("refund", "100.00")
		wantProblem(t, sup.call(http.MethodPost, own.path+"/approvals", nil), 403, "")
	})
	t.Run("PendingApprovalsAreRemindedThenEscalated", func(t *testing.T) {
		d2 := newDeskCase(t, agent, "59.90", "小吴")
		d2.propose("refund", "300.00")
		now := time.Now()
		if err := e.srv.SweepApprovals(context.Background(), now); err != nil {
			t.Fatal(err)
		}
		if n := noticesOf(t, sup, "approval_overdue"); len(n) != 0 {
			t.Fatalf("reminded before the deadline: %+v", n)
		}
		if err := e.srv.SweepApprovals(context.Background(), now.Add(5*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := e.srv.SweepApprovals(context.Background(), now.Add(6*time.Hour)); err != nil {
			t.Fatal(err)
		}
		var about []int64
		for _, n := range noticesOf(t, sup, "approval_overdue") {
			about = append(about, *n.CaseID)
		}
		if len(about) != 2 || about[0] != d2.id { // this case's and NobodyApprovesTheirOwnCase's, once each
			t.Fatalf("reminders about cases %v", about)
		}
		admin := e.caller(cases.RoleAdmin)
		if err := e.srv.SweepApprovals(context.Background(), now.Add(9*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := noticesOf(t, admin, "approval_escalated"); len(n) != 2 {
			t.Fatalf("escalations: %+v", n)
		}
	})
}

func scores(over map[string]any) map[string]any {
	s := map[string]any{"answered_fast": 2, "listened": 2, "apologised": 2, "remedy_proportionate": 2,
		"followed_up": 2, "no_review_tied_remedy": 2, "no_false_admission": 2}
	for k, v := range over {
		s[k] = v
	}
	return s
}

func TestAuditQueueAndVerdicts(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	other := e.caller(cases.RoleSupervisor)
	costly := newDeskCase(t, agent, "900.00", "大客户")
	costly.propose("refund", "300.00")
	if rec := sup.call(http.MethodPost, costly.path+"/approvals", nil); rec.Code != 200 {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
	costly.move(map[string]any{"to": "follow_up"}, 200)
	open := newDeskCase(t, agent, "59.90", "小孙")
	t.Run("VerdictOnAnOpenCase", func(t *testing.T) {
		wantProblem(t, sup.call(http.MethodPost, open.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}), 409, "state")
	})
	costly.close()

	queue := decodeAs[cases.Page[cases.Audit]](t, sup.call(http.MethodGet, "/api/v1/audits/queue", nil))
	if len(queue.Items) != 1 || queue.Items[0].CaseID != costly.id {
		t.Fatalf("queue: %+v", queue.Items)
	}
	if r := queue.Items[0].Reasons; len(r) == 0 || r[0] != cases.ReasonRemedyAboveThreshold {
		t.Fatalf("reasons: %v", r)
	}
	for _, q := range []string{"?reason=remedy_above_threshold", fmt.Sprintf("?agent_id=%d", agent.user.ID), "?shop=杯具旗舰店"} {
		if page := decodeAs[cases.Page[cases.Audit]](t, sup.call(http.MethodGet, "/api/v1/audits/queue"+q, nil)); len(page.Items) != 1 {
			t.Errorf("filter %s: %+v", q, page.Items)
		}
	}
	if page := decodeAs[cases.Page[cases.Audit]](t, sup.call(http.MethodGet, "/api/v1/audits/queue?reason=reopened", nil)); len(page.Items) != 0 {
		t.Errorf("reason filter keeps other reasons: %+v", page.Items)
	}
	wantProblem(t, sup.call(http.MethodGet, "/api/v1/audits/queue?reason=whim", nil), 422, "reason")
	wantProblem(t, agent.call(http.MethodGet, "/api/v1/audits/queue", nil), 403, "")

	t.Run("BadVerdicts", func(t *testing.T) {
		path := costly.path + "/verdicts"
		for _, tc := range []struct {
			name   string
			caller caller
			body   map[string]any
			status int
			field  string
		}{
			{"AgentsDoNotAudit", agent, map[string]any{"verdict": "approved", "scores": scores(nil)}, 403, ""},
			{"UnknownVerdict", sup, map[string]any{"verdict": "fine", "scores": scores(nil)}, 422, "verdict"},
			{"UnknownItem", sup, map[string]any{"verdict": "approved", "scores": scores(map[string]any{"smiled": 2})}, 422, "scores.smiled"},
			{"ScoreOutOfRange", sup, map[string]any{"verdict": "approved", "scores": scores(map[string]any{"listened": 3})}, 422, "scores.listened"},
			{"MissingItem", sup, map[string]any{"verdict": "approved", "scores": map[string]any{"listened": 2}}, 422, "scores.answered_fast"},
			{"CriticalFailFailsTheAudit", sup, map[string]any{"verdict": "approved", "scores": scores(map[string]any{"no_review_tied_remedy": 0})}, 422, "verdict"},
			{"ReworkNamesWhatToFix", sup, map[string]any{"verdict": "rework", "scores": scores(nil), "comment": "x"}, 422, "scores"},
			{"CitesAnEventThatDoesNotExist", sup, map[string]any{"verdict": "approved", "scores": scores(nil), "comment": "见 #999"}, 422, "comment"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantProblem(t, tc.caller.call(http.MethodPost, path, tc.body), tc.status, tc.field)
			})
		}
		if vs := decodeAs[struct{ Items []cases.Verdict }](t, sup.call(http.MethodGet, path, nil)); len(vs.Items) != 0 {
			t.Fatalf("a refused verdict was recorded: %+v", vs.Items)
		}
	})

	t.Run("ReworkReopensAndIsDisputedOnce", func(t *testing.T) {
		rec := sup.call(http.MethodPost, costly.path+"/verdicts", map[string]any{"verdict": "rework",
			"scores": scores(map[string]any{"remedy_proportionate": 0, "followed_up": nil}), "comment": "退款过高，见 #5"})
		if rec.Code != 201 {
			t.Fatalf("verdict: %d %s", rec.Code, rec.Body)
		}
		v := decodeAs[cases.Verdict](t, rec)
		if v.Verdict != cases.VerdictRework || len(v.FailedItems) != 1 || v.FailedItems[0] != "remedy_proportionate" ||
			len(v.Cited) != 1 || v.Cited[0] != 5 || v.Score >= 100 {
			t.Fatalf("verdict %+v", v)
		}
		c := costly.get()
		if c.State != cases.StateListen || c.ReopenCount != 1 {
			t.Fatalf("after rework: %s reopened %d", c.State, c.ReopenCount)
		}
		if n := noticesOf(t, agent, "verdict_rework"); len(n) != 1 || !strings.Contains(n[0].Message, "补救适度") && !strings.Contains(n[0].Message, "Remedy proportionate") {
			t.Fatalf("agent's notices: %+v", n)
		}
		evs := decodeAs[struct{ Items []cases.Event }](t, agent.call(http.MethodGet, costly.path+"/events", nil)).Items
		if k := evs[len(evs)-2].Kind; k != cases.EventAudited {
			t.Fatalf("the verdict's event is %s", k)
		}
		wantProblem(t, sup.call(http.MethodPost, costly.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}), 409, "")

		dispute := fmt.Sprintf("/api/v1/verdicts/%d/dispute", v.ID)
		wantProblem(t, other.call(http.MethodPost, dispute, map[string]any{"comment": "不是我的"}), 403, "")
		wantProblem(t, agent.call(http.MethodPost, dispute, map[string]any{"comment": " "}), 422, "comment")
		if rec := agent.call(http.MethodPost, dispute, map[string]any{"comment": "补偿已获主管批准"}); rec.Code != 200 {
			t.Fatalf("dispute: %d %s", rec.Code, rec.Body)
		}
		wantProblem(t, agent.call(http.MethodPost, dispute, map[string]any{"comment": "再次申诉"}), 409, "verdict")
		if q := decodeAs[cases.Page[cases.Audit]](t, sup.call(http.MethodGet, "/api/v1/audits/queue", nil)); len(q.Items) != 0 {
			t.Fatalf("the disputed audit went back to its first auditor: %+v", q.Items)
		}
		q := decodeAs[cases.Page[cases.Audit]](t, other.call(http.MethodGet, "/api/v1/audits/queue", nil))
		if len(q.Items) != 1 || q.Items[0].Status != cases.AuditDisputed {
			t.Fatalf("the other supervisor's queue: %+v", q.Items)
		}
		wantProblem(t, sup.call(http.MethodPost, costly.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}), 403, "")
		if rec := other.call(http.MethodPost, costly.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}); rec.Code != 201 {
			t.Fatalf("second verdict: %d %s", rec.Code, rec.Body)
		}
	})

	t.Run("ConcurrentVerdictsOneWins", func(t *testing.T) {
		d := newDeskCase(t, agent, "59.90", "小钱")
		d.move(remedy("coupon", "5.00"), 200)
		d.close()
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i, s := range []caller{sup, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = s.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}).Code
			}()
		}
		wg.Wait()
		if !(codes[0] == 201 && codes[1] == 409 || codes[0] == 409 && codes[1] == 201) {
			t.Fatalf("codes %v", codes)
		}
		vs := decodeAs[struct{ Items []cases.Verdict }](t, sup.call(http.MethodGet, d.path+"/verdicts", nil))
		if len(vs.Items) != 1 {
			t.Fatalf("verdicts %+v", vs.Items)
		}
	})
	t.Run("NobodyAuditsTheirOwnCase", func(t *testing.T) {
		d := newDeskCase(t, sup, "59.90", "小李")
		d.move(remedy("coupon", "5.00"), 200)
		d.close()
		wantProblem(t, sup.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}), 403, "")
	})
	t.Run("ChecklistIsAdminEditable", func(t *testing.T) {
		admin := e.caller(cases.RoleAdmin)
		item := map[string]any{"key": "cited_rules", "label_en": "Cited the platform's rules", "label_zh": "引用平台规则", "weight": 1}
		wantProblem(t, sup.call(http.MethodPost, "/api/v1/audits/checklist", item), 403, "")
		if rec := admin.call(http.MethodPost, "/api/v1/audits/checklist", item); rec.Code != 200 {
			t.Fatalf("save item: %d %s", rec.Code, rec.Body)
		}
		item["weight"] = 0
		wantProblem(t, admin.call(http.MethodPost, "/api/v1/audits/checklist", item), 422, "weight")
		items := decodeAs[struct{ Items []cases.ChecklistItem }](t, agent.call(http.MethodGet, "/api/v1/audits/checklist", nil)).Items
		if len(items) != 8 {
			t.Fatalf("checklist %+v", items)
		}
	})
}

func TestListPendingApproval(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	waiting := newDeskCase(t, agent, "59.90", "小王")
	waiting.propose("refund", "120.00")
	within := newDeskCase(t, agent, "59.90", "小李")
	within.propose("coupon", "5.00")
	ids := func(query string) []int64 {
		t.Helper()
		rec := agent.call(http.MethodGet, "/api/v1/cases"+query, nil)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
		}
		var out []int64
		for _, c := range decodeAs[cases.Page[cases.Case]](t, rec).Items {
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids("?pending_approval=true"); len(got) != 1 || got[0] != waiting.id {
		t.Fatalf("pending_approval=true lists %v, want only %d", got, waiting.id)
	}
	if got := ids("?pending_approval=false"); len(got) != 1 || got[0] != within.id {
		t.Fatalf("pending_approval=false lists %v, want only %d", got, within.id)
	}
	if got := ids("?pending_approval=true&state=closed"); len(got) != 0 {
		t.Fatalf("pending_approval with state=closed lists %v", got)
	}
	wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?pending_approval=maybe", nil), 400, "pending_approval")
	sup := e.caller(cases.RoleSupervisor)
	if rec := sup.call(http.MethodPost, waiting.path+"/approvals", nil); rec.Code != 200 {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
	if got := ids("?pending_approval=true"); len(got) != 0 {
		t.Fatalf("an approved remedy still pends: %v", got)
	}
}
