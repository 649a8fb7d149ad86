package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"redress/cases"
)

// caller is a signed-in API client: a user and their bearer token.
type caller struct {
	e     *env
	user  cases.User
	token string
}

// caller creates a user with role and an API token for them.
func (e *env) caller(role cases.Role) caller {
	e.t.Helper()
	u := e.addUser(role)
	tok, err := e.people.CreateToken(cases.WithActor(context.Background(), u.Actor()), "tests")
	if err != nil {
		e.t.Fatal(err)
	}
	return caller{e: e, user: u, token: tok.Token}
}

// call sends a JSON request as the caller; extra headers as name, value.
func (c caller) call(method, path string, body any, headers ...string) *httptest.ResponseRecorder {
	c.e.t.Helper()
	var r *strings.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = strings.NewReader(string(j))
	}
	h := append([]string{"Authorization", "Bearer " + c.token}, headers...)
	if r == nil {
		return c.e.do(method, path, nil, h...)
	}
	return c.e.do(method, path, r, h...)
}

// decodeAs decodes a JSON response into a T.
func decodeAs[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	decode(t, rec, &v)
	return v
}

// wantProblem asserts status and the field the problem names.
func wantProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, field string) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	p := problemOf(t, rec)
	if field != "" && p["field"] != field {
		t.Fatalf("problem field %v, want %q: %v", p["field"], field, p)
	}
	return p
}

func newCaseBody() map[string]any {
	return map[string]any{
		"platform": "taobao", "shop": "杯具旗舰店", "kind": "bad_review", "external_id": "TB-20261124-1",
		"order_ref": "2026112400001", "order_value": map[string]string{"amount": "59.90", "currency": "CNY"},
		"buyer_handle": "小王", "buyer_contact": "13812345678", "summary": "杯子破损",
		"review": map[string]any{"rating": 1, "text": "收到的杯子破损了", "url": "https://item.taobao.com/x"},
	}
}

func createCase(t *testing.T, c caller) (cases.Case, string) {
	t.Helper()
	rec := c.call(http.MethodPost, "/api/v1/cases", newCaseBody())
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.Case](t, rec), rec.Header().Get("ETag")
}

func TestCaseLifecycleThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	c, tag := createCase(t, agent)
	if c.Ref == "" || c.State != cases.StateRespond || tag != `"v1"` || c.OrderValue.Amount() != "59.90" {
		t.Fatalf("created %+v etag %s", c, tag)
	}
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	move := func(body map[string]any, want int) cases.Case {
		t.Helper()
		rec := agent.call(http.MethodPost, path+"/transitions", body, "If-Match", tag)
		if rec.Code != want {
			t.Fatalf("move %v: %d %s", body["to"], rec.Code, rec.Body)
		}
		if want != http.StatusOK {
			return cases.Case{}
		}
		tag = rec.Header().Get("ETag")
		return decodeAs[cases.Case](t, rec)
	}
	move(map[string]any{"to": "listen", "first_response": "您好，非常抱歉给您带来不便，我们马上核实。"}, 200)
	move(map[string]any{"to": "apologise", "account": "买家说杯子碎了", "root_cause": "logistics"}, 200)
	move(map[string]any{"to": "remedy", "apology": "真诚地向您道歉。"}, 200)

	t.Run("RemedyAboveLimitNeedsApproval", func(t *testing.T) {
		big := map[string]any{"to": "follow_up", "remedy": map[string]string{"type": "refund", "amount": "120.00", "currency": "CNY"}}
		p := wantProblem(t, agent.call(http.MethodPost, path+"/transitions", big, "If-Match", tag), 422, "remedy")
		if !strings.Contains(p["detail"].(string), "approv") {
			t.Fatalf("detail does not say approval is needed: %v", p["detail"])
		}
		rec := agent.call(http.MethodPost, path+"/remedy", big["remedy"])
		if rec.Code != 200 {
			t.Fatalf("propose: %d %s", rec.Code, rec.Body)
		}
		wantProblem(t, agent.call(http.MethodPost, path+"/approvals", nil), 403, "")
		rec = sup.call(http.MethodPost, path+"/approvals", nil)
		if rec.Code != 200 {
			t.Fatalf("approve: %d %s", rec.Code, rec.Body)
		}
		tag = rec.Header().Get("ETag")
		got := move(big, 200)
		if got.State != cases.StateFollowUp || got.Remedy == nil || got.Remedy.ApprovedBy == nil || *got.Remedy.ApprovedBy != sup.user.ID {
			t.Fatalf("after approval: %+v", got.Remedy)
		}
	})
	closed := move(map[string]any{"to": "closed", "outcome": map[string]any{"buyer_satisfied": true, "review": "upgraded", "note": "买家追评好评"}}, 200)
	if closed.State != cases.StateClosed || closed.ClosedAt == nil || closed.DueAt != nil {
		t.Fatalf("closed: %+v", closed)
	}
	reopened := move(map[string]any{"to": "listen", "reopen_reason": "买家再次联系"}, 200)
	if reopened.ReopenCount != 1 || reopened.State != cases.StateListen {
		t.Fatalf("reopened: %+v", reopened)
	}

	rec := agent.call(http.MethodGet, path+"/events", nil)
	evs := decodeAs[struct{ Items []cases.Event }](t, rec).Items
	kinds := []string{}
	for _, ev := range evs {
		kinds = append(kinds, string(ev.Kind))
		if ev.ActorID == nil {
			t.Fatalf("event %d has no actor", ev.Seq)
		}
	}
	want := "created transitioned transitioned transitioned remedy_proposed remedy_approved transitioned transitioned transitioned"
	if strings.Join(kinds, " ") != want {
		t.Fatalf("ledger %v\nwant %s", kinds, want)
	}
	v := decodeAs[cases.Verification](t, agent.call(http.MethodGet, path+"/events/verify", nil))
	if !v.OK || v.Events != len(evs) || v.BrokenAt != nil {
		t.Fatalf("verify %+v", v)
	}
}

func TestCaseWritesAreConditional(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c, tag := createCase(t, agent)
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	t.Run("PatchWithoutIfMatchIs428", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPatch, path, map[string]any{"summary": "x"}), 428, "If-Match")
	})
	t.Run("PatchChangesAndRecordsOldAndNew", func(t *testing.T) {
		rec := agent.call(http.MethodPatch, path, map[string]any{"severity": "urgent", "summary": "更新"}, "If-Match", tag)
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		got := decodeAs[cases.Case](t, rec)
		if got.Severity != "urgent" || got.Version != 2 {
			t.Fatalf("patched %+v", got)
		}
		evs := decodeAs[struct{ Items []cases.Event }](t, agent.call(http.MethodGet, path+"/events", nil)).Items
		last := string(evs[len(evs)-1].Payload)
		if !strings.Contains(last, `"old":"normal"`) || !strings.Contains(last, `"new":"urgent"`) {
			t.Fatalf("edit event %s", last)
		}
	})
	t.Run("StaleIs409WithCurrentVersion", func(t *testing.T) {
		p := wantProblem(t, agent.call(http.MethodPatch, path, map[string]any{"summary": "y"}, "If-Match", tag), 409, "")
		if p["current_version"] != float64(2) {
			t.Fatalf("problem %v lacks current_version 2", p)
		}
	})
	t.Run("TwoConcurrentTransitionsOneWins", func(t *testing.T) {
		cur := decodeAs[cases.Case](t, agent.call(http.MethodGet, path, nil))
		tag := fmt.Sprintf(`"v%d"`, cur.Version)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range codes {
			wg.Go(func() {
				codes[i] = agent.call(http.MethodPost, path+"/transitions",
					map[string]any{"to": "listen", "first_response": fmt.Sprint("reply ", i)}, "If-Match", tag).Code
			})
		}
		wg.Wait()
		if !(codes[0] == 200 && codes[1] == 409) && !(codes[0] == 409 && codes[1] == 200) {
			t.Fatalf("codes %v, want one 200 and one 409", codes)
		}
		evs := decodeAs[struct{ Items []cases.Event }](t, agent.call(http.MethodGet, path+"/events", nil)).Items
		n := 0
		for _, ev := range evs {
			if ev.Kind == cases.EventTransitioned {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("ledger holds %d transitions, want 1", n)
		}
	})
}

func TestCaseAPIRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c, tag := createCase(t, agent)
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	with := func(k string, v any) map[string]any {
		b := newCaseBody()
		b[k] = v
		return b
	}
	long := strings.Repeat("长", 10001)
	creates := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"UnknownPlatform", with("platform", "ebay"), 422, "platform"},
		{"MissingShop", with("shop", ""), 422, "shop"},
		{"Rating6", with("review", map[string]any{"rating": 6}), 422, "review.rating"},
		{"NegativeMoney", with("order_value", map[string]string{"amount": "-1", "currency": "CNY"}), 422, "order_value.amount"},
		{"MalformedMoney", with("order_value", map[string]string{"amount": "1,5", "currency": "CNY"}), 422, "order_value.amount"},
		{"FloatMoney", with("order_value", map[string]any{"amount": 1.5, "currency": "CNY"}), 400, "order_value.amount"},
		{"UnknownCurrency", with("order_value", map[string]string{"amount": "1", "currency": "XXY"}), 422, "order_value.currency"},
		{"UnknownField", with("colour", "red"), 400, "colour"},
		{"OversizedText", with("summary", long), 422, "summary"},
		{"MalformedJSON", `{"platform":`, 400, ""},
		// An agent may not give a new case to anyone else, known or not.
		{"AssigneeOtherThanTheAgent", with("assignee_id", 999999), 403, "assignee_id"},
	}
	for _, tc := range creates {
		t.Run("Create"+tc.name, func(t *testing.T) {
			wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases", tc.body), tc.status, tc.field)
		})
	}
	t.Run("CreateUnknownAssigneeBySupervisor", func(t *testing.T) {
		wantProblem(t, e.caller(cases.RoleSupervisor).call(http.MethodPost, "/api/v1/cases", with("assignee_id", 999999)), 422, "assignee_id")
	})
	moves := []struct {
		name  string
		body  any
		field string
	}{
		{"UnknownState", map[string]any{"to": "escalated"}, "to"},
		{"MissingStageData", map[string]any{"to": "listen"}, "first_response"},
		{"SkipAhead", map[string]any{"to": "remedy", "apology": "x"}, "to"},
		{"BadCloseReason", map[string]any{"to": "closed", "close_reason": "because"}, "close_reason"},
	}
	for _, tc := range moves {
		t.Run("Move"+tc.name, func(t *testing.T) {
			wantProblem(t, agent.call(http.MethodPost, path+"/transitions", tc.body, "If-Match", tag), 422, tc.field)
		})
	}
	t.Run("MoveBadIfMatch", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, path+"/transitions", map[string]any{"to": "listen", "first_response": "x"}, "If-Match", "yesterday"), 400, "If-Match")
	})
	t.Run("ListMalformedCursor", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?cursor=%25%25", nil), 400, "cursor")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?cursor=bm9wZQ", nil), 400, "cursor")
	})
	t.Run("ListBadFilters", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?state=lost", nil), 422, "state")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?limit=abc", nil), 400, "limit")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?limit=5000", nil), 422, "limit")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?overdue=maybe", nil), 400, "overdue")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?assignee_id=bob", nil), 400, "assignee_id")
	})
	t.Run("CommentEmpty", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, path+"/comments", map[string]string{"body": "  "}), 422, "body")
	})
	t.Run("AssignUnknownUser", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, path+"/assignment", map[string]any{"assignee_id": 424242}), 403, "")
	})
	t.Run("UnknownCase", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases/999999", nil), 404, "")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases/abc", nil), 404, "")
	})
	t.Run("NothingChanged", func(t *testing.T) {
		got := decodeAs[cases.Case](t, agent.call(http.MethodGet, path, nil))
		if got.Version != 1 || got.State != cases.StateRespond {
			t.Fatalf("bad input changed the case: %+v", got)
		}
		page := decodeAs[cases.Page[cases.Case]](t, agent.call(http.MethodGet, "/api/v1/cases", nil))
		if len(page.Items) != 1 {
			t.Fatalf("bad input created cases: %d", len(page.Items))
		}
		evs := decodeAs[struct{ Items []cases.Event }](t, agent.call(http.MethodGet, path+"/events", nil)).Items
		if len(evs) != 1 {
			t.Fatalf("bad input added events: %d", len(evs))
		}
	})
}

func TestCaseListMasksContactAndSearchesChinese(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c, _ := createCase(t, agent)
	page := decodeAs[cases.Page[cases.Case]](t, agent.call(http.MethodGet, "/api/v1/cases?q=%E7%A0%B4%E6%8D%9F&state=open&assignee_id=none", nil))
	if len(page.Items) != 1 || page.Items[0].ID != c.ID {
		t.Fatalf("q=破损: %+v", page.Items)
	}
	if page.Items[0].BuyerContact != "138****5678" {
		t.Fatalf("contact in list %q, want masked", page.Items[0].BuyerContact)
	}
	one := decodeAs[cases.Case](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", c.ID), nil))
	if one.BuyerContact != "13812345678" {
		t.Fatalf("case page contact %q, want whole", one.BuyerContact)
	}
}

func TestCaseAuthorization(t *testing.T) {
	e := newEnv(t)
	owner := e.caller(cases.RoleAgent)
	other := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	c, _ := createCase(t, owner)
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	t.Run("AgentTakesUnassigned", func(t *testing.T) {
		rec := owner.call(http.MethodPost, path+"/assignment", map[string]any{"assignee_id": owner.user.ID})
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	})
	t.Run("OtherAgentCannotAct", func(t *testing.T) {
		wantProblem(t, other.call(http.MethodPost, path+"/comments", map[string]string{"body": "mine now"}), 403, "")
		wantProblem(t, other.call(http.MethodPost, path+"/assignment", map[string]any{"assignee_id": other.user.ID}), 403, "")
	})
	t.Run("OtherAgentCanRead", func(t *testing.T) {
		if rec := other.call(http.MethodGet, path, nil); rec.Code != 200 {
			t.Fatalf("%d", rec.Code)
		}
	})
	t.Run("SupervisorReassigns", func(t *testing.T) {
		rec := sup.call(http.MethodPost, path+"/assignment", map[string]any{"assignee_id": other.user.ID})
		if rec.Code != 200 || *decodeAs[cases.Case](t, rec).AssigneeID != other.user.ID {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	})
	t.Run("AnonymousIs401", func(t *testing.T) {
		wantProblem(t, e.do(http.MethodGet, path, nil), 401, "")
	})
}

func TestImportThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	csv := "platform,external_id,shop,kind,review_text\ntaobao,T1,店,bad_review,破损\ntaobao,T2,店,bad_review,rating\n"
	rec := agent.call(http.MethodPost, "/api/v1/cases/import", csv, "Content-Type", "text/csv")
	rep := decodeAs[cases.ImportReport](t, rec)
	if rec.Code != 200 || rep.Created != 2 {
		t.Fatalf("%d %+v", rec.Code, rep)
	}
	t.Run("GB18030", func(t *testing.T) {
		gbk := "platform,external_id,shop,kind,review_text\ntaobao,T3,\xb5\xea,bad_review,\xc6\xc6\xcb\xf0\n" // 店, 破损
		rec := agent.call(http.MethodPost, "/api/v1/cases/import", gbk, "Content-Type", "text/csv; charset=gb18030")
		if rep := decodeAs[cases.ImportReport](t, rec); rec.Code != 200 || rep.Created != 1 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		page := decodeAs[cases.Page[cases.Case]](t, agent.call(http.MethodGet, "/api/v1/cases?q=%E7%A0%B4%E6%8D%9F", nil))
		if len(page.Items) != 2 {
			t.Fatalf("q=破损 after the GB 18030 import: %d", len(page.Items))
		}
	})
	t.Run("WrongColumns", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases/import", "a,b\n1,2\n", "Content-Type", "text/csv"), 422, "columns")
	})
	t.Run("NotCSV", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases/import", `{}`, "Content-Type", "application/json"), 415, "")
	})
	t.Run("BadEncoding", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases/import", "platform,external_id,shop,kind\ntaobao,X,\xff,damaged\n", "Content-Type", "text/csv"), 422, "body")
	})
}

func TestPeopleDirectory(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	gone := e.addUser(cases.RoleAgent)
	if _, err := e.people.DeactivateUser(cases.WithActor(context.Background(), e.caller(cases.RoleAdmin).user.Actor()), gone.ID); err != nil {
		t.Fatal(err)
	}
	rec := agent.call(http.MethodGet, "/api/v1/people", nil)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "email") || strings.Contains(rec.Body.String(), "password") {
		t.Fatalf("directory exposes more than names and roles: %s", rec.Body)
	}
	got := decodeAs[struct{ Items []cases.Person }](t, rec).Items
	ids := map[int64]bool{}
	for _, p := range got {
		ids[p.ID] = true
	}
	if !ids[agent.user.ID] || !ids[sup.user.ID] || ids[gone.ID] {
		t.Fatalf("directory %+v: want active users only", got)
	}
}
