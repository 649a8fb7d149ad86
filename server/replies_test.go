package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"redress/cases"
)

var replyCaseSeq atomic.Int64

// caseOn creates a case on platform for caller c and returns it and its ETag.
func caseOn(t *testing.T, c caller, platform string) (cases.Case, string) {
	t.Helper()
	body := newCaseBody()
	body["platform"] = platform
	body["external_id"] = fmt.Sprintf("RT-%d", replyCaseSeq.Add(1))
	rec := c.call(http.MethodPost, "/api/v1/cases", body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.Case](t, rec), rec.Header().Get("ETag")
}

// mover moves one case through the API, keeping its ETag.
type mover struct {
	t    *testing.T
	c    caller
	id   int64
	etag string
}

func (m *mover) move(body map[string]any, want int) *mover {
	m.t.Helper()
	rec := m.c.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", m.id), body, "If-Match", m.etag)
	if rec.Code != want {
		m.t.Fatalf("move to %v: %d, want %d: %s", body["to"], rec.Code, want, rec.Body)
	}
	if rec.Code == http.StatusOK {
		m.etag = rec.Header().Get("ETag")
	}
	return m
}

// events reads the case's ledger as kind and payload.
func (m *mover) events() []struct {
	Kind    string         `json:"kind"`
	Payload map[string]any `json:"payload"`
} {
	m.t.Helper()
	rec := m.c.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events", m.id), nil)
	var out struct {
		Items []struct {
			Kind    string         `json:"kind"`
			Payload map[string]any `json:"payload"`
		} `json:"items"`
	}
	decode(m.t, rec, &out)
	return out.Items
}

func categoriesOf(payload map[string]any) []string {
	var out []string
	ws, _ := payload["tone_warnings"].([]any)
	for _, w := range ws {
		out = append(out, w.(map[string]any)["category"].(string))
	}
	return out
}

func TestToneCheckedOnSave(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c, tag := caseOn(t, agent, "taobao")
	m := &mover{t: t, c: agent, id: c.ID, etag: tag}

	m.move(map[string]any{"to": "listen", "first_response": "晕，我们保证绝对没有发错"}, 200)
	m.move(map[string]any{"to": "apologise", "account": "买家说发错了颜色", "root_cause": "service"}, 200)
	m.move(map[string]any{"to": "remedy", "apology": "嗯"}, 200)

	t.Run("WarningsStoredOnTheEventNotBlocking", func(t *testing.T) {
		evs := m.events()
		first, apology := evs[1].Payload, evs[3].Payload
		if cats := categoriesOf(first); !slices.Contains(cats, "absolute_promise") || !slices.Contains(cats, "dismissive") {
			t.Errorf("first response warnings %v", first["tone_warnings"])
		}
		if w := first["tone_warnings"].([]any)[0].(map[string]any); w["field"] != "first_response" || w["start"] == nil {
			t.Errorf("stored warning %v", w)
		}
		if cats := categoriesOf(apology); !slices.Contains(cats, "dismissive") {
			t.Errorf("apology warnings %v", apology["tone_warnings"])
		}
	})

	t.Run("ReviewTiedRemedyFlagsTheCase", func(t *testing.T) {
		rec := agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/remedy", c.ID),
			map[string]any{"type": "partial_refund", "amount": "20", "currency": "CNY", "note": "买家改好评后返现20元"})
		if rec.Code != http.StatusOK {
			t.Fatalf("propose: %d %s", rec.Code, rec.Body)
		}
		m.etag = rec.Header().Get("ETag")
		evs := m.events()
		last := evs[len(evs)-1]
		if last.Kind != "flagged" || last.Payload["reason"] != "review_tied_remedy" {
			t.Fatalf("last event %+v", last)
		}
		if cats := categoriesOf(evs[len(evs)-2].Payload); !slices.Contains(cats, "review_tied_remedy") {
			t.Fatalf("proposal warnings %v", evs[len(evs)-2].Payload)
		}
		var n int
		if err := e.db.Get(&n, `SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'flagged'
			AND payload->>'reason' = 'review_tied_remedy'`, c.ID); err != nil || n != 1 {
			t.Fatalf("audit queue selection finds %d, %v", n, err)
		}
		b := e.login(agent.user.Email, testPassword)
		wantHTML(t, e.page(b, http.MethodGet, fmt.Sprintf("/cases/%d", c.ID), nil), http.StatusOK, `id="case-flag-review_tied_remedy"`)
	})

	t.Run("UnfilledVariableRefusedNothingChanged", func(t *testing.T) {
		before := len(m.events())
		p := wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", c.ID),
			map[string]any{"to": "follow_up", "remedy": map[string]any{"type": "partial_refund", "amount": "20", "currency": "CNY",
				"note": "已为您退款，快递{courier}"}}, "If-Match", m.etag), 422, "remedy.note")
		if !strings.Contains(p["detail"].(string), "{courier}") {
			t.Errorf("detail %v", p["detail"])
		}
		if after := len(m.events()); after != before {
			t.Errorf("events %d → %d", before, after)
		}
	})
}

func TestToneBlocksPerPlatform(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c, tag := caseOn(t, agent, "amazon")
	m := &mover{t: t, c: agent, id: c.ID, etag: tag}
	tied := "Please update your review to 5 stars and we will refund you $20."
	p := wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", c.ID),
		map[string]any{"to": "listen", "first_response": tied}, "If-Match", m.etag), 422, "first_response")
	if p["tone_warnings"] == nil {
		t.Errorf("problem without tone_warnings: %v", p)
	}
	if evs := m.events(); len(evs) != 1 {
		t.Fatalf("a blocked move wrote %d events", len(evs)-1)
	}
	got := decodeAs[cases.Case](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", c.ID), nil))
	if got.State != cases.StateRespond || got.Version != c.Version {
		t.Fatalf("case changed: %+v", got)
	}
	// The same words on Taobao warn and flag but do not block.
	tc, ttag := caseOn(t, agent, "taobao")
	(&mover{t: t, c: agent, id: tc.ID, etag: ttag}).move(map[string]any{"to": "listen", "first_response": tied}, 200)
}

func TestToneCheckAPI(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	text := "您好，我们保证明天发货"
	rec := agent.call(http.MethodPost, "/api/v1/tone/check", map[string]any{"text": text, "stage": "first_response", "platform": "taobao", "lang": "en"})
	var res struct {
		Warnings []struct {
			Category, Severity, Match, Message string
			Start, End                         int
		} `json:"warnings"`
		Blocking bool `json:"blocking"`
	}
	decode(t, rec, &res)
	if len(res.Warnings) == 0 || res.Blocking {
		t.Fatalf("warnings %+v", res)
	}
	w := res.Warnings[0]
	if w.Category != "absolute_promise" || text[w.Start:w.End] != w.Match || !strings.Contains(strings.ToLower(w.Message), "promise") {
		t.Fatalf("warning %+v", w)
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"UnknownStage", map[string]any{"text": "x", "stage": "refund"}, 422, "stage"},
		{"UnknownPlatform", map[string]any{"text": "x", "platform": "ebay"}, 422, "platform"},
		{"UnknownLanguage", map[string]any{"text": "x", "lang": "fr"}, 422, "lang"},
		{"UnknownMember", map[string]any{"text": "x", "tone": "nice"}, 400, "tone"},
		{"TextNotString", map[string]any{"text": 5}, 400, "text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, agent.call(http.MethodPost, "/api/v1/tone/check", tc.body), tc.status, tc.field)
		})
	}
}

func TestToneRulesAdmin(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	adm := e.caller(cases.RoleAdmin)
	if rec := agent.call(http.MethodGet, "/api/v1/tone/rules", nil); rec.Code != http.StatusForbidden {
		t.Fatalf("agent lists rules: %d", rec.Code)
	}
	var list struct {
		Items []cases.ToneRuleRecord `json:"items"`
	}
	decode(t, adm.call(http.MethodGet, "/api/v1/tone/rules", nil), &list)
	if len(list.Items) < 40 || !list.Items[0].Builtin {
		t.Fatalf("seeded %d rules", len(list.Items))
	}
	rule := map[string]any{
		"id": "shop_no_dear", "language": "zh-CN", "category": "house_style", "severity": "block",
		"pattern": "亲爱的", "message": map[string]string{"zh-CN": "不用“亲爱的”", "en": "No “dear”"},
		"suggestion": map[string]string{"zh-CN": "用“您好”", "en": "Say 您好"},
	}
	count := func() int {
		var n int
		if err := e.db.Get(&n, `SELECT count(*) FROM tone_rules`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	t.Run("BadRulesNameTheirField", func(t *testing.T) {
		before := count()
		bad := func(k string, v any) map[string]any {
			r := map[string]any{}
			for kk, vv := range rule {
				r[kk] = vv
			}
			r[k] = v
			return r
		}
		wantProblem(t, adm.call(http.MethodPost, "/api/v1/tone/rules", bad("pattern", "(亲爱")), 422, "rule.pattern")
		wantProblem(t, adm.call(http.MethodPost, "/api/v1/tone/rules", bad("severity", "fatal")), 422, "rule.severity")
		wantProblem(t, adm.call(http.MethodPost, "/api/v1/tone/rules", bad("message", map[string]string{"en": "x"})), 422, "rule.message.zh-CN")
		wantProblem(t, adm.call(http.MethodPost, "/api/v1/tone/rules", bad("colour", "red")), 400, "rule")
		wantProblem(t, adm.call(http.MethodPost, "/api/v1/tone/rules", bad("id", list.Items[0].ID)), 409, "id")
		if after := count(); after != before {
			t.Fatalf("rules %d → %d", before, after)
		}
	})
	t.Run("AddedRuleChecksAtOnceAndGoes", func(t *testing.T) {
		if rec := adm.call(http.MethodPost, "/api/v1/tone/rules", rule); rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		check := func() bool {
			var res struct {
				Blocking bool `json:"blocking"`
			}
			decode(t, agent.call(http.MethodPost, "/api/v1/tone/check", map[string]any{"text": "亲爱的，您好"}), &res)
			return res.Blocking
		}
		if !check() {
			t.Fatal("the new rule does not block")
		}
		c, tag := caseOn(t, agent, "jd")
		(&mover{t: t, c: agent, id: c.ID, etag: tag}).move(map[string]any{"to": "listen", "first_response": "亲爱的，马上为您查"}, 422)
		if rec := adm.call(http.MethodPatch, "/api/v1/tone/rules/shop_no_dear", map[string]any{"enabled": false}); rec.Code != http.StatusOK {
			t.Fatalf("disable: %d %s", rec.Code, rec.Body)
		}
		if check() {
			t.Fatal("a disabled rule still blocks")
		}
		if rec := adm.call(http.MethodDelete, "/api/v1/tone/rules/shop_no_dear", nil); rec.Code != http.StatusNoContent {
			t.Fatalf("delete: %d", rec.Code)
		}
		wantProblem(t, adm.call(http.MethodDelete, "/api/v1/tone/rules/shop_no_dear", nil), 404, "")
	})
}

func TestReplyLibrary(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	other := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	rows := func() int {
		var n int
		if err := e.db.Get(&n, `SELECT count(*) FROM replies`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	type reply struct {
		ID           int64            `json:"id"`
		Status       string           `json:"status"`
		Uses         int64            `json:"uses"`
		Score        float64          `json:"outcome_score"`
		ToneWarnings []map[string]any `json:"tone_warnings"`
	}
	t.Run("BadInputNamesTheFieldAndWritesNothing", func(t *testing.T) {
		good := map[string]any{"stage": "apologise", "lang": "zh-CN", "title": "致歉", "body": "{buyer}您好，非常抱歉"}
		with := func(k string, v any) map[string]any {
			r := map[string]any{}
			for kk, vv := range good {
				r[kk] = vv
			}
			if v == nil {
				delete(r, k)
			} else {
				r[k] = v
			}
			return r
		}
		for _, tc := range []struct {
			body   map[string]any
			status int
			field  string
		}{
			{with("stage", "closed"), 422, "stage"},
			{with("stage", nil), 422, "stage"},
			{with("kind", "pony"), 422, "kind"},
			{with("lang", "fr"), 422, "lang"},
			{with("title", "  "), 422, "title"},
			{with("body", "{buyer}，送您{coupon_code}"), 422, "body"},
			{with("body", nil), 422, "body"},
			{with("body", 7), 400, "body"},
			{with("author", "me"), 400, "author"},
		} {
			wantProblem(t, agent.call(http.MethodPost, "/api/v1/replies", tc.body), tc.status, tc.field)
		}
		if n := rows(); n != 0 {
			t.Fatalf("%d replies written", n)
		}
	})

	var proposal reply
	t.Run("AgentsProposeSupervisorsApprove", func(t *testing.T) {
		rec := agent.call(http.MethodPost, "/api/v1/replies", map[string]any{"stage": "apologise", "kind": "bad_review",
			"lang": "zh-CN", "title": "破损致歉", "body": "{buyer}您好，订单{order_ref}的商品破损，我们保证绝对不会再发生"})
		if rec.Code != http.StatusCreated {
			t.Fatalf("propose: %d %s", rec.Code, rec.Body)
		}
		proposal = decodeAs[reply](t, rec)
		if proposal.Status != "proposed" || len(proposal.ToneWarnings) == 0 {
			t.Fatalf("proposal %+v", proposal)
		}
		var list struct {
			Items []reply `json:"items"`
		}
		decode(t, agent.call(http.MethodGet, "/api/v1/replies?stage=apologise", nil), &list)
		if len(list.Items) != 0 {
			t.Fatalf("a proposal is offered: %+v", list.Items)
		}
		decode(t, other.call(http.MethodGet, "/api/v1/replies?status=proposed", nil), &list)
		if len(list.Items) != 0 {
			t.Fatalf("another agent sees the proposal")
		}
		wantProblem(t, other.call(http.MethodPatch, fmt.Sprintf("/api/v1/replies/%d", proposal.ID), map[string]any{"title": "mine"}), 404, "")
		wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/replies/%d/approval", proposal.ID), nil), 403, "")
		wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/replies/%d/uses", proposal.ID), map[string]any{"case_id": 1}), 422, "status")
		rec = sup.call(http.MethodPost, fmt.Sprintf("/api/v1/replies/%d/approval", proposal.ID), nil)
		if rec.Code != http.StatusOK || decodeAs[reply](t, rec).Status != "approved" {
			t.Fatalf("approve: %d %s", rec.Code, rec.Body)
		}
		wantProblem(t, sup.call(http.MethodPost, fmt.Sprintf("/api/v1/replies/%d/approval", proposal.ID), nil), 409, "status")
		decode(t, agent.call(http.MethodGet, "/api/v1/replies?stage=apologise&kind=bad_review&lang=zh-CN&q=破损", nil), &list)
		if len(list.Items) != 1 || list.Items[0].ID != proposal.ID {
			t.Fatalf("approved reply not listed: %+v", list.Items)
		}
		decode(t, agent.call(http.MethodGet, "/api/v1/replies?kind=lost_parcel", nil), &list)
		if len(list.Items) != 0 {
			t.Fatalf("a bad_review reply offered for lost_parcel")
		}
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/replies?sort=newest", nil), 400, "sort")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/replies?stage=closed", nil), 400, "stage")
	})

	t.Run("ReviewTiedReplyIsNeverApproved", func(t *testing.T) {
		rec := agent.call(http.MethodPost, "/api/v1/replies", map[string]any{"stage": "remedy", "lang": "zh-CN",
			"title": "返现", "body": "亲，改成好评后返现10元哦"})
		r := decodeAs[reply](t, rec)
		wantProblem(t, sup.call(http.MethodPost, fmt.Sprintf("/api/v1/replies/%d/approval", r.ID), nil), 422, "body")
	})

	t.Run("UseFillsTheCaseAndCountsOnSave", func(t *testing.T) {
		c, tag := caseOn(t, agent, "taobao")
		wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/replies/%d/uses", proposal.ID), map[string]any{}), 422, "case_id")
		wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/replies/%d/uses", proposal.ID), map[string]any{"case_id": 99999}), 422, "case_id")
		var filled struct {
			Text    string   `json:"text"`
			Missing []string `json:"missing"`
		}
		decode(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/replies/%d/uses", proposal.ID), map[string]any{"case_id": c.ID}), &filled)
		if !strings.HasPrefix(filled.Text, "小王您好，订单2026112400001的") || len(filled.Missing) != 0 {
			t.Fatalf("filled %+v", filled)
		}
		m := &mover{t: t, c: agent, id: c.ID, etag: tag}
		m.move(map[string]any{"to": "listen", "first_response": "您好"}, 200)
		m.move(map[string]any{"to": "apologise", "account": "破损", "root_cause": "logistics"}, 200)
		wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", c.ID),
			map[string]any{"to": "remedy", "apology": filled.Text, "reply_id": 424242}, "If-Match", m.etag), 422, "reply_id")
		m.move(map[string]any{"to": "remedy", "apology": filled.Text, "reply_id": proposal.ID}, 200)
		evs := m.events()
		used, _ := evs[len(evs)-1].Payload["reply_used"].(map[string]any)
		if used == nil || used["field"] != "apology" || used["reply_id"] != float64(proposal.ID) {
			t.Fatalf("payload %v", evs[len(evs)-1].Payload)
		}
		got := decodeAs[reply](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/replies/%d", proposal.ID), nil))
		if got.Uses != 1 {
			t.Fatalf("uses %d", got.Uses)
		}
	})
}

func TestRepliesRankByOutcomeAndUse(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	add := func(title string) int64 {
		rec := sup.call(http.MethodPost, "/api/v1/replies", map[string]any{"stage": "apologise", "lang": "zh-CN", "title": title, "body": title + "，非常抱歉"})
		if rec.Code != http.StatusCreated {
			t.Fatalf("add: %d %s", rec.Code, rec.Body)
		}
		var r struct {
			ID int64 `json:"id"`
		}
		decode(t, rec, &r)
		return r.ID
	}
	good, common := add("真诚致歉"), add("常用致歉")
	// close walks a case to closed with the apology from reply and the
	// review outcome given; reopen reopens it afterwards.
	close := func(reply int64, review string, reopen bool) {
		c, tag := caseOn(t, agent, "taobao")
		m := &mover{t: t, c: agent, id: c.ID, etag: tag}
		m.move(map[string]any{"to": "listen", "first_response": "您好，马上为您核实"}, 200)
		m.move(map[string]any{"to": "apologise", "account": "破损", "root_cause": "logistics"}, 200)
		m.move(map[string]any{"to": "remedy", "apology": "非常抱歉给您添麻烦了", "reply_id": reply}, 200)
		m.move(map[string]any{"to": "follow_up", "remedy": map[string]any{"type": "reship", "amount": "0", "currency": "CNY"}}, 200)
		m.move(map[string]any{"to": "closed", "outcome": map[string]any{"buyer_satisfied": true, "review": review, "note": "已补发"}}, 200)
		if reopen {
			rec := sup.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", c.ID), map[string]any{"to": "listen", "reopen_reason": "买家再次联系"}, "If-Match", m.etag)
			if rec.Code != http.StatusOK {
				t.Fatalf("reopen: %d %s", rec.Code, rec.Body)
			}
		}
	}
	close(good, "upgraded", false)
	close(good, "removed", false)
	close(common, "unchanged", false)
	close(common, "unchanged", true)
	close(common, "upgraded", false)

	order := func(sort string) []int64 {
		var list struct {
			Items []struct {
				ID    int64            `json:"id"`
				Uses  int64            `json:"uses"`
				Stats map[string]int64 `json:"stats"`
			} `json:"items"`
		}
		decode(t, agent.call(http.MethodGet, "/api/v1/replies?stage=apologise&sort="+sort, nil), &list)
		var ids []int64
		for _, it := range list.Items {
			ids = append(ids, it.ID)
			if it.ID == common && (it.Uses != 3 || it.Stats["reopened"] != 1 || it.Stats["recovered"] != 1 || it.Stats["review_cases"] != 2) {
				b, _ := json.Marshal(it)
				t.Errorf("common reply %s", b)
			}
		}
		return ids
	}
	if got := order("outcome"); !slices.Equal(got, []int64{good, common}) {
		t.Errorf("by outcome %v, want %v", got, []int64{good, common})
	}
	if got := order("uses"); !slices.Equal(got, []int64{common, good}) {
		t.Errorf("by uses %v, want %v", got, []int64{common, good})
	}
}
