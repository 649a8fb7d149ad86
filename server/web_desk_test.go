package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"redress/cases"
	"redress/cases/store"
)

// callerFor is an API client acting as u, who also uses the pages.
func (e *env) callerFor(u cases.User) caller {
	e.t.Helper()
	tok, err := e.people.CreateToken(cases.WithActor(context.Background(), u.Actor()), "tests")
	if err != nil {
		e.t.Fatal(err)
	}
	return caller{e: e, user: u, token: tok.Token}
}

// errorAt reports whether the page shows a field error inside the
// element whose data-field is field, within the form id.
func errorAt(body, formID, field string) bool {
	re := regexp.MustCompile(`(?s)id="` + regexp.QuoteMeta(formID) + `".*?data-field="` + regexp.QuoteMeta(field) + `">.*?</div>`)
	m := re.FindString(body)
	return strings.Contains(m, "field-error")
}

func (e *env) remedyOf(id int64) *cases.Remedy {
	e.t.Helper()
	c, err := store.New(e.db).Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Remedy
}

func TestDeskPage(t *testing.T) {
	e := newEnv(t)
	agentUser, agentB := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	agent := e.callerFor(agentUser)
	_, lead := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	_, zhLead := e.signedIn(cases.RoleSupervisor, cases.LanguageChinese)

	prior := newDeskCase(t, agent, "89.00", "老李")
	prior.move(remedy("partial_refund", "20.00"), 200)
	costly := newDeskCase(t, agent, "59.90", "老李")
	costly.propose("refund", "120.00")
	cid := strconv.FormatInt(costly.id, 10)

	t.Run("AgentsHaveNoDesk", func(t *testing.T) {
		wantHTML(t, e.page(agentB, "GET", "/desk", nil), http.StatusForbidden)
		if strings.Contains(e.page(agentB, "GET", "/", nil).Body.String(), `href="/desk"`) {
			t.Error("the header offers the desk to an agent")
		}
	})
	t.Run("ApprovalsWithTheCaseFacts", func(t *testing.T) {
		body := wantHTML(t, e.page(lead, "GET", "/desk", nil), http.StatusOK, `id="nav-desk"`, `id="approval-`+cid+`"`,
			"Full refund 120.00 CNY", "1 other cases with remedies", "20.00 CNY", `name="remedy_id"`, `name="from" value="desk"`)
		if !strings.Contains(body, `<dd class="evidence-count">0</dd>`) {
			t.Error("no evidence count")
		}
		wantHTML(t, e.page(zhLead, "GET", "/desk", nil), http.StatusOK, "待审批的补救方案", "全额退款 120.00 CNY")
	})
	t.Run("DeclineWithoutACommentIsRefusedAtTheComment", func(t *testing.T) {
		before := e.events(costly.id)
		rec := e.page(lead, "POST", "/cases/"+cid+"/approvals", url.Values{"decision": {"decline"}, "comment": {"  "},
			"from": {"desk"}, "version": {strconv.FormatInt(costly.get().Version, 10)}})
		body := wantHTML(t, rec, http.StatusUnprocessableEntity, "A decline needs a comment")
		if !errorAt(body, "decide-"+cid, "comment") {
			t.Error("the refusal is not next to the comment")
		}
		if e.events(costly.id) != before || e.remedyOf(costly.id) == nil {
			t.Fatal("a refused decline changed the case")
		}
		rec = e.page(zhLead, "POST", "/cases/"+cid+"/approvals", url.Values{"decision": {"decline"},
			"from": {"desk"}, "version": {strconv.FormatInt(costly.get().Version, 10)}})
		wantHTML(t, rec, http.StatusUnprocessableEntity, "驳回需要填写说明")
		rec = e.page(lead, "POST", "/cases/"+cid+"/approvals", url.Values{"decision": {"maybe"}, "comment": {"x"},
			"from": {"desk"}, "version": {strconv.FormatInt(costly.get().Version, 10)}})
		wantHTML(t, rec, http.StatusUnprocessableEntity)
		if e.events(costly.id) != before {
			t.Fatal("an unknown decision changed the case")
		}
	})
	t.Run("DeclineWithACommentTellsTheAgent", func(t *testing.T) {
		rec := e.page(lead, "POST", "/cases/"+cid+"/approvals", url.Values{"decision": {"decline"}, "comment": {"先补发，不要全额退款"},
			"from": {"desk"}, "version": {strconv.FormatInt(costly.get().Version, 10)}})
		wantRedirect(t, rec, "/desk?done=remedy_declined")
		if e.remedyOf(costly.id) != nil {
			t.Fatal("the declined remedy is still on the case")
		}
		if n := noticesOf(t, agent, "declined"); len(n) != 1 || !strings.Contains(n[0].Message, "先补发") {
			t.Fatalf("agent's notices %+v", n)
		}
		wantHTML(t, e.page(lead, "GET", "/desk?done=remedy_declined", nil), http.StatusOK, "No remedy waits for approval.")
		// The agent reads the decline and its comment in the case's remedies.
		wantHTML(t, e.page(agentB, "GET", "/cases/"+cid, nil), http.StatusOK, `data-status="declined"`, "先补发，不要全额退款")
	})
	t.Run("ApproveOnTheCasePageWithAStaleRemedyIsRefused", func(t *testing.T) {
		costly.propose("reship", "70.00")
		page := wantHTML(t, e.page(lead, "GET", "/cases/"+cid, nil), http.StatusOK, `id="decide-`+cid+`"`, "Decline")
		m := regexp.MustCompile(`name="remedy_id" value="(\d+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the case page's decision form does not name the remedy")
		}
		stale, _ := strconv.Atoi(m[1])
		rec := e.page(lead, "POST", "/cases/"+cid+"/approvals", url.Values{"remedy_id": {strconv.Itoa(stale - 1)},
			"version": {strconv.FormatInt(costly.get().Version, 10)}})
		wantHTML(t, rec, http.StatusConflict, "the remedy changed since it was proposed")
		if r := e.remedyOf(costly.id); r == nil || r.ApprovedBy != nil {
			t.Fatalf("a stale approval changed the remedy: %+v", r)
		}
		rec = e.page(lead, "POST", "/cases/"+cid+"/approvals", url.Values{"remedy_id": {m[1]}, "decision": {"approve"},
			"version": {strconv.FormatInt(costly.get().Version, 10)}})
		wantRedirect(t, rec, "/cases/"+cid+"?done=remedy_approved")
		if r := e.remedyOf(costly.id); r == nil || r.ApprovedBy == nil {
			t.Fatalf("not approved: %+v", r)
		}
	})

	t.Run("AuditQueueShowsReasonsAndFilters", func(t *testing.T) {
		costly.move(map[string]any{"to": "follow_up"}, 200)
		costly.close()
		body := wantHTML(t, e.page(lead, "GET", "/desk", nil), http.StatusOK, `href="/cases/`+cid+`/audit"`)
		if !strings.Contains(body, `<span class="tag">`) {
			t.Error("the audit queue shows no reasons")
		}
		for _, q := range []string{"?reason=reopened", "?shop=nowhere", fmt.Sprintf("?agent=%d", lead0(t, e))} {
			if strings.Contains(wantHTML(t, e.page(lead, "GET", "/desk"+q, nil), http.StatusOK), `/cases/`+cid+`/audit"`) {
				t.Errorf("filter %s keeps the case", q)
			}
		}
		for _, q := range []string{"?reason=" + url.QueryEscape(string(mustReason(t, e, costly.id))), "?shop=" + url.QueryEscape("杯具旗舰店"),
			fmt.Sprintf("?agent=%d", agentUser.ID)} {
			wantHTML(t, e.page(lead, "GET", "/desk"+q, nil), http.StatusOK, `/cases/`+cid+`/audit"`)
		}
		body = wantHTML(t, e.page(lead, "GET", "/desk?reason=whim", nil), http.StatusUnprocessableEntity)
		if !regexp.MustCompile(`(?s)id="f-reason".*?field-error`).MatchString(body) {
			t.Error("a bad reason is not refused at the reason")
		}
		body = wantHTML(t, e.page(lead, "GET", "/desk?agent=bob", nil), http.StatusBadRequest, "Choose an agent from the list.")
		if !regexp.MustCompile(`(?s)id="f-agent".*?field-error`).MatchString(body) {
			t.Error("a bad agent is not refused at the agent")
		}
	})
}

// lead0 is a user id no case is assigned to.
func lead0(t *testing.T, e *env) int64 {
	t.Helper()
	return e.addUser(cases.RoleAgent).ID
}

// mustReason is the first reason the case's audit was selected for.
func mustReason(t *testing.T, e *env, caseID int64) cases.AuditReason {
	t.Helper()
	audits, err := store.New(e.db).Desk().Audits(context.Background(), caseID)
	if err != nil || len(audits) == 0 {
		t.Fatalf("audits of case %d: %v %v", caseID, audits, err)
	}
	return audits[0].Reasons[0]
}

// scoreForm is a scorecard as the audit page posts it: every item 2 but
// those given.
func scoreForm(verdict, comment string, over map[string]string) url.Values {
	f := url.Values{"verdict": {verdict}, "comment": {comment}}
	for _, k := range []string{"answered_fast", "listened", "apologised", "remedy_proportionate", "followed_up",
		"no_review_tied_remedy", "no_false_admission"} {
		f.Set("score."+k, "2")
	}
	for k, v := range over {
		if v == "" {
			f.Del("score." + k)
		} else {
			f.Set("score."+k, v)
		}
	}
	return f
}

func TestAuditPage(t *testing.T) {
	e := newEnv(t)
	agentUser, agentB := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	agent := e.callerFor(agentUser)
	supUser, lead := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	sup := e.callerFor(supUser)
	_, zhLead := e.signedIn(cases.RoleSupervisor, cases.LanguageChinese)

	d := newDeskCase(t, agent, "900.00", "大客户")
	id := strconv.FormatInt(d.id, 10)
	wantRedirect(t, e.page(agentB, "POST", "/cases/"+id+"/evidence", url.Values{"text": {"[10:01] 大客户：杯子碎了\n[10:02] 客服：非常抱歉"},
		"speaker": {"大客户", "客服"}, "role": {"buyer", "shop"}}),
		"/cases/"+id+"?done=evidence_added#evidence")
	t.Run("OpenCaseCannotBeJudged", func(t *testing.T) {
		wantHTML(t, e.page(lead, "GET", "/cases/"+id+"/audit", nil), http.StatusOK, "a verdict judges a closed case")
		before := e.events(d.id)
		wantHTML(t, e.page(lead, "POST", "/cases/"+id+"/verdicts", scoreForm("approved", "", nil)), http.StatusConflict, "is open")
		if e.events(d.id) != before {
			t.Fatal("a verdict on an open case changed it")
		}
	})
	d.propose("refund", "300.00")
	if rec := sup.call(http.MethodPost, d.path+"/approvals", nil); rec.Code != 200 {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
	d.move(map[string]any{"to": "follow_up"}, 200)
	d.close()

	t.Run("TimelineEvidenceAndScorecardSideBySide", func(t *testing.T) {
		body := wantHTML(t, e.page(lead, "GET", "/cases/"+id+"/audit", nil), http.StatusOK,
			`id="verdict-form"`, `<span class="seq">#1</span>`, `<th scope="row">大客户</th>`, "非常抱歉",
			`name="score.remedy_proportionate" value="0"`, "costly remedy", "300.00 CNY")
		if !strings.Contains(body, `data-item="no_review_tied_remedy"`) || !strings.Contains(body, "critical") {
			t.Error("the scorecard lacks its critical items")
		}
		wantHTML(t, e.page(zhLead, "GET", "/cases/"+id+"/audit", nil), http.StatusOK, "评分表", "提交审核结论", "补救金额高")
		wantHTML(t, e.page(agentB, "GET", "/cases/"+id+"/audit", nil), http.StatusForbidden)
		wantHTML(t, e.page(agentB, "POST", "/cases/"+id+"/verdicts", scoreForm("approved", "", nil)), http.StatusForbidden)
	})
	t.Run("BadScorecardsAreRefusedAtTheirField", func(t *testing.T) {
		before := e.events(d.id)
		for _, tc := range []struct {
			name   string
			form   url.Values
			status int
			field  string
			says   string
		}{
			{"NoVerdict", scoreForm("", "", nil), 422, "verdict", "Choose approved or rework"},
			{"ItemNotScored", scoreForm("approved", "", map[string]string{"listened": ""}), 422, "scores.answered_fast", ""},
			{"ScoreNotANumber", scoreForm("approved", "", map[string]string{"listened": "x"}), 400, "scores.listened", "Score this item"},
			{"ScoreOutOfRange", scoreForm("approved", "", map[string]string{"listened": "3"}), 422, "scores.listened", "Score this item"},
			{"CriticalFailNeedsRework", scoreForm("approved", "", map[string]string{"no_review_tied_remedy": "0"}), 422, "verdict", "a failed critical item means rework"},
			{"ReworkWithoutComment", scoreForm("rework", " ", map[string]string{"followed_up": "0"}), 422, "comment", "a rework needs one"},
			{"CitesAMissingEvent", scoreForm("approved", "see #999", nil), 422, "comment", "cites event #999"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				body := wantHTML(t, e.page(lead, "POST", "/cases/"+id+"/verdicts", tc.form), tc.status, tc.says)
				if tc.field == "scores.answered_fast" {
					tc.field = "scores.listened" // the item left out
				}
				if !regexp.MustCompile(`(?s)data-field="` + regexp.QuoteMeta(tc.field) + `">.*?field-error`).MatchString(body) {
					t.Errorf("the refusal is not at %s", tc.field)
				}
				if tc.form.Get("comment") != "" && !strings.Contains(body, tc.form.Get("comment")) && strings.TrimSpace(tc.form.Get("comment")) != "" {
					t.Error("the comment typed is lost")
				}
			})
		}
		if e.events(d.id) != before {
			t.Fatal("a refused verdict changed the case")
		}
	})
	t.Run("ReworkReopensAndTheAgentSeesWhatToFix", func(t *testing.T) {
		rec := e.page(lead, "POST", "/cases/"+id+"/verdicts", scoreForm("rework", "退款过高，见 #5", map[string]string{"remedy_proportionate": "0", "followed_up": "na"}))
		wantRedirect(t, rec, "/cases/"+id+"?done=verdict_given#verdicts")
		if c := d.get(); c.State != cases.StateListen {
			t.Fatalf("after rework the case is in %s", c.State)
		}
		body := wantHTML(t, e.page(agentB, "GET", "/cases/"+id, nil), http.StatusOK, `data-verdict="rework"`, "What must be fixed:",
			"Remedy proportionate", "退款过高，见 #5", `action="/verdicts/`)
		if strings.Contains(body, `href="/cases/`+id+`/audit"`) {
			t.Error("an agent is offered the audit")
		}
		vid := regexp.MustCompile(`action="/verdicts/(\d+)/dispute"`).FindStringSubmatch(body)[1]
		before := e.events(d.id)
		rec = e.page(agentB, "POST", "/verdicts/"+vid+"/dispute", url.Values{"case_id": {id}, "comment": {"  "}})
		body = wantHTML(t, rec, http.StatusUnprocessableEntity, "A dispute needs a comment")
		if !errorAt(body, "dispute-"+vid, "comment") {
			t.Error("the refusal is not next to the dispute's comment")
		}
		if e.events(d.id) != before {
			t.Fatal("a refused dispute changed the case")
		}
		wantHTML(t, e.page(lead, "POST", "/verdicts/"+vid+"/dispute", url.Values{"case_id": {id}, "comment": {"不是我的"}}), http.StatusForbidden)
		wantRedirect(t, e.page(agentB, "POST", "/verdicts/"+vid+"/dispute", url.Values{"case_id": {id}, "comment": {"补偿已获主管批准"}}),
			"/cases/"+id+"?done=verdict_disputed#verdicts")
		wantHTML(t, e.page(agentB, "GET", "/cases/"+id, nil), http.StatusOK, "Disputed", "补偿已获主管批准")
	})
}

func TestPolicyPage(t *testing.T) {
	e := newEnv(t)
	_, admin := e.signedIn(cases.RoleAdmin, cases.LanguageEnglish)
	_, zhAdmin := e.signedIn(cases.RoleAdmin, cases.LanguageChinese)
	_, lead := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	policy := func() int {
		var n int
		if err := e.db.Get(&n, `SELECT (SELECT count(*) FROM remedy_policies) + (SELECT count(*) FROM exchange_rates) +
			(SELECT count(*) FROM audit_checklist)`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	wantHTML(t, e.page(lead, "GET", "/desk/policy", nil), http.StatusForbidden)
	wantHTML(t, e.page(lead, "POST", "/desk/policy/limits", url.Values{"currency": {"CNY"}}), http.StatusForbidden)
	wantHTML(t, e.page(admin, "GET", "/desk/policy", nil), http.StatusOK, `id="limits-form"`, `id="checklist-table"`, "no_review_tied_remedy")
	wantHTML(t, e.page(admin, "GET", "/desk", nil), http.StatusOK, `href="/desk/policy"`)

	before := policy()
	for _, tc := range []struct {
		name, path, form string
		values           url.Values
		status           int
		field            string
		says             string
	}{
		{"PercentNotANumber", "/desk/policy/limits", "limits-form", url.Values{"currency": {"CNY"}, "max_order_percent": {"lots"}, "case_limit": {"500"}}, 400, "max_order_percent", "A whole number of percent"},
		{"PercentOutOfRange", "/desk/policy/limits", "limits-form", url.Values{"currency": {"CNY"}, "max_order_percent": {"0"}, "case_limit": {"500"}}, 422, "max_order_percent", "A whole number of percent"},
		{"UnknownCurrency", "/desk/policy/limits", "limits-form", url.Values{"currency": {"XXY"}, "max_order_percent": {"100"}, "case_limit": {"500"}}, 422, "currency", "A currency code"},
		{"BadCaseLimit", "/desk/policy/limits", "limits-form", url.Values{"currency": {"CNY"}, "max_order_percent": {"100"}, "case_limit": {"5.001"}}, 422, "case_limit", "An amount in the currency"},
		{"RateToItself", "/desk/policy/rates", "rates-form", url.Values{"currency": {"CNY"}, "to_currency": {"CNY"}, "rate": {"1"}}, 422, "to_currency", "Another currency code"},
		{"NegativeRate", "/desk/policy/rates", "rates-form", url.Values{"currency": {"USD"}, "to_currency": {"CNY"}, "rate": {"-7"}}, 422, "rate", "A positive decimal"},
		{"BadKey", "/desk/policy/checklist", "checklist-form", url.Values{"key": {"Cited Rules"}, "label_en": {"x"}, "label_zh": {"x"}, "weight": {"1"}}, 422, "key", "Lower-case letters"},
		{"NoChineseLabel", "/desk/policy/checklist", "checklist-form", url.Values{"key": {"cited_rules"}, "label_en": {"Cited rules"}, "weight": {"1"}}, 422, "label_zh", "Chinese label"},
		{"WeightZero", "/desk/policy/checklist", "checklist-form", url.Values{"key": {"cited_rules"}, "label_en": {"x"}, "label_zh": {"x"}, "weight": {"0"}}, 422, "weight", "from 1 to 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := wantHTML(t, e.page(admin, "POST", tc.path, tc.values), tc.status, tc.says)
			if !errorAt(body, tc.form, tc.field) {
				t.Errorf("the refusal is not next to %s", tc.field)
			}
		})
	}
	wantHTML(t, e.page(zhAdmin, "POST", "/desk/policy/rates", url.Values{"currency": {"USD"}, "to_currency": {"CNY"}, "rate": {"x"}}),
		http.StatusUnprocessableEntity, "请填写正数")
	if policy() != before {
		t.Fatal("a refused form changed the policy")
	}

	wantRedirect(t, e.page(admin, "POST", "/desk/policy/limits", url.Values{"shop": {"杯具旗舰店"}, "currency": {"cny"},
		"max_order_percent": {"80"}, "case_limit": {"300.00"}, "buyer_limit": {"400.00"}, "buyer_window_days": {"60"}}), "/desk/policy?done=policy_saved")
	wantRedirect(t, e.page(admin, "POST", "/desk/policy/rates", url.Values{"currency": {"usd"}, "to_currency": {"CNY"}, "rate": {"7.10"}}),
		"/desk/policy?done=rate_saved")
	wantRedirect(t, e.page(admin, "POST", "/desk/policy/checklist", url.Values{"key": {"cited_rules"}, "label_en": {"Cited the platform's rules"},
		"label_zh": {"引用平台规则"}, "weight": {"3"}, "critical": {"on"}, "active": {"on"}}), "/desk/policy?done=checklist_saved#checklist")
	body := wantHTML(t, e.page(admin, "GET", "/desk/policy?item=cited_rules", nil), http.StatusOK, `data-shop="杯具旗舰店"`, "80%", "300.00",
		"1 USD = 7.10", `data-item="cited_rules"`, `value="引用平台规则"`)
	if !strings.Contains(body, `id="checklist-critical" name="critical" checked`) {
		t.Error("the edit form does not show the item as critical")
	}
	limits, err := store.New(e.db).Desk().RemedyLimits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var saved bool
	for _, l := range limits {
		saved = saved || (l.Shop == "杯具旗舰店" && l.MaxOrderPercent == 80 && l.BuyerWindowDays == 60 && l.BuyerLimit != nil)
	}
	if !saved {
		t.Fatalf("limits %+v", limits)
	}
}
