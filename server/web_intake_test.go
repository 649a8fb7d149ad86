package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"redress/cases"
)

// returnRefundCase walks a case of agent's through the API to follow_up
// with a return_refund remedy, waiting on the return.
func returnRefundCase(t *testing.T, agent caller) cases.Case {
	t.Helper()
	m := newCaseBody()
	m["kind"], m["assignee_id"], m["external_id"] = "return_refund", agent.user.ID, fmt.Sprintf("RR-%d", agent.user.ID)
	c := decodeAs[cases.Case](t, agent.call(http.MethodPost, "/api/v1/cases", m))
	for _, mv := range []map[string]any{
		{"to": "listen", "first_response": "您好，我们马上处理"},
		{"to": "apologise", "account": "杯子破损", "root_cause": "logistics"},
		{"to": "remedy", "apology": "非常抱歉"},
		{"to": "follow_up", "remedy": map[string]any{"type": "return_refund", "amount": "59.90", "currency": "CNY"}},
	} {
		rec := agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", c.ID), mv, "If-Match", fmt.Sprintf(`"v%d"`, c.Version))
		if rec.Code != http.StatusOK {
			t.Fatalf("%v: %d %s", mv["to"], rec.Code, rec.Body)
		}
		c = decodeAs[cases.Case](t, rec)
	}
	return c
}

// TestReturnReceivedForm records a return_refund's returned parcel from
// the case page, through the same action as the API; every bad input is
// refused next to its field, in both languages, and changes nothing.
func TestReturnReceivedForm(t *testing.T) {
	e := newEnv(t)
	agentUser, agentB := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	agent := e.callerFor(agentUser)
	zhUser, zhB := e.signedIn(cases.RoleAgent, cases.LanguageChinese)
	_, otherB := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	c := returnRefundCase(t, agent)
	casePath := "/cases/" + strconv.FormatInt(c.ID, 10)
	post := casePath + "/return-received"
	version := strconv.FormatInt(c.Version, 10)
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")

	wantHTML(t, e.page(agentB, "GET", casePath, nil), http.StatusOK, `id="return-form"`, `action="`+post+`"`,
		`type="date" id="return-received_at"`, "Record the return received")
	if strings.Contains(e.page(otherB, "GET", casePath, nil).Body.String(), `id="return-form"`) {
		t.Error("the form is offered to an agent who may not act on the case")
	}
	before := e.events(c.ID)
	form := func(over map[string]string) url.Values {
		v := url.Values{"version": {version}, "courier": {"顺丰"}, "waybill": {"SF123"}, "received_at": {today}}
		for k, x := range over {
			v.Set(k, x)
		}
		return v
	}
	for _, tc := range []struct {
		name   string
		over   map[string]string
		status int
		field  string
		says   string
	}{
		{"NoDate", map[string]string{"received_at": ""}, 422, "received_at", "The day the returned goods arrived"},
		{"NotADate", map[string]string{"received_at": "20/11/2026"}, 400, "received_at", "must be a date"},
		{"InTheFuture", map[string]string{"received_at": time.Now().AddDate(0, 0, 3).Format("2006-01-02")}, 422, "received_at", "in the future"},
		{"NoCourier", map[string]string{"courier": " "}, 422, "courier", "The courier that carried the return"},
		{"NoWaybill", map[string]string{"waybill": ""}, 422, "waybill", "waybill number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := wantHTML(t, e.page(agentB, "POST", post, form(tc.over)), tc.status, tc.says)
			if !errorAt(body, "return-form", tc.field) {
				t.Errorf("the refusal is not next to %s", tc.field)
			}
		})
	}
	t.Run("Stale", func(t *testing.T) {
		wantHTML(t, e.page(agentB, "POST", post, form(map[string]string{"version": strconv.FormatInt(c.Version-1, 10)})),
			http.StatusConflict, `class="stale"`)
	})
	t.Run("NotTheirs", func(t *testing.T) {
		if rec := e.page(otherB, "POST", post, form(nil)); rec.Code != http.StatusForbidden {
			t.Fatalf("another agent recorded the return: %d", rec.Code)
		}
	})
	t.Run("Chinese", func(t *testing.T) {
		zc := returnRefundCase(t, e.callerFor(zhUser))
		zpost := "/cases/" + strconv.FormatInt(zc.ID, 10) + "/return-received"
		body := wantHTML(t, e.page(zhB, "POST", zpost, url.Values{"version": {strconv.FormatInt(zc.Version, 10)}, "courier": {"顺丰"},
			"waybill": {"SF9"}, "received_at": {"明天"}}), http.StatusBadRequest, "退货到达的日期", "登记退货已签收")
		if !errorAt(body, "return-form", "received_at") {
			t.Error("the refusal is not next to received_at")
		}
	})
	t.Run("CloseWaitsOnTheReturn", func(t *testing.T) {
		wantHTML(t, e.page(agentB, "POST", casePath+"/transitions", url.Values{"version": {version}, "move": {"forward"}, "to": {"closed"},
			"outcome.buyer_satisfied": {"true"}, "outcome.review": {"unchanged"}, "outcome.note": {"退款完成"}}),
			http.StatusUnprocessableEntity, "must be recorded received first")
	})
	if after := e.events(c.ID); after != before {
		t.Fatalf("refused forms wrote %d events", after-before)
	}

	wantRedirect(t, e.page(agentB, "POST", post, form(nil)), casePath+"?done=return_received")
	body := wantHTML(t, e.page(agentB, "GET", casePath+"?done=return_received", nil), http.StatusOK,
		"Return recorded received.", "顺丰 SF123", "Return received")
	if strings.Contains(body, `id="return-form"`) {
		t.Error("the form is still offered after the return was recorded")
	}
	got := decodeAs[cases.Case](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", c.ID), nil))
	if got.Return == nil || got.Return.ReceivedAt == nil || got.Return.Waybill != "SF123" {
		t.Fatalf("return %+v", got.Return)
	}
	if d := got.Return.ReceivedAt.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"); d != today {
		t.Errorf("received on %s, want %s", d, today)
	}
}

// TestPlatformRulesPage lists the platforms' default deadlines with their
// source for admins, changes one through the same store call as
// PUT /api/v1/platform-rules/{platform}/{kind}, refuses bad input next to
// its field in both languages without changing anything, and is no page
// of agents' or supervisors'.
func TestPlatformRulesPage(t *testing.T) {
	e := newEnv(t)
	_, admin := e.signedIn(cases.RoleAdmin, cases.LanguageEnglish)
	_, zhAdmin := e.signedIn(cases.RoleAdmin, cases.LanguageChinese)
	agentUser, agentB := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	_, lead := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	rules := func() string {
		var s string
		if err := e.db.Get(&s, `SELECT string_agg(platform||'/'||kind||'/'||name||'/'||due_hours||'/'||source, '|' ORDER BY platform, kind) FROM platform_rules`); err != nil {
			t.Fatal(err)
		}
		return s
	}

	t.Run("AdminsOnly", func(t *testing.T) {
		for _, b := range []browser{agentB, lead} {
			wantHTML(t, e.page(b, "GET", "/platform-rules", nil), http.StatusForbidden)
			wantHTML(t, e.page(b, "POST", "/platform-rules", url.Values{"platform": {"taobao"}, "kind": {"refund_only"},
				"name": {"x"}, "due_hours": {"1"}}), http.StatusForbidden)
			if strings.Contains(e.page(b, "GET", "/", nil).Body.String(), `href="/platform-rules"`) {
				t.Error("the header offers the platform rules to a non-admin")
			}
		}
		wantHTML(t, e.page(admin, "GET", "/", nil), http.StatusOK, `href="/platform-rules"`)
	})
	wantHTML(t, e.page(admin, "GET", "/platform-rules", nil), http.StatusOK, `id="platform-rules"`,
		`data-rule="taobao/refund_only"`, "Taobao refund-only: seller answers in 48 h", "Taobao refund rules: 48 h seller response", "48 h")
	wantHTML(t, e.page(zhAdmin, "GET", "/platform-rules", nil), http.StatusOK, "平台规则", "48 小时")

	before := rules()
	for _, tc := range []struct {
		name   string
		values url.Values
		status int
		field  string
		says   string
	}{
		{"HoursNotANumber", url.Values{"platform": {"taobao"}, "kind": {"refund_only"}, "name": {"x"}, "due_hours": {"two days"}}, 400, "due_hours", "A whole number of hours"},
		{"HoursZero", url.Values{"platform": {"taobao"}, "kind": {"refund_only"}, "name": {"x"}, "due_hours": {"0"}}, 422, "due_hours", "A whole number of hours"},
		{"HoursOverAYear", url.Values{"platform": {"taobao"}, "kind": {"refund_only"}, "name": {"x"}, "due_hours": {"9000"}}, 422, "due_hours", "A whole number of hours"},
		{"NoName", url.Values{"platform": {"taobao"}, "kind": {"refund_only"}, "name": {"  "}, "due_hours": {"24"}}, 422, "name", "The rule&#39;s name"},
		{"UnknownPlatform", url.Values{"platform": {"ebay"}, "kind": {"refund_only"}, "name": {"x"}, "due_hours": {"24"}}, 422, "platform", "not a platform"},
		{"UnknownKind", url.Values{"platform": {"jd"}, "kind": {"chargeback"}, "name": {"x"}, "due_hours": {"24"}}, 422, "kind", "not a kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := wantHTML(t, e.page(admin, "POST", "/platform-rules", tc.values), tc.status, tc.says)
			if !errorAt(body, "rule-form", tc.field) {
				t.Errorf("the refusal is not next to %s", tc.field)
			}
		})
	}
	wantHTML(t, e.page(zhAdmin, "POST", "/platform-rules", url.Values{"platform": {"jd"}, "kind": {"refund_only"}, "name": {"x"}, "due_hours": {"-1"}}),
		http.StatusUnprocessableEntity, "请填写 1 到 8784 之间的整数小时")
	if rules() != before {
		t.Fatal("a refused form changed the platform rules")
	}

	wantHTML(t, e.page(admin, "GET", "/platform-rules?platform=taobao&kind=refund_only", nil), http.StatusOK,
		`value="Taobao refund-only: seller answers in 48 h"`, "Change the rule")
	wantRedirect(t, e.page(admin, "POST", "/platform-rules", url.Values{"platform": {"taobao"}, "kind": {"refund_only"},
		"name": {"淘宝仅退款：24 小时内处理"}, "due_hours": {"24"}, "source": {"淘宝规则 2026"}}), "/platform-rules?done=platform_rule_saved#rule-taobao-refund_only")
	api := e.callerFor(agentUser)
	var found bool
	for _, r := range decodeAs[struct {
		Items []cases.PlatformRule `json:"items"`
	}](t, api.call(http.MethodGet, "/api/v1/platform-rules", nil)).Items {
		found = found || (r.Platform == "taobao" && r.Kind == "refund_only" && r.DueHours == 24 && r.Name == "淘宝仅退款：24 小时内处理" && r.UpdatedBy != nil)
	}
	if !found {
		t.Fatal("the API does not show the rule as saved")
	}
	// A new case of that platform and kind takes the rule, and its page
	// names it beside the platform deadline.
	m := newCaseBody()
	m["kind"], m["external_id"] = "refund_only", "PR-1"
	c := decodeAs[cases.Case](t, api.call(http.MethodPost, "/api/v1/cases", m))
	if c.PlatformDueAt == nil || c.PlatformDueAt.Sub(c.CreatedAt).Round(time.Minute) != 24*time.Hour {
		t.Fatalf("platform deadline %v of a case created %v", c.PlatformDueAt, c.CreatedAt)
	}
	wantHTML(t, e.page(agentB, "GET", fmt.Sprintf("/cases/%d", c.ID), nil), http.StatusOK, `class="muted platform-rule"`, "淘宝仅退款：24 小时内处理")
}

// toneRuleForm is a valid rule as the tone rules form posts it.
func toneRuleForm(id string, over map[string][]string) url.Values {
	v := url.Values{"rule.id": {id}, "rule.language": {"zh-CN"}, "rule.stages": {"apology", "first_response"},
		"rule.pattern": {"没办法"}, "rule.except": {"不是没办法"}, "rule.severity": {"warning"}, "rule.category": {"dismissive"},
		"rule.message.zh-CN": {"“没办法”听起来像推脱"}, "rule.message.en": {"\"No way\" sounds like brushing the buyer off"},
		"rule.suggestion.zh-CN": {"我们来想想其他办法"}, "rule.suggestion.en": {"Let us find another way"}}
	for k, x := range over {
		v[k] = x
	}
	return v
}

// TestToneRulesPage lists, adds, edits and deletes tone rules as data
// through the same actions as /api/v1/tone/rules, refuses bad rules (a
// pattern that does not compile or matches nothing but the empty text)
// next to their field in both languages without changing anything, and
// is no page of agents' or supervisors'.
func TestToneRulesPage(t *testing.T) {
	e := newEnv(t)
	adminUser, admin := e.signedIn(cases.RoleAdmin, cases.LanguageEnglish)
	_, zhAdmin := e.signedIn(cases.RoleAdmin, cases.LanguageChinese)
	agentUser, agentB := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	_, lead := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	state := func() string {
		var s string
		if err := e.db.Get(&s, `SELECT coalesce(string_agg(id||enabled::text||rule::text, '|' ORDER BY id), '')
			|| (SELECT revision::text FROM tone_rule_set) FROM tone_rules`); err != nil {
			t.Fatal(err)
		}
		return s
	}
	check := func(text string) []map[string]any {
		t.Helper()
		return decodeAs[struct {
			Warnings []map[string]any `json:"warnings"`
		}](t, e.callerFor(agentUser).call(http.MethodPost, "/api/v1/tone/check", map[string]any{"text": text, "stage": "apology", "lang": "zh-CN"})).Warnings
	}
	hasRule := func(ws []map[string]any, id string) bool {
		for _, w := range ws {
			if w["rule"] == id {
				return true
			}
		}
		return false
	}

	t.Run("AdminsOnly", func(t *testing.T) {
		for _, b := range []browser{agentB, lead} {
			wantHTML(t, e.page(b, "GET", "/tone-rules", nil), http.StatusForbidden)
			wantHTML(t, e.page(b, "POST", "/tone-rules", toneRuleForm("sneaky", nil)), http.StatusForbidden)
			wantHTML(t, e.page(b, "POST", "/tone-rules/zh_review_card/delete", url.Values{}), http.StatusForbidden)
			if strings.Contains(e.page(b, "GET", "/", nil).Body.String(), `href="/tone-rules"`) {
				t.Error("the header offers the tone rules to a non-admin")
			}
		}
	})
	wantHTML(t, e.page(admin, "GET", "/", nil), http.StatusOK, `href="/tone-rules"`)
	wantHTML(t, e.page(admin, "GET", "/tone-rules", nil), http.StatusOK, `id="tone-rules"`, `data-rule="zh_review_tied_remedy"`,
		`id="tone-form"`, "shipped")
	wantHTML(t, e.page(zhAdmin, "GET", "/tone-rules", nil), http.StatusOK, "话术规则", "内置")

	before := state()
	for _, tc := range []struct {
		name   string
		over   map[string][]string
		status int
		field  string
		says   string
	}{
		{"PatternDoesNotCompile", map[string][]string{"rule.pattern": {"(没办法"}}, 422, "rule.pattern", "A regular expression that compiles"},
		{"PatternMatchesEmpty", map[string][]string{"rule.pattern": {"x*"}}, 422, "rule.pattern", "does not match an empty text"},
		{"NoPattern", map[string][]string{"rule.pattern": {""}}, 422, "rule.pattern", "A regular expression"},
		{"ExceptDoesNotCompile", map[string][]string{"rule.except": {"[不"}}, 422, "rule.except", "A regular expression that compiles, or nothing"},
		{"BadId", map[string][]string{"rule.id": {"No Way!"}}, 422, "rule.id", "Lower-case letters"},
		{"IdTaken", map[string][]string{"rule.id": {"zh_review_card"}}, 409, "rule.id", "exists already"},
		{"NoEnglishMessage", map[string][]string{"rule.message.en": {" "}}, 422, "rule.message.en", "Say in English what is wrong"},
		{"UnknownSeverity", map[string][]string{"rule.severity": {"fatal"}}, 422, "rule.severity", "Choose a severity"},
		{"PlatformSeverityNotAPair", map[string][]string{"rule.platform_severity": {"amazon"}}, 400, "rule.platform_severity", "platform=severity"},
		{"PlatformSeverityUnknown", map[string][]string{"rule.platform_severity": {"amazon=loud"}}, 422, "rule.platform_severity", "platform=severity"},
		{"ReviewRuleWithoutSource", map[string][]string{"rule.category": {"review_tied_remedy"}}, 422, "rule.source", "Cite the rule or law"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := wantHTML(t, e.page(admin, "POST", "/tone-rules", toneRuleForm("zh_no_way", tc.over)), tc.status, tc.says)
			if !errorAt(body, "tone-form", tc.field) {
				t.Errorf("the refusal is not next to %s", tc.field)
			}
			if !strings.Contains(body, `value="zh_no_way"`) && tc.name != "BadId" && tc.name != "IdTaken" {
				t.Error("the form lost what was typed")
			}
		})
	}
	t.Run("EditRefused", func(t *testing.T) {
		body := wantHTML(t, e.page(admin, "POST", "/tone-rules/zh_review_card", url.Values{"rule.id": {"zh_review_card"},
			"rule.pattern": {"("}, "rule.severity": {"warning"}, "enabled": {"on"}}), 422, "A regular expression that compiles")
		if !errorAt(body, "tone-form", "rule.pattern") || !strings.Contains(body, `action="/tone-rules/zh_review_card"`) {
			t.Error("the refused edit is not shown as an edit with the error at its pattern")
		}
	})
	wantHTML(t, e.page(zhAdmin, "POST", "/tone-rules", toneRuleForm("zh_no_way", map[string][]string{"rule.pattern": {"("}})),
		http.StatusUnprocessableEntity, "请填写可编译且不会匹配空文字的正则表达式")
	if state() != before {
		t.Fatal("a refused form changed the tone rules")
	}
	if hasRule(check("真的没办法"), "zh_no_way") {
		t.Fatal("a refused rule checks texts")
	}

	// Add: the rule checks texts at once, its exception holds.
	wantRedirect(t, e.page(admin, "POST", "/tone-rules", toneRuleForm("zh_no_way", nil)), "/tone-rules?done=tone_rule_saved")
	if !hasRule(check("真的没办法"), "zh_no_way") || hasRule(check("我们不是没办法"), "zh_no_way") {
		t.Fatal("the added rule does not check texts as written")
	}
	wantHTML(t, e.page(admin, "GET", "/tone-rules?rule=zh_no_way", nil), http.StatusOK, `action="/tone-rules/zh_no_way"`,
		`value="不是没办法"`, `<option value="apology" selected>`, "Change rule zh_no_way")
	// Edit: a severity per platform, and off.
	wantRedirect(t, e.page(admin, "POST", "/tone-rules/zh_no_way", toneRuleForm("zh_no_way", map[string][]string{
		"rule.platform_severity": {"amazon=block, jd=info"}})), "/tone-rules?done=tone_rule_saved")
	rules := decodeAs[struct {
		Items []cases.ToneRuleRecord `json:"items"`
	}](t, e.callerFor(adminUser).call(http.MethodGet, "/api/v1/tone/rules", nil)).Items
	for _, r := range rules {
		var rule struct {
			PlatformSeverity map[string]string `json:"platform_severity"`
		}
		if err := json.Unmarshal(r.Rule, &rule); err != nil {
			t.Fatal(err)
		}
		if r.ID == "zh_no_way" && (r.Enabled || rule.PlatformSeverity["amazon"] != "block" || rule.PlatformSeverity["jd"] != "info") {
			t.Fatalf("edited rule %s enabled=%v", r.Rule, r.Enabled)
		}
	}
	if hasRule(check("真的没办法"), "zh_no_way") {
		t.Fatal("a disabled rule checks texts")
	}
	// Delete: an added rule goes, a shipped one is disabled.
	wantRedirect(t, e.page(admin, "POST", "/tone-rules/zh_no_way/delete", url.Values{}), "/tone-rules?done=tone_rule_removed")
	wantRedirect(t, e.page(admin, "POST", "/tone-rules/zh_review_card/delete", url.Values{}), "/tone-rules?done=tone_rule_removed")
	body := wantHTML(t, e.page(admin, "GET", "/tone-rules?done=tone_rule_removed", nil), http.StatusOK, "Tone rule removed")
	if strings.Contains(body, `data-rule="zh_no_way"`) || !strings.Contains(body, `id="tone-rule-zh_review_card" data-rule="zh_review_card" class="muted"`) {
		t.Error("after the deletes the added rule is still listed, or the shipped one is not shown off")
	}
	wantHTML(t, e.page(admin, "POST", "/tone-rules/nonesuch/delete", url.Values{}), http.StatusNotFound)
}

// TestReplyEditForm edits a reply's text, stage, kind and language from
// the replies page through the same action as PATCH /api/v1/replies/{id}:
// tone-checked on save (a blocking rule refuses it, other warnings are
// kept and shown), bad input refused at its field in both languages
// without a change, and an agent edits only their own proposal.
func TestReplyEditForm(t *testing.T) {
	e := newEnv(t)
	supUser, supB := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	sup := e.callerFor(supUser)
	_, zhSup := e.signedIn(cases.RoleSupervisor, cases.LanguageChinese)
	agentUser, agentB := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	agent := e.callerFor(agentUser)
	admin := e.caller(cases.RoleAdmin)
	type reply struct {
		ID     int64  `json:"id"`
		Stage  string `json:"stage"`
		Lang   string `json:"lang"`
		Title  string `json:"title"`
		Body   string `json:"body"`
		Status string `json:"status"`
		Kind   *string
	}
	r := decodeAs[reply](t, sup.call(http.MethodPost, "/api/v1/replies", map[string]any{"stage": "apologise", "lang": "zh-CN",
		"title": "破损致歉", "body": "{buyer}您好，非常抱歉给您添麻烦了"}))
	path := fmt.Sprintf("/replies/%d", r.ID)
	row := func() string {
		var s string
		if err := e.db.Get(&s, `SELECT stage||'/'||coalesce(kind, '')||'/'||lang||'/'||title||'/'||body||'/'||tone_warnings::text FROM replies WHERE id = $1`, r.ID); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// A rule that blocks everywhere, for the save's tone check to refuse.
	if rec := admin.call(http.MethodPost, "/api/v1/tone/rules", map[string]any{"id": "zh_no_gun", "language": "zh-CN", "pattern": "滚",
		"severity": "block", "category": "dismissive", "message": map[string]string{"zh-CN": "辱骂", "en": "Abuse"},
		"suggestion": map[string]string{"zh-CN": "请礼貌用语", "en": "Be polite"}}); rec.Code != http.StatusCreated {
		t.Fatalf("rule: %d %s", rec.Code, rec.Body)
	}

	body := wantHTML(t, e.page(supB, "GET", "/replies?edit="+strconv.FormatInt(r.ID, 10), nil), http.StatusOK,
		`action="`+path+`"`, "Edit the reply", `value="破损致歉"`, "非常抱歉给您添麻烦了</textarea>")
	if !strings.Contains(body, `href="/replies?edit=`+strconv.FormatInt(r.ID, 10)) {
		t.Error("the library row has no edit link for a supervisor")
	}
	good := func(over map[string]string) url.Values {
		v := url.Values{"stage": {"remedy"}, "kind": {"damaged"}, "lang": {"zh-CN"}, "title": {"破损补偿"}, "body": {"{buyer}您好，我们为您补发一件"}}
		for k, x := range over {
			v.Set(k, x)
		}
		return v
	}
	before := row()
	for _, tc := range []struct {
		name   string
		over   map[string]string
		status int
		field  string
		says   string
	}{
		{"NotAStage", map[string]string{"stage": "closed"}, 422, "stage", "Choose the stage"},
		{"NotAKind", map[string]string{"kind": "pony"}, 422, "kind", "Choose a case kind"},
		{"NotALanguage", map[string]string{"lang": "fr"}, 422, "lang", "Choose the reply&#39;s language"},
		{"NoTitle", map[string]string{"title": " "}, 422, "title", "A short title"},
		{"UnknownVariable", map[string]string{"body": "{buyer}，送您{coupon_code}"}, 422, "body", "only the variables listed above"},
		{"ToneBlocks", map[string]string{"body": "不买就滚"}, 422, "body", "This wording may not be sent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := wantHTML(t, e.page(supB, "POST", path, good(tc.over)), tc.status, tc.says, `action="`+path+`"`)
			if !errorAt(body, "reply-form", tc.field) {
				t.Errorf("the refusal is not next to %s", tc.field)
			}
		})
	}
	wantHTML(t, e.page(zhSup, "POST", path, good(map[string]string{"title": ""})), http.StatusUnprocessableEntity, "请填写简短标题")
	t.Run("AgentsEditOnlyTheirProposals", func(t *testing.T) {
		if strings.Contains(e.page(agentB, "GET", "/replies", nil).Body.String(), `href="/replies?edit=`+strconv.FormatInt(r.ID, 10)) {
			t.Error("an agent is offered to edit a library reply")
		}
		wantHTML(t, e.page(agentB, "POST", path, good(nil)), http.StatusForbidden)
		own := decodeAs[reply](t, agent.call(http.MethodPost, "/api/v1/replies", map[string]any{"stage": "apologise", "lang": "en",
			"title": "Sorry", "body": "Sorry, {buyer}"}))
		wantRedirect(t, e.page(agentB, "POST", fmt.Sprintf("/replies/%d", own.ID), url.Values{"stage": {"apologise"}, "kind": {""},
			"lang": {"en"}, "title": {"Sorry again"}, "body": {"We are sorry, {buyer}"}}), fmt.Sprintf("/replies?done=reply_saved#reply-%d", own.ID))
		if got := decodeAs[reply](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/replies/%d", own.ID), nil)); got.Title != "Sorry again" || got.Status != "proposed" {
			t.Fatalf("own proposal %+v", got)
		}
	})
	if row() != before {
		t.Fatal("a refused edit changed the reply")
	}

	// Saved with a warning: the absolute promise is kept with the reply and shown.
	wantRedirect(t, e.page(supB, "POST", path, good(map[string]string{"body": "{buyer}您好，我们保证绝对补发"})),
		fmt.Sprintf("/replies?done=reply_saved#reply-%d", r.ID))
	got := decodeAs[reply](t, sup.call(http.MethodGet, fmt.Sprintf("/api/v1/replies/%d", r.ID), nil))
	if got.Stage != "remedy" || got.Title != "破损补偿" || got.Body != "{buyer}您好，我们保证绝对补发" {
		t.Fatalf("saved %+v", got)
	}
	page := wantHTML(t, e.page(supB, "GET", "/replies?stage=remedy&done=reply_saved", nil), http.StatusOK, "Reply saved.", "我们保证绝对补发")
	if !regexp.MustCompile(`(?s)id="reply-` + strconv.FormatInt(r.ID, 10) + `".*?class="tone-warnings"`).MatchString(page) {
		t.Error("the saved reply's tone warnings are not shown")
	}
}

// TestReviewTiedRemedyReachesTheAuditQueue is issue 14's end to end: a
// remedy note that ties the remedy to a review, in Chinese and in
// English, entered through the API and through the case page, is saved
// with its tone warning, shown in the timeline in the viewer's language,
// and once the case closes puts it in the audit queue for
// review_tied_remedy.
func TestReviewTiedRemedyReachesTheAuditQueue(t *testing.T) {
	e := newEnv(t)
	agentUser, agentB := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	agent := e.callerFor(agentUser)
	supUser, supB := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	sup := e.callerFor(supUser)
	_, zhSup := e.signedIn(cases.RoleSupervisor, cases.LanguageChinese)

	type entry struct{ name, platform, currency, note string }
	zh := entry{"zh", "taobao", "CNY", "买家改好评后返现20元"}
	en := entry{"en", "shopify", "USD", "update your review and we'll refund you"}
	// open creates a case assigned to the agent and brings it to remedy.
	open := func(t *testing.T, x entry, through string) cases.Case {
		t.Helper()
		m := newCaseBody()
		m["platform"], m["assignee_id"], m["external_id"] = x.platform, agentUser.ID, "RT-"+x.name+"-"+through
		// A buyer and shop per currency: the remedy guard counts a buyer's
		// remedies in one currency without exchange rates.
		m["buyer_handle"], m["shop"] = "buyer-"+x.name, "shop-"+x.name
		m["order_value"] = map[string]string{"amount": "59.90", "currency": x.currency}
		c := decodeAs[cases.Case](t, agent.call(http.MethodPost, "/api/v1/cases", m))
		for _, mv := range []map[string]any{
			{"to": "listen", "first_response": "您好，我们马上处理"},
			{"to": "apologise", "account": "杯子破损", "root_cause": "logistics"},
			{"to": "remedy", "apology": "非常抱歉"},
		} {
			rec := agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", c.ID), mv, "If-Match", fmt.Sprintf(`"v%d"`, c.Version))
			if rec.Code != http.StatusOK {
				t.Fatalf("%v: %d %s", mv["to"], rec.Code, rec.Body)
			}
			c = decodeAs[cases.Case](t, rec)
		}
		return c
	}
	var ids []int64
	for _, x := range []entry{zh, en} {
		t.Run("API_"+x.name, func(t *testing.T) {
			c := open(t, x, "api")
			path := fmt.Sprintf("/api/v1/cases/%d/transitions", c.ID)
			rec := agent.call(http.MethodPost, path, map[string]any{"to": "follow_up", "remedy": map[string]any{"type": "partial_refund",
				"amount": "5.00", "currency": x.currency, "note": x.note}}, "If-Match", fmt.Sprintf(`"v%d"`, c.Version))
			if rec.Code != http.StatusOK {
				t.Fatalf("follow_up: %d %s", rec.Code, rec.Body)
			}
			c = decodeAs[cases.Case](t, rec)
			rec = agent.call(http.MethodPost, path, map[string]any{"to": "closed", "outcome": map[string]any{"buyer_satisfied": true,
				"review": "unchanged", "note": "done"}}, "If-Match", fmt.Sprintf(`"v%d"`, c.Version))
			if rec.Code != http.StatusOK {
				t.Fatalf("close: %d %s", rec.Code, rec.Body)
			}
			ids = append(ids, c.ID)
		})
		t.Run("Page_"+x.name, func(t *testing.T) {
			c := open(t, x, "page")
			casePath := fmt.Sprintf("/cases/%d", c.ID)
			wantRedirect(t, e.page(agentB, "POST", casePath+"/transitions", url.Values{"version": {strconv.FormatInt(c.Version, 10)},
				"move": {"forward"}, "to": {"follow_up"}, "remedy.type": {"partial_refund"}, "remedy.amount": {"5.00"},
				"remedy.currency": {x.currency}, "remedy.note": {x.note}}), casePath+"?done=moved")
			wantRedirect(t, e.page(agentB, "POST", casePath+"/transitions", url.Values{"version": {strconv.FormatInt(c.Version+1, 10)},
				"move": {"forward"}, "to": {"closed"}, "outcome.buyer_satisfied": {"true"}, "outcome.review": {"unchanged"},
				"outcome.note": {"done"}}), casePath+"?done=moved")
			ids = append(ids, c.ID)
		})
	}
	if len(ids) != 4 {
		t.Fatalf("%d cases closed", len(ids))
	}
	queue := decodeAs[cases.Page[cases.Audit]](t, sup.call(http.MethodGet, "/api/v1/audits/queue?reason=review_tied_remedy", nil))
	for _, id := range ids {
		var found bool
		for _, a := range queue.Items {
			if a.CaseID == id {
				found = slices.Contains(a.Reasons, cases.ReasonReviewTiedRemedy)
			}
		}
		if !found {
			t.Errorf("case %d is not in the audit queue for review_tied_remedy: %+v", id, queue.Items)
		}
	}

	// The timeline shows the stored warnings, in the viewer's language.
	for i, x := range []entry{zh, en} {
		id := ids[2*i+1] // entered through the page
		en := wantHTML(t, e.page(supB, "GET", fmt.Sprintf("/cases/%d", id), nil), http.StatusOK,
			`data-category="review_tied_remedy"`, "Remedy tied to a review", "Remedy offer as sent to the buyer: “")
		zhPage := wantHTML(t, e.page(zhSup, "GET", fmt.Sprintf("/cases/%d", id), nil), http.StatusOK, "补偿与评价挂钩", "发给买家的补救说明")
		for _, p := range []string{en, zhPage} {
			m := regexp.MustCompile(`(?s)<ul class="tone-warnings ev-tone".*?</ul>`).FindString(p)
			if m == "" || !strings.Contains(m, "<mark>") {
				t.Fatalf("%s: no stored tone warning in the timeline", x.name)
			}
		}
		if !strings.Contains(en, "Try:") || !strings.Contains(zhPage, "建议") {
			t.Errorf("%s: the warning's suggestion is not shown", x.name)
		}
	}
}

// generatedExport is an export in Redress's own columns with n lines.
func generatedExport(n int, prefix string) []byte {
	var b strings.Builder
	b.WriteString("platform,external_id,shop,kind,summary\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "taobao,%s-%d,杯具旗舰店,damaged,杯子破损 %d\n", prefix, i, i)
	}
	return []byte(b.String())
}

// TestImportStreamsProgress: the import page's script asks for progress
// (Accept: application/x-ndjson) and gets a line per hundredth of the
// rows, counting up to the last, then the page the form answers; the form
// without the script gets the page alone.
func TestImportStreamsProgress(t *testing.T) {
	e := newEnv(t)
	_, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	body, ct := multipartForm(t, [][2]string{{"csrf_token", b.csrf}, {"charset", "utf-8"}, {"file", "export.csv"}}, generatedExport(500, "P"))
	rec := e.do("POST", "/import", body, "Cookie", "redress_session="+b.cookie, "Content-Type", ct, "Accept", "application/x-ndjson")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSuffix(rec.Body.String(), "\n"), "\n")
	last := 0
	for i, l := range lines[:len(lines)-1] {
		var p struct{ Done, Total int }
		if err := json.Unmarshal([]byte(l), &p); err != nil || p.Total != 500 || p.Done <= last {
			t.Fatalf("line %d: %q (after %d done)", i, l, last)
		}
		last = p.Done
	}
	if last != 500 || len(lines) < 50 || len(lines) > 110 {
		t.Fatalf("%d progress lines ending at %d of 500", len(lines)-1, last)
	}
	var end struct {
		Status int
		HTML   string
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &end); err != nil || end.Status != 200 ||
		!strings.Contains(end.HTML, `id="import-report"`) || !strings.Contains(end.HTML, "500 created") {
		t.Fatalf("last line: status %d, %v: %.300s", end.Status, err, end.HTML)
	}
	// A refusal ends the stream with the page that shows it.
	body, ct = multipartForm(t, [][2]string{{"csrf_token", b.csrf}, {"charset", "utf-8"}, {"file", "x.csv"}}, []byte("a,b\n1,2\n"))
	rec = e.do("POST", "/import", body, "Cookie", "redress_session="+b.cookie, "Content-Type", ct, "Accept", "application/x-ndjson")
	if err := json.Unmarshal(rec.Body.Bytes(), &end); err != nil || end.Status != 422 || !strings.Contains(end.HTML, `id="mapping-step"`) {
		t.Fatalf("refusal: %v %d %.300s", err, end.Status, rec.Body)
	}
	wantHTML(t, e.page(b, "GET", "/import", nil), http.StatusOK, `id="import-progress"`, `data-lines="{done} of {total} lines imported"`)
	// Without the script: the page, as ever.
	body, ct = multipartForm(t, [][2]string{{"csrf_token", b.csrf}, {"charset", "utf-8"}, {"file", "export.csv"}}, generatedExport(3, "Q"))
	wantHTML(t, e.do("POST", "/import", body, "Cookie", "redress_session="+b.cookie, "Content-Type", ct), http.StatusOK, "3 created")
}

// TestImportMapsAFileLargerThanThePageSendsBack: a file whose header no
// profile knows, larger than the mapping step sends back through the page
// (4 MiB), is mapped from its first rows all the same; the step asks for
// the file again with the choices, and the import reads it with them.
func TestImportMapsAFileLargerThanThePageSendsBack(t *testing.T) {
	e := newEnv(t)
	_, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	var sb strings.Builder
	sb.WriteString("单号,店铺,问题描述,备注\n")
	pad := strings.Repeat("长", 15000) // 45 KB a line, in a column nothing reads
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&sb, "L%d,杯具旗舰店,杯子破损,%s\n", i, pad)
	}
	file := []byte(sb.String())
	if len(file) <= 4<<20 {
		t.Fatalf("the file is only %d bytes", len(file))
	}
	send := func(fields [][2]string) *httptest.ResponseRecorder {
		body, ct := multipartForm(t, fields, file)
		return e.do("POST", "/import", body, "Cookie", "redress_session="+b.cookie, "Content-Type", ct)
	}
	page := wantHTML(t, send([][2]string{{"csrf_token", b.csrf}, {"charset", "utf-8"}, {"file", "big.csv"}}), http.StatusUnprocessableEntity,
		`id="mapping-preview"`, "杯子破损", `name="resend"`, `id="mapping-file"`, "Choose the same file again")
	if strings.Contains(page, `name="content"`) {
		t.Fatal("the step sends a 4 MiB file back through the page")
	}
	var n int
	count := func() int {
		if err := e.db.Get(&n, `SELECT count(*) FROM cases`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count() != 0 {
		t.Fatal("the mapping step imported")
	}
	wantHTML(t, send([][2]string{{"csrf_token", b.csrf}, {"step", "1"}, {"col.external_id", "单号"}, {"col.shop", "店铺"},
		{"col.summary", "问题描述"}, {"fixed.platform", "jd"}, {"fixed.kind", "damaged"}, {"resend", "1"}, {"charset", "utf-8"},
		{"file", "big.csv"}}), http.StatusOK, "100 created")
	if count() != 100 {
		t.Fatalf("%d cases", n)
	}
}
