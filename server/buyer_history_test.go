package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"redress/cases"
)

// TestBuyerHistory: a second case of a buyer whose earlier case was flagged
// as abuse shows the history in the API and on the case page, and is marked
// in the queue; a buyer of the same handle on another platform is someone
// else.
func TestBuyerHistory(t *testing.T) {
	e := newEnv(t)
	agent, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	tok, err := e.people.CreateToken(cases.WithActor(context.Background(), agent.Actor()), "tests")
	if err != nil {
		t.Fatal(err)
	}
	api := caller{e: e, user: agent, token: tok.Token}
	body := func(ext, platform string, abuse bool) map[string]any {
		m := newCaseBody()
		m["external_id"], m["platform"], m["buyer_handle"], m["suspected_abuse"] = ext, platform, "extortion_king", abuse
		return m
	}
	first := decodeAs[cases.Case](t, api.call(http.MethodPost, "/api/v1/cases", body("H-1", "taobao", true)))
	decodeAs[cases.Case](t, api.call(http.MethodPost, "/api/v1/cases", body("H-2", "jd", false)))
	second := decodeAs[cases.Case](t, api.call(http.MethodPost, "/api/v1/cases", body("H-3", "taobao", false)))

	got := decodeAs[cases.Case](t, api.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", second.ID), nil))
	h := got.BuyerHistory
	if h == nil || h.Earlier != 1 || h.Open != 1 || h.AbuseFlagged != 1 || len(h.Cases) != 1 || h.Cases[0].ID != first.ID {
		t.Fatalf("buyer history %+v", h)
	}
	wantHTML(t, e.page(b, "GET", "/cases/"+strconv.FormatInt(second.ID, 10), nil), http.StatusOK,
		`id="buyer-history"`, "1 earlier · 1 open · 1 flagged as suspected abuse", first.Ref)
	queue := wantHTML(t, e.page(b, "GET", "/?scope=unassigned", nil), http.StatusOK, "Buyer flagged before")
	if n := strings.Count(queue, `class="known-abuse"`); n != 1 {
		t.Fatalf("%d queue rows marked; want only the taobao case whose buyer has a flagged case (the flagged case itself has no other)", n)
	}
	t.Run("ListItemsCarryTheMarker", func(t *testing.T) {
		// The list query itself says it (one EXISTS per row of the page),
		// in a plain list, a words search and an identifier search alike.
		for _, q := range []string{"/api/v1/cases?limit=50", "/api/v1/cases?q=extortion_king", "/api/v1/cases?q=H-3"} {
			page := decodeAs[struct {
				Items []map[string]any `json:"items"`
			}](t, api.call(http.MethodGet, q, nil))
			seen := 0
			for _, it := range page.Items {
				want := it["external_id"] == "H-3"
				if got, ok := it["buyer_flagged_abuse"].(bool); !ok || got != want {
					t.Errorf("%s: case %v buyer_flagged_abuse = %v, want %v", q, it["external_id"], it["buyer_flagged_abuse"], want)
				}
				seen++
			}
			if seen == 0 {
				t.Errorf("%s listed nothing", q)
			}
		}
		if got.BuyerFlaggedAbuse == nil || !*got.BuyerFlaggedAbuse {
			t.Error("the case read alone does not carry the marker")
		}
	})
	t.Run("NoHandleNoHistory", func(t *testing.T) {
		m := newCaseBody()
		m["external_id"], m["buyer_handle"] = "H-4", ""
		c := decodeAs[cases.Case](t, api.call(http.MethodPost, "/api/v1/cases", m))
		if got := decodeAs[cases.Case](t, api.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", c.ID), nil)); got.BuyerHistory != nil {
			t.Fatalf("history of a case without a buyer handle: %+v", got.BuyerHistory)
		}
	})
}

// TestReturnRefundWaitsOnTheReturn walks a return_refund remedy: the case
// may not close before the return is recorded received.
func TestReturnRefundWaitsOnTheReturn(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	m := newCaseBody()
	m["kind"] = "return_refund"
	c := decodeAs[cases.Case](t, agent.call(http.MethodPost, "/api/v1/cases", m))
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	version := c.Version
	tag := func() string { return fmt.Sprintf(`"v%d"`, version) }
	move := func(body map[string]any) *cases.Case {
		t.Helper()
		rec := agent.call(http.MethodPost, path+"/transitions", body, "If-Match", tag())
		if rec.Code != 200 {
			t.Fatalf("%v: %d %s", body["to"], rec.Code, rec.Body)
		}
		got := decodeAs[cases.Case](t, rec)
		version = got.Version
		return &got
	}
	move(map[string]any{"to": "listen", "first_response": "您好，我们马上处理"})
	move(map[string]any{"to": "apologise", "account": "杯子破损", "root_cause": "logistics"})
	move(map[string]any{"to": "remedy", "apology": "非常抱歉"})
	wantProblem(t, agent.call(http.MethodPost, path+"/transitions", map[string]any{"to": "follow_up",
		"remedy": map[string]any{"type": "return_refund", "amount": "0", "currency": "CNY"}}, "If-Match", tag()), 422, "remedy.amount")
	move(map[string]any{"to": "follow_up", "remedy": map[string]any{"type": "return_refund", "amount": "59.90", "currency": "CNY"}})
	closeBody := map[string]any{"to": "closed", "outcome": map[string]any{"buyer_satisfied": true, "review": "unchanged", "note": "退款完成"}}
	wantProblem(t, agent.call(http.MethodPost, path+"/transitions", closeBody, "If-Match", tag()), 422, "return")
	recv := path + "/return-received"
	now := time.Now().UTC()
	wantProblem(t, agent.call(http.MethodPost, recv, map[string]any{"courier": "顺丰", "waybill": "SF1"}), 422, "received_at")
	wantProblem(t, agent.call(http.MethodPost, recv, map[string]any{"courier": "顺丰", "waybill": "SF1", "received_at": now.Add(time.Hour)}), 422, "received_at")
	wantProblem(t, agent.call(http.MethodPost, recv, map[string]any{"courier": "", "waybill": "SF1", "received_at": now}), 422, "courier")
	rec := agent.call(http.MethodPost, recv, map[string]any{"courier": "顺丰", "waybill": "SF1", "received_at": now})
	got := decodeAs[cases.Case](t, rec)
	if rec.Code != 200 || got.Return == nil || got.Return.Waybill != "SF1" || got.Return.ReceivedAt == nil {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	version = got.Version
	wantProblem(t, agent.call(http.MethodPost, recv, map[string]any{"courier": "顺丰", "waybill": "SF1", "received_at": now}), 409, "")
	if closed := move(closeBody); closed.State != cases.StateClosed {
		t.Fatalf("closed %s", closed.State)
	}
	other := decodeAs[cases.Case](t, agent.call(http.MethodPost, "/api/v1/cases", map[string]any{"platform": "jd", "shop": "s", "kind": "damaged"}))
	wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/return-received", other.ID),
		map[string]any{"courier": "顺丰", "waybill": "SF1", "received_at": now}), 422, "remedy")
}
