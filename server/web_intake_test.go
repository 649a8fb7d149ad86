package server_test

import (
	"fmt"
	"net/http"
	"net/url"
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
