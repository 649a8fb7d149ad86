package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"redress/cases"
)

// handOver posts a handover as c and returns the response.
func (c caller) handOver(to int64, note string, items ...map[string]any) (*cases.Handover, *httpResult) {
	c.e.t.Helper()
	return c.handOverTo(map[string]any{"to_user_id": to, "note": note, "cases": items})
}

// handOverTo posts a handover body as c and returns the response.
func (c caller) handOverTo(body map[string]any) (*cases.Handover, *httpResult) {
	c.e.t.Helper()
	rec := c.call(http.MethodPost, "/api/v1/handovers", body)
	res := &httpResult{code: rec.Code, body: rec.Body.String()}
	if rec.Code != http.StatusCreated {
		return nil, res
	}
	var h cases.Handover
	if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
		c.e.t.Fatal(err)
	}
	return &h, res
}

type httpResult struct {
	code int
	body string
}

// ledgerOf reads a case's events through the API.
func (c caller) ledgerOf(id int64) []cases.Event {
	c.e.t.Helper()
	rec := c.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events", id), nil)
	if rec.Code != http.StatusOK {
		c.e.t.Fatalf("events: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[struct{ Items []cases.Event }](c.e.t, rec).Items
}

func (c caller) getCase(id int64) cases.Case {
	c.e.t.Helper()
	rec := c.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", id), nil)
	if rec.Code != http.StatusOK {
		c.e.t.Fatalf("case: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.Case](c.e.t, rec)
}

func kinds(evs []cases.Event) []cases.EventKind {
	out := make([]cases.EventKind, len(evs))
	for i, e := range evs {
		out[i] = e.Kind
	}
	return out
}

func TestHandoverThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	out, in := e.caller(cases.RoleAgent), e.caller(cases.RoleAgent)
	calm, risky := assignedCase(t, out), assignedCase(t, out)
	if calm.ShopID == 0 || calm.ShopID != risky.ShopID {
		t.Fatalf("cases carry shop ids %d and %d, want the same shop created on first sight", calm.ShopID, risky.ShopID)
	}

	t.Run("TheViewShowsWhatNeedsANote", func(t *testing.T) {
		at := calm.DueAt.Add(time.Minute).Format(time.RFC3339)
		rec := out.call(http.MethodGet, "/api/v1/handover?at="+at, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("view: %d %s", rec.Code, rec.Body)
		}
		v := decodeAs[cases.HandoverView](t, rec)
		if len(v.Open) != 2 || len(v.Overdue) != 2 {
			t.Fatalf("view open %d overdue %v, want both cases overdue", len(v.Open), v.Overdue)
		}
		for _, it := range v.Open {
			if !it.NeedsNote || it.SuggestedStatus != cases.StatusAtRisk {
				t.Fatalf("overdue case %s: needs_note %v, status %s", it.Ref, it.NeedsNote, it.SuggestedStatus)
			}
		}
	})

	due := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	h, res := out.handOver(in.user.ID, "安静的一班；两个案件",
		map[string]any{"case_id": calm.ID, "status": "on_track"},
		map[string]any{"case_id": risky.ID, "status": "at_risk", "note": "买家威胁差评", "next_action": "call the buyer",
			"next_action_due_at": due, "contingency": "if no answer by 18:00 then offer a coupon", "promise": "回电", "promise_due_at": due})
	if h == nil {
		t.Fatalf("handover: %d %s", res.code, res.body)
	}

	t.Run("HandingKeepsTheOutgoingAgentResponsible", func(t *testing.T) {
		for _, id := range []int64{calm.ID, risky.ID} {
			c := out.getCase(id)
			if *c.AssigneeID != out.user.ID {
				t.Fatalf("case %d went to %d before acknowledgement", id, *c.AssigneeID)
			}
			evs := out.ledgerOf(id)
			if last := evs[len(evs)-1]; last.Kind != cases.EventHandedOver || *last.ActorID != out.user.ID {
				t.Fatalf("last event %+v, want handed_over by the outgoing agent", last)
			}
		}
	})

	t.Run("AtRiskNeedsAReadBack", func(t *testing.T) {
		rec := in.call(http.MethodPost, fmt.Sprintf("/api/v1/handovers/%d/ack", h.ID), nil)
		wantProblem(t, rec, http.StatusUnprocessableEntity, fmt.Sprintf("cases[case_id=%d].read_back", risky.ID))
		if c := out.getCase(risky.ID); *c.AssigneeID != out.user.ID {
			t.Fatal("a refused acknowledgement moved the case")
		}
	})

	t.Run("AckPerCaseMovesTheCases", func(t *testing.T) {
		rec := in.call(http.MethodPost, fmt.Sprintf("/api/v1/handovers/%d/ack", h.ID), map[string]any{
			"cases": []map[string]any{{"case_id": calm.ID}}})
		if rec.Code != http.StatusOK {
			t.Fatalf("ack: %d %s", rec.Code, rec.Body)
		}
		if got := decodeAs[cases.Handover](t, rec); got.AcknowledgedAt != nil {
			t.Fatal("a handover with a case left is acknowledged")
		}
		rec = in.call(http.MethodPost, fmt.Sprintf("/api/v1/handovers/%d/ack", h.ID), map[string]any{
			"cases": []map[string]any{{"case_id": risky.ID, "read_back": "我会在18点前回电，不行就发券"}}})
		if rec.Code != http.StatusOK {
			t.Fatalf("ack: %d %s", rec.Code, rec.Body)
		}
		got := decodeAs[cases.Handover](t, rec)
		if got.AcknowledgedAt == nil || got.Cases[1].ReadBack == "" {
			t.Fatalf("handover %+v, want acknowledged with the read-back", got)
		}
		for _, id := range []int64{calm.ID, risky.ID} {
			if c := in.getCase(id); *c.AssigneeID != in.user.ID {
				t.Fatalf("case %d is with %d, want the incoming agent", id, *c.AssigneeID)
			}
			evs := in.ledgerOf(id)
			k := kinds(evs)
			if k[len(k)-2] != cases.EventHandoverAcknowledged || k[len(k)-1] != cases.EventAssigned {
				t.Fatalf("ledger %v, want …handover_acknowledged, assigned", k)
			}
			if rec := in.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events/verify", id), nil); !json.Valid(rec.Body.Bytes()) || rec.Code != 200 {
				t.Fatalf("verify: %d", rec.Code)
			}
		}
	})

	t.Run("HistoryIsSearchable", func(t *testing.T) {
		for _, q := range []string{
			"?agent_id=" + strconv.FormatInt(in.user.ID, 10),
			"?case_id=" + strconv.FormatInt(risky.ID, 10),
			"?shop_id=" + strconv.FormatInt(risky.ShopID, 10),
			"?q=" + "差评",
			"?q=" + risky.Ref,
			"?from=" + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		} {
			rec := in.call(http.MethodGet, "/api/v1/handovers"+q, nil)
			page := decodeAs[cases.HandoverPage](t, rec)
			if rec.Code != http.StatusOK || len(page.Items) != 1 || page.Items[0].ID != h.ID {
				t.Fatalf("history %s: %d %s", q, rec.Code, rec.Body)
			}
		}
		rec := in.call(http.MethodGet, "/api/v1/handovers?q=nothinglikethis", nil)
		if page := decodeAs[cases.HandoverPage](t, rec); len(page.Items) != 0 {
			t.Fatalf("a search for nothing found %d", len(page.Items))
		}
	})

	t.Run("ReportFactsAreStored", func(t *testing.T) {
		var n int
		if err := e.db.Get(&n, `SELECT count(*) FROM handover_case_facts WHERE handover_id = $1 AND time_to_ack IS NOT NULL`, h.ID); err != nil || n != 2 {
			t.Fatalf("facts: %d %v", n, err)
		}
	})
}

func TestHandoverRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	out, in, other := e.caller(cases.RoleAgent), e.caller(cases.RoleAgent), e.caller(cases.RoleAgent)
	mine, theirs := assignedCase(t, out), assignedCase(t, other)
	closed := assignedCase(t, out)
	if rec := out.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", closed.ID),
		map[string]any{"to": "closed", "close_reason": "duplicate"}, "If-Match", `"1"`); rec.Code != http.StatusOK {
		t.Fatalf("close: %d %s", rec.Code, rec.Body)
	}
	gone := e.addUser(cases.RoleAgent)
	if _, err := e.db.Exec(`UPDATE users SET active = false WHERE id = $1`, gone.ID); err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		var s string
		if err := e.db.Get(&s, `SELECT (SELECT count(*) FROM handovers)::text || '/' ||
			(SELECT string_agg(id || ':' || coalesce(assignee_id, 0) || ':' || ledger_seq, ',' ORDER BY id) FROM cases)`); err != nil {
			t.Fatal(err)
		}
		return s
	}
	one := func(id int64, extra ...any) map[string]any {
		m := map[string]any{"case_id": id}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}
	tests := []struct {
		name   string
		to     int64
		items  []map[string]any
		status int
		field  string
	}{
		{"NotResponsible", in.user.ID, []map[string]any{one(theirs.ID)}, 403, "cases[0].case_id"},
		{"ToAnInactiveUser", gone.ID, []map[string]any{one(mine.ID)}, 422, "to_user_id"},
		{"ToNobody", 0, []map[string]any{one(mine.ID)}, 422, "to_user_id"},
		{"ToAUserWhoDoesNotExist", 999999, []map[string]any{one(mine.ID)}, 422, "to_user_id"},
		{"ToYourself", out.user.ID, []map[string]any{one(mine.ID)}, 422, "to_user_id"},
		{"AClosedCase", in.user.ID, []map[string]any{one(mine.ID), one(closed.ID)}, 422, "cases[1].case_id"},
		{"EmptyNoteOnAtRisk", in.user.ID, []map[string]any{one(mine.ID, "status", "at_risk", "note", "  ")}, 422, "cases[0].note"},
		{"UnknownStatus", in.user.ID, []map[string]any{one(mine.ID, "status", "fine")}, 422, "cases[0].status"},
		{"NoCases", in.user.ID, nil, 422, "cases"},
		{"SameCaseTwice", in.user.ID, []map[string]any{one(mine.ID), one(mine.ID)}, 422, "cases[1].case_id"},
		{"ACaseThatDoesNotExist", in.user.ID, []map[string]any{one(987654)}, 422, "cases[0].case_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot()
			rec := out.call(http.MethodPost, "/api/v1/handovers", map[string]any{"to_user_id": tt.to, "cases": tt.items})
			wantProblem(t, rec, tt.status, tt.field)
			if after := snapshot(); after != before {
				t.Fatalf("a refused handover changed %s into %s", before, after)
			}
		})
	}

	h, res := out.handOver(in.user.ID, "", one(mine.ID))
	if h == nil {
		t.Fatalf("handover: %d %s", res.code, res.body)
	}
	ack := fmt.Sprintf("/api/v1/handovers/%d/ack", h.ID)
	t.Run("HandingACaseAlreadyHanded", func(t *testing.T) {
		before := snapshot()
		rec := out.call(http.MethodPost, "/api/v1/handovers", map[string]any{"to_user_id": other.user.ID, "cases": []map[string]any{one(mine.ID)}})
		wantProblem(t, rec, http.StatusConflict, "cases[0].case_id")
		if snapshot() != before {
			t.Fatal("changed")
		}
	})
	t.Run("AcknowledgingSomeoneElsesHandover", func(t *testing.T) {
		before := snapshot()
		wantProblem(t, other.call(http.MethodPost, ack, nil), http.StatusForbidden, "id")
		wantProblem(t, out.call(http.MethodPost, ack, nil), http.StatusForbidden, "id")
		if snapshot() != before {
			t.Fatal("changed")
		}
	})
	t.Run("ACaseNotInTheHandover", func(t *testing.T) {
		wantProblem(t, in.call(http.MethodPost, ack, map[string]any{"cases": []map[string]any{one(theirs.ID)}}),
			http.StatusUnprocessableEntity, "cases[0].case_id")
	})
	t.Run("AcknowledgingTwice", func(t *testing.T) {
		if rec := in.call(http.MethodPost, ack, nil); rec.Code != http.StatusOK {
			t.Fatalf("ack: %d %s", rec.Code, rec.Body)
		}
		before := snapshot()
		wantProblem(t, in.call(http.MethodPost, ack, nil), http.StatusConflict, "id")
		if snapshot() != before {
			t.Fatal("changed")
		}
	})
	t.Run("UnknownHandover", func(t *testing.T) {
		wantProblem(t, in.call(http.MethodPost, "/api/v1/handovers/424242/ack", nil), http.StatusNotFound, "")
	})
	t.Run("BadQuery", func(t *testing.T) {
		wantProblem(t, in.call(http.MethodGet, "/api/v1/handovers?from=yesterday", nil), http.StatusBadRequest, "from")
		wantProblem(t, in.call(http.MethodGet, "/api/v1/handover?agent_id=x", nil), http.StatusBadRequest, "agent_id")
	})
}

// TestTwoHandoversOfTheSameCaseOneWins sends the same case to two incoming
// agents at once, many times over: exactly one handover takes it.
func TestTwoHandoversOfTheSameCaseOneWins(t *testing.T) {
	e := newEnv(t)
	out := e.caller(cases.RoleAgent)
	targets := []caller{e.caller(cases.RoleAgent), e.caller(cases.RoleAgent)}
	for round := range 5 {
		c := assignedCase(t, out)
		codes := make([]int, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				rec := out.call(http.MethodPost, "/api/v1/handovers", map[string]any{
					"to_user_id": targets[i].user.ID, "cases": []map[string]any{{"case_id": c.ID}}})
				codes[i] = rec.Code
			})
		}
		wg.Wait()
		won := 0
		for _, code := range codes {
			switch code {
			case http.StatusCreated:
				won++
			case http.StatusConflict:
			default:
				t.Fatalf("round %d: status %d", round, code)
			}
		}
		var handed int
		if err := e.db.Get(&handed, `SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'handed_over'`, c.ID); err != nil {
			t.Fatal(err)
		}
		if won != 1 || handed != 1 {
			t.Fatalf("round %d: %v, %d handed_over events; want exactly one winner", round, codes, handed)
		}
	}
}

func TestUnacknowledgedHandoverIsRemindedOnce(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_HANDOVER_ACK_WITHIN": "30m", "REDRESS_HANDOVER_GRACE": "30m",
		"REDRESS_WEBHOOK_ALLOW_PRIVATE": "true"})
	out, in := e.caller(cases.RoleAgent), e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	l := newListener(t)
	hook := createWebhook(t, e.caller(cases.RoleAdmin), map[string]any{"name": "shift lead", "url": l.URL + "/hook",
		"format": "json", "secret": hookSecret, "events": []string{"handover_reminded"}})
	c := assignedCase(t, out)
	h, res := out.handOver(in.user.ID, "", map[string]any{"case_id": c.ID})
	if h == nil {
		t.Fatalf("handover: %d %s", res.code, res.body)
	}
	count := func(who caller, kind string) int {
		n := 0
		for _, it := range who.inbox("").Items {
			if it.Kind == kind {
				n++
			}
		}
		return n
	}
	sibling := e.sibling()
	t.Run("NothingBeforeTheDeadline", func(t *testing.T) {
		e.sweep(h.AckDueAt.Add(-time.Second))
		if count(in, "handover_overdue") != 0 {
			t.Fatal("reminded early")
		}
	})
	t.Run("TheIncomingAgentOnceAcrossInstances", func(t *testing.T) {
		for range 3 {
			e.sweep(h.AckDueAt.Add(time.Minute))
			if _, err := sibling.Sweep(t.Context(), h.AckDueAt.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(in, "handover_overdue"); n != 1 {
			t.Fatalf("incoming agent has %d handover reminders, want 1", n)
		}
		if count(sup, "handover_escalation") != 0 {
			t.Fatal("escalated within the grace")
		}
	})
	t.Run("TheCaseLedgerAndTheWebhookTellIt", func(t *testing.T) {
		var levels []string
		for _, ev := range out.ledgerOf(c.ID) {
			if ev.Kind == cases.EventHandoverReminded {
				var p struct {
					HandoverID int64  `json:"handover_id"`
					Level      string `json:"level"`
				}
				if err := json.Unmarshal(ev.Payload, &p); err != nil || p.HandoverID != h.ID {
					t.Fatalf("handover_reminded payload %s (%v), want handover %d", ev.Payload, err, h.ID)
				}
				levels = append(levels, p.Level)
			}
		}
		if len(levels) != 1 || levels[0] != "handover_overdue" {
			t.Fatalf("the case's ledger has handover reminders %v, want one handover_overdue", levels)
		}
		if res := e.deliver(h.AckDueAt.Add(2 * time.Minute)); res.Delivered != 1 {
			t.Fatalf("deliver: %+v, want the one handover reminder", res)
		}
		got := l.requests()
		if len(got) != 1 || got[0].header.Get("X-Redress-Event") != "handover_reminded" {
			t.Fatalf("listener got %d requests %v", len(got), got)
		}
		var body struct {
			Event    string `json:"event"`
			Level    string `json:"level"`
			Handover struct {
				ID           int64   `json:"id"`
				ToUserID     int64   `json:"to_user_id"`
				PendingCases []int64 `json:"pending_cases"`
				URL          string  `json:"url"`
			} `json:"handover"`
		}
		if err := json.Unmarshal(got[0].body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Level != "handover_overdue" || body.Handover.ID != h.ID || body.Handover.ToUserID != in.user.ID ||
			len(body.Handover.PendingCases) != 1 || body.Handover.PendingCases[0] != c.ID ||
			body.Handover.URL == "" {
			t.Fatalf("webhook body %s", got[0].body)
		}
		if err := verifySignature(got[0], hookSecret); err != nil {
			t.Fatal(err)
		}
		if ds := deliveries(t, e.caller(cases.RoleAdmin), hook.ID); len(ds) != 1 {
			t.Fatalf("%d deliveries recorded, want 1", len(ds))
		}
	})
	t.Run("SupervisorsOnceAfterTheGrace", func(t *testing.T) {
		for range 3 {
			e.sweep(h.AckDueAt.Add(31 * time.Minute))
		}
		if n := count(sup, "handover_escalation"); n != 1 {
			t.Fatalf("supervisor has %d escalations, want 1", n)
		}
	})
	t.Run("AcknowledgedIsNotReminded", func(t *testing.T) {
		h2, res := in.handOver(out.user.ID, "", map[string]any{"case_id": assignedCase(t, in).ID})
		if h2 == nil {
			t.Fatalf("handover: %d %s", res.code, res.body)
		}
		if rec := out.call(http.MethodPost, fmt.Sprintf("/api/v1/handovers/%d/ack", h2.ID), nil); rec.Code != http.StatusOK {
			t.Fatalf("ack: %d %s", rec.Code, rec.Body)
		}
		e.sweep(h2.AckDueAt.Add(2 * time.Hour))
		if n := count(out, "handover_overdue"); n != 0 {
			t.Fatalf("an acknowledged handover was reminded %d times", n)
		}
	})
}

func TestShopsAdminsEdit(t *testing.T) {
	e := newEnv(t)
	agent, admin := e.caller(cases.RoleAgent), e.caller(cases.RoleAdmin)
	c := assignedCase(t, agent)
	path := fmt.Sprintf("/api/v1/shops/%d", c.ShopID)
	rec := agent.call(http.MethodGet, path, nil)
	sh := decodeAs[cases.Shop](t, rec)
	if rec.Code != http.StatusOK || sh.Name != c.Shop || sh.Platform != c.Platform {
		t.Fatalf("shop: %d %s", rec.Code, rec.Body)
	}
	edit := map[string]any{"time_zone": "Asia/Shanghai",
		"shifts":         []map[string]string{{"name": "早班", "start": "08:00", "end": "16:00"}, {"name": "夜班", "start": "16:00", "end": "08:00"}},
		"business_hours": []map[string]any{{"weekday": 1, "start": "09:00", "end": "18:00"}},
		"holidays":       []string{"2026-10-01"}}
	wantProblem(t, agent.call(http.MethodPatch, path, edit), http.StatusForbidden, "")
	rec = admin.call(http.MethodPatch, path, edit)
	if rec.Code != http.StatusOK {
		t.Fatalf("patch: %d %s", rec.Code, rec.Body)
	}
	if got := decodeAs[cases.Shop](t, rec); len(got.Shifts) != 2 || got.Holidays[0] != "2026-10-01" {
		t.Fatalf("shop %+v", got)
	}
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"time_zone": "Mars/Olympus"}, "time_zone"},
		{map[string]any{"shifts": []map[string]string{{"name": "x", "start": "25:00", "end": "08:00"}}}, "shifts[0].start"},
		{map[string]any{"business_hours": []map[string]any{{"weekday": 7, "start": "09:00", "end": "18:00"}}}, "business_hours[0].weekday"},
		{map[string]any{"holidays": []string{"tomorrow"}}, "holidays[0]"},
		{map[string]any{"name": ""}, "name"},
	} {
		wantProblem(t, admin.call(http.MethodPatch, path, bad.body), http.StatusUnprocessableEntity, bad.field)
	}
	rec = admin.call(http.MethodPost, "/api/v1/shops", map[string]any{"name": c.Shop, "platform": string(c.Platform)})
	wantProblem(t, rec, http.StatusConflict, "name")
	rec = admin.call(http.MethodPost, "/api/v1/shops", map[string]any{"name": "JD 自营店", "platform": "jd", "time_zone": "Asia/Shanghai"})
	if rec.Code != http.StatusCreated || decodeAs[cases.Shop](t, rec).Platform != "jd" {
		t.Fatalf("create shop: %d %s", rec.Code, rec.Body)
	}
	if rec := admin.call(http.MethodGet, "/api/v1/shops", nil); rec.Code != http.StatusOK || len(decodeAs[struct{ Items []cases.Shop }](t, rec).Items) != 2 {
		t.Fatalf("shops: %d %s", rec.Code, rec.Body)
	}

	t.Run("TheViewFollowsTheShopsShifts", func(t *testing.T) {
		sh, _ := time.LoadLocation("Asia/Shanghai")
		at := time.Date(2026, 3, 2, 15, 0, 0, 0, sh)
		rec := agent.call(http.MethodGet, fmt.Sprintf("/api/v1/handover?shop_id=%d&at=%s", c.ShopID, url.QueryEscape(at.Format(time.RFC3339))), nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("view: %d %s", rec.Code, rec.Body)
		}
		v := decodeAs[cases.HandoverView](t, rec)
		if v.ShiftName != "早班" || !v.ThisShift.End.Equal(time.Date(2026, 3, 2, 16, 0, 0, 0, sh)) ||
			!v.NextShift.End.Equal(time.Date(2026, 3, 3, 8, 0, 0, 0, sh)) {
			t.Fatalf("view shifts %q %+v %+v", v.ShiftName, v.ThisShift, v.NextShift)
		}
	})
}

// TestBusinessHoursSLADoesNotEscalateAtNight: a case due at 17:50 on a
// Friday in a shop open 09:00–18:00 on weekdays is reminded when it falls
// overdue, but the hour of grace counts business hours: supervisors hear
// of it on Monday at 09:50, not at 18:50 nor at 02:30.
func TestBusinessHoursSLADoesNotEscalateAtNight(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_SLA_BUSINESS_HOURS": "true", "REDRESS_TIMEZONE": "Asia/Shanghai",
		"REDRESS_ESCALATION_GRACE": "1h"})
	agent, admin, sup := e.caller(cases.RoleAgent), e.caller(cases.RoleAdmin), e.caller(cases.RoleSupervisor)
	c := assignedCase(t, agent)
	var hours []map[string]any
	for wd := 1; wd <= 5; wd++ {
		hours = append(hours, map[string]any{"weekday": wd, "start": "09:00", "end": "18:00"})
	}
	if rec := admin.call(http.MethodPatch, fmt.Sprintf("/api/v1/shops/%d", c.ShopID), map[string]any{"business_hours": hours}); rec.Code != http.StatusOK {
		t.Fatalf("shop: %d %s", rec.Code, rec.Body)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	due := time.Date(2026, 3, 6, 17, 50, 0, 0, sh) // a Friday
	if _, err := e.db.Exec(`UPDATE cases SET due_at = $2 WHERE id = $1`, c.ID, due); err != nil {
		t.Fatal(err)
	}
	escalations := func() int {
		n := 0
		for _, it := range sup.inbox("").Items {
			if it.Kind == "escalation" {
				n++
			}
		}
		return n
	}
	for _, at := range []time.Time{
		due.Add(70 * time.Minute),              // Friday 19:00
		time.Date(2026, 3, 7, 2, 30, 0, 0, sh), // Saturday night
		time.Date(2026, 3, 9, 9, 45, 0, 0, sh), // Monday, 55 business minutes in
	} {
		e.sweep(at)
		if n := escalations(); n != 0 {
			t.Fatalf("escalated at %v", at)
		}
	}
	if n := len(agent.inbox("").Items); n != 1 {
		t.Fatalf("the assignee has %d reminders, want the one overdue reminder", n)
	}
	e.sweep(time.Date(2026, 3, 9, 9, 51, 0, 0, sh))
	if n := escalations(); n != 1 {
		t.Fatalf("%d escalations on Monday 09:51, want 1", n)
	}
}

// A handover to the next shift's team: anyone on it but the outgoing agent
// acknowledges a case and takes it; the team is reminded when nobody does.
func TestHandoverToTheNextShiftsTeam(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_HANDOVER_ACK_WITHIN": "30m", "REDRESS_HANDOVER_GRACE": "30m"})
	out, first, second := e.caller(cases.RoleAgent), e.caller(cases.RoleAgent), e.caller(cases.RoleAgent)
	a, b := assignedCase(t, out), assignedCase(t, out)
	rec := out.call(http.MethodPost, "/api/v1/handovers", map[string]any{"to_shift": "夜班", "note": "两单待跟进",
		"cases": []map[string]any{{"case_id": a.ID}, {"case_id": b.ID, "status": "at_risk", "note": "买家情绪激动"}}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("team handover: %d %s", rec.Code, rec.Body)
	}
	h := decodeAs[cases.Handover](t, rec)
	if h.ToUserID != nil || h.ToShift != "夜班" || !h.ToTeam() {
		t.Fatalf("handover to %v / %q, want the team of 夜班", h.ToUserID, h.ToShift)
	}
	pendingFor := func(who caller) []int64 {
		rec := who.call(http.MethodGet, fmt.Sprintf("/api/v1/handovers?to_user_id=%d&pending=true", who.user.ID), nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("inbox: %d %s", rec.Code, rec.Body)
		}
		var ids []int64
		for _, it := range decodeAs[cases.HandoverPage](t, rec).Items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	t.Run("EveryoneOnTheTeamSeesIt", func(t *testing.T) {
		for _, who := range []caller{first, second} {
			if got := pendingFor(who); len(got) != 1 || got[0] != h.ID {
				t.Fatalf("agent %d's pending handovers %v, want [%d]", who.user.ID, got, h.ID)
			}
		}
		if got := pendingFor(out); len(got) != 0 {
			t.Fatalf("the outgoing agent's own handover is in their inbox: %v", got)
		}
	})
	ack := fmt.Sprintf("/api/v1/handovers/%d/ack", h.ID)
	t.Run("TheOutgoingAgentCannotTakeItBack", func(t *testing.T) {
		rec := out.call(http.MethodPost, ack, map[string]any{"cases": []map[string]any{{"case_id": a.ID}}})
		wantProblem(t, rec, http.StatusForbidden, "id")
	})
	t.Run("WhoeverAcknowledgesACaseTakesIt", func(t *testing.T) {
		rec := first.call(http.MethodPost, ack, map[string]any{"cases": []map[string]any{{"case_id": a.ID}}})
		if rec.Code != http.StatusOK {
			t.Fatalf("first ack: %d %s", rec.Code, rec.Body)
		}
		if got := first.getCase(a.ID); got.AssigneeID == nil || *got.AssigneeID != first.user.ID {
			t.Fatalf("case a assigned to %v, want the agent who acknowledged it", got.AssigneeID)
		}
		// The at-risk case still needs its read-back, from whoever takes it.
		rec = second.call(http.MethodPost, ack, map[string]any{"cases": []map[string]any{{"case_id": b.ID}}})
		wantProblem(t, rec, http.StatusUnprocessableEntity, "cases[0].read_back")
		rec = second.call(http.MethodPost, ack, map[string]any{"cases": []map[string]any{{"case_id": a.ID}}})
		wantProblem(t, rec, http.StatusConflict, "cases[0].case_id")
		rec = second.call(http.MethodPost, ack, map[string]any{"cases": []map[string]any{{"case_id": b.ID, "read_back": "今晚先电话安抚，明早退款"}}})
		if rec.Code != http.StatusOK {
			t.Fatalf("second ack: %d %s", rec.Code, rec.Body)
		}
		got := decodeAs[cases.Handover](t, rec)
		if got.AcknowledgedAt == nil {
			t.Fatal("the handover is not acknowledged after its last case")
		}
		if c := second.getCase(b.ID); c.AssigneeID == nil || *c.AssigneeID != second.user.ID {
			t.Fatalf("case b assigned to %v, want the second agent", c.AssigneeID)
		}
		var to int64
		for _, ev := range second.ledgerOf(b.ID) {
			if ev.Kind == cases.EventHandoverAcknowledged {
				var p struct {
					To      int64  `json:"to"`
					ToShift string `json:"to_shift"`
				}
				if err := json.Unmarshal(ev.Payload, &p); err != nil || p.ToShift != "夜班" {
					t.Fatalf("acknowledged payload %s", ev.Payload)
				}
				to = p.To
			}
		}
		if to != second.user.ID {
			t.Fatalf("the ledger says case b went to %d, want %d", to, second.user.ID)
		}
	})
	t.Run("AnUnacknowledgedTeamHandoverRemindsTheTeam", func(t *testing.T) {
		c := assignedCase(t, out)
		h2, res := out.handOverTo(map[string]any{"to_shift": "夜班", "cases": []map[string]any{{"case_id": c.ID}}})
		if h2 == nil {
			t.Fatalf("handover: %d %s", res.code, res.body)
		}
		e.sweep(h2.AckDueAt.Add(time.Minute))
		for _, who := range []caller{first, second} {
			n := 0
			for _, it := range who.inbox("").Items {
				if it.Kind == "handover_overdue" {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("agent %d has %d handover reminders, want 1", who.user.ID, n)
			}
		}
		for _, it := range out.inbox("").Items {
			if it.Kind == "handover_overdue" {
				t.Fatal("the outgoing agent was reminded of their own team handover")
			}
		}
	})
	t.Run("BadReceivers", func(t *testing.T) {
		c := assignedCase(t, out)
		for _, tt := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"BothAnAgentAndATeam", map[string]any{"to_user_id": first.user.ID, "to_shift": "夜班"}, "to_shift"},
			{"ATeamNamedByBlanks", map[string]any{"to_shift": "   "}, "to_user_id"},
			{"ATeamNameTooLong", map[string]any{"to_shift": strings.Repeat("班", 51)}, "to_shift"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				tt.body["cases"] = []map[string]any{{"case_id": c.ID}}
				rec := out.call(http.MethodPost, "/api/v1/handovers", tt.body)
				wantProblem(t, rec, http.StatusUnprocessableEntity, tt.field)
				if got := out.getCase(c.ID); got.Version != c.Version {
					t.Fatalf("a refused handover changed the case (version %d → %d)", c.Version, got.Version)
				}
			})
		}
	})
}
