package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"redress/cases"
)

// settingsBody is a PUT /api/v1/desk-settings body: the defaults with
// over's members replaced (a nil value leaves the member out).
func settingsBody(over map[string]any) map[string]any {
	b := map[string]any{"random_percent": 10, "min_per_agent": 2, "period": "week", "calibration_percent": 0,
		"approval_window_minutes": 240}
	for k, v := range over {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func putSettings(t *testing.T, admin caller, over map[string]any) cases.DeskSettings {
	t.Helper()
	rec := admin.call(http.MethodPut, "/api/v1/desk-settings", settingsBody(over))
	if rec.Code != 200 {
		t.Fatalf("save settings: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.DeskSettings](t, rec)
}

// closedCheap closes a case whose remedy no rule selects for audit.
func closedCheap(t *testing.T, agent caller, buyer string) *deskCase {
	t.Helper()
	d := newDeskCase(t, agent, "59.90", buyer)
	d.move(remedy("coupon", "5.00"), 200)
	d.close()
	return d
}

func auditsOf(t *testing.T, c caller, d *deskCase) (verdicts []cases.Verdict, audits []cases.Audit) {
	t.Helper()
	rec := c.call(http.MethodGet, d.path+"/verdicts", nil)
	if rec.Code != 200 {
		t.Fatalf("verdicts: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		Items  []cases.Verdict
		Audits []cases.Audit
	}
	decode(t, rec, &out)
	return out.Items, out.Audits
}

func queueIDs(t *testing.T, c caller) []int64 {
	t.Helper()
	var ids []int64
	for _, a := range decodeAs[cases.Page[cases.Audit]](t, c.call(http.MethodGet, "/api/v1/audits/queue", nil)).Items {
		ids = append(ids, a.CaseID)
	}
	return ids
}

func TestDeskSettings(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	admin := e.caller(cases.RoleAdmin)

	rec := sup.call(http.MethodGet, "/api/v1/desk-settings", nil)
	if rec.Code != 200 || rec.Header().Get("ETag") != `"v1"` {
		t.Fatalf("get: %d %q %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
	}
	if s := decodeAs[cases.DeskSettings](t, rec); s.RandomPercent != 10 || s.MinPerAgent != 2 || s.Period != cases.PeriodWeek ||
		s.CalibrationPercent != 0 || s.ApprovalWindowMinutes != 240 {
		t.Fatalf("defaults %+v", s)
	}
	t.Run("OnlyAdminsConfigure", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/desk-settings", nil), 403, "")
		wantProblem(t, agent.call(http.MethodPut, "/api/v1/desk-settings", settingsBody(nil)), 403, "")
		wantProblem(t, sup.call(http.MethodPut, "/api/v1/desk-settings", settingsBody(nil)), 403, "")
	})
	t.Run("BadValuesNameTheirField", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			over   map[string]any
			status int
			field  string
		}{
			{"RandomAbove100", map[string]any{"random_percent": 101}, 422, "random_percent"},
			{"RandomNegative", map[string]any{"random_percent": -5}, 422, "random_percent"},
			{"MinPerAgentNegative", map[string]any{"min_per_agent": -1}, 422, "min_per_agent"},
			{"UnknownPeriod", map[string]any{"period": "fortnight"}, 422, "period"},
			{"CalibrationAbove100", map[string]any{"calibration_percent": 200}, 422, "calibration_percent"},
			{"ApprovalWindowTooShort", map[string]any{"approval_window_minutes": 1}, 422, "approval_window_minutes"},
			{"ApprovalWindowTooLong", map[string]any{"approval_window_minutes": 20000}, 422, "approval_window_minutes"},
			{"MissingMember", map[string]any{"min_per_agent": nil}, 422, "min_per_agent"},
			{"NotANumber", map[string]any{"random_percent": "ten"}, 400, "random_percent"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantProblem(t, admin.call(http.MethodPut, "/api/v1/desk-settings", settingsBody(tc.over)), tc.status, tc.field)
			})
		}
		if s := decodeAs[cases.DeskSettings](t, sup.call(http.MethodGet, "/api/v1/desk-settings", nil)); s.Version != 1 {
			t.Fatalf("a refused change was saved: %+v", s)
		}
	})
	t.Run("StaleVersionIsAConflict", func(t *testing.T) {
		rec := admin.call(http.MethodPut, "/api/v1/desk-settings", settingsBody(map[string]any{"random_percent": 20}), "If-Match", `"v1"`)
		if rec.Code != 200 || rec.Header().Get("ETag") != `"v2"` {
			t.Fatalf("conditional save: %d %q %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
		}
		wantProblem(t, admin.call(http.MethodPut, "/api/v1/desk-settings", settingsBody(map[string]any{"random_percent": 30}), "If-Match", `"v1"`), 409, "version")
		if s := decodeAs[cases.DeskSettings](t, sup.call(http.MethodGet, "/api/v1/desk-settings", nil)); s.RandomPercent != 20 || s.UpdatedBy == nil || *s.UpdatedBy != admin.user.ID {
			t.Fatalf("after the conflict: %+v", s)
		}
	})
	t.Run("ApprovalDeadlineComesFromTheSettings", func(t *testing.T) {
		putSettings(t, admin, map[string]any{"approval_window_minutes": 30})
		d := newDeskCase(t, agent, "59.90", "小周")
		d.propose("refund", "120.00")
		hist := decodeAs[cases.RemedyHistory](t, agent.call(http.MethodGet, d.path+"/remedies", nil))
		r := hist.Items[len(hist.Items)-1]
		if r.Status != cases.RemedyPending || r.ApprovalDueAt == nil || r.ApprovalDueAt.Sub(r.ProposedAt) != 30*time.Minute {
			t.Fatalf("pending remedy %+v", r)
		}
	})
	t.Run("SamplingComesFromTheSettings", func(t *testing.T) {
		putSettings(t, admin, map[string]any{"random_percent": 0, "min_per_agent": 0})
		quiet := closedCheap(t, agent, "小吴")
		if _, audits := auditsOf(t, sup, quiet); len(audits) != 0 {
			t.Fatalf("selected with no share and no minimum: %+v", audits)
		}
		putSettings(t, admin, map[string]any{"random_percent": 0, "min_per_agent": 1, "period": "day"})
		seen := closedCheap(t, agent, "小郑")
		if _, audits := auditsOf(t, sup, seen); len(audits) != 1 || !slices.Equal(audits[0].Reasons, []cases.AuditReason{cases.ReasonAgentMinimum}) {
			t.Fatalf("the agent's minimum of the day: %+v", audits)
		}
		enough := closedCheap(t, agent, "小冯")
		if _, audits := auditsOf(t, sup, enough); len(audits) != 0 {
			t.Fatalf("selected beyond the agent's minimum: %+v", audits)
		}
		putSettings(t, admin, map[string]any{"random_percent": 100, "min_per_agent": 0})
		all := closedCheap(t, agent, "小陈")
		if _, audits := auditsOf(t, sup, all); len(audits) != 1 || audits[0].Reasons[0] != cases.ReasonRandom || audits[0].Calibration {
			t.Fatalf("at a 100%% share: %+v", audits)
		}
	})
}

func TestCalibrationIsBlind(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	first := e.caller(cases.RoleSupervisor)
	second := e.caller(cases.RoleSupervisor)
	third := e.caller(cases.RoleSupervisor)
	admin := e.caller(cases.RoleAdmin)
	putSettings(t, admin, map[string]any{"random_percent": 100, "calibration_percent": 100})

	d := closedCheap(t, agent, "小林")
	q := decodeAs[cases.Page[cases.Audit]](t, first.call(http.MethodGet, "/api/v1/audits/queue", nil))
	if len(q.Items) != 1 || !q.Items[0].Calibration || q.Items[0].Reasons[0] != cases.ReasonRandom {
		t.Fatalf("queue %+v", q.Items)
	}
	rework := map[string]any{"verdict": "rework", "scores": scores(map[string]any{"followed_up": 0}), "comment": "没有回访"}
	rec := first.call(http.MethodPost, d.path+"/verdicts", rework)
	if rec.Code != 201 {
		t.Fatalf("first verdict: %d %s", rec.Code, rec.Body)
	}
	v1 := decodeAs[cases.Verdict](t, rec)

	t.Run("TheFirstVerdictActsOnNothing", func(t *testing.T) {
		if c := d.get(); c.State != cases.StateClosed || c.ReopenCount != 0 {
			t.Fatalf("after the first blind verdict: %s, reopened %d", c.State, c.ReopenCount)
		}
		if n := noticesOf(t, agent, "verdict_rework"); len(n) != 0 {
			t.Fatalf("the agent was told of a sealed verdict: %+v", n)
		}
	})
	t.Run("NobodyElseSeesIt", func(t *testing.T) {
		if vs, _ := auditsOf(t, first, d); len(vs) != 1 || vs[0].ID != v1.ID {
			t.Fatalf("its author sees %+v", vs)
		}
		for name, c := range map[string]caller{"second": second, "agent": agent, "admin": admin} {
			if vs, _ := auditsOf(t, c, d); len(vs) != 0 {
				t.Errorf("the %s sees the sealed verdict: %+v", name, vs)
			}
		}
		evs := decodeAs[struct{ Items []cases.Event }](t, second.call(http.MethodGet, d.path+"/events", nil)).Items
		last := evs[len(evs)-1]
		var p map[string]any
		if err := json.Unmarshal(last.Payload, &p); err != nil || last.Kind != cases.EventAudited {
			t.Fatalf("last event %s %v", last.Kind, err)
		}
		if _, ok := p["verdict"]; ok || p["blind"] != true {
			t.Fatalf("the ledger shows the sealed verdict: %v", p)
		}
	})
	t.Run("TheFirstSupervisorCannotJudgeTwice", func(t *testing.T) {
		if ids := queueIDs(t, first); len(ids) != 0 {
			t.Fatalf("the first supervisor's queue still has it: %v", ids)
		}
		wantProblem(t, first.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}), 409, "verdict")
		wantProblem(t, agent.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}), 403, "")
		if ids := queueIDs(t, second); len(ids) != 1 || ids[0] != d.id {
			t.Fatalf("the second supervisor's queue: %v", ids)
		}
	})
	t.Run("TheSecondUnsealsAndEitherReworkReworks", func(t *testing.T) {
		rec := second.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(map[string]any{"listened": 1})})
		if rec.Code != 201 {
			t.Fatalf("second verdict: %d %s", rec.Code, rec.Body)
		}
		v2 := decodeAs[cases.Verdict](t, rec)
		c := d.get()
		if c.State != cases.StateListen || c.ReopenCount != 1 {
			t.Fatalf("after both verdicts: %s, reopened %d", c.State, c.ReopenCount)
		}
		if n := noticesOf(t, agent, "verdict_rework"); len(n) != 1 {
			t.Fatalf("the agent's rework notices: %+v", n)
		}
		vs, audits := auditsOf(t, agent, d)
		if len(vs) != 2 || vs[0].ID != v1.ID || vs[1].ID != v2.ID {
			t.Fatalf("after both, the agent sees %+v", vs)
		}
		a := audits[0]
		if a.Status != cases.AuditDone || a.Agreement == nil || *a.Agreement || a.ScoreDiff == nil ||
			*a.ScoreDiff != abs(v1.Score-v2.Score) || a.Outcome == nil || *a.Outcome != cases.VerdictRework || a.CalibratedAt == nil {
			t.Fatalf("audit %+v", a)
		}
		wantProblem(t, third.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}), 409, "")
		wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/verdicts/%d/dispute", v2.ID), map[string]any{"comment": "不同意"}), 409, "verdict")
	})

	agreed := closedCheap(t, agent, "小何")
	for _, s := range []caller{second, third} {
		if rec := s.call(http.MethodPost, agreed.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}); rec.Code != 201 {
			t.Fatalf("verdict: %d %s", rec.Code, rec.Body)
		}
	}
	if c := agreed.get(); c.State != cases.StateClosed {
		t.Fatalf("two approvals reopened the case: %s", c.State)
	}

	t.Run("TheReport", func(t *testing.T) {
		rep := decodeAs[cases.Calibration](t, first.call(http.MethodGet, "/api/v1/audits/calibration", nil))
		if rep.N != 2 || rep.Agreed != 1 || rep.AgreementRate == nil || *rep.AgreementRate != 0.5 || len(rep.Items) != 2 {
			t.Fatalf("report %+v", rep)
		}
		if p := rep.Items[0]; p.CaseID != agreed.id || !p.Agreement || p.First != cases.VerdictApproved || p.FirstID != second.user.ID || p.SecondID != third.user.ID {
			t.Fatalf("newest pair %+v", p)
		}
		tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
		if rep := decodeAs[cases.Calibration](t, first.call(http.MethodGet, "/api/v1/audits/calibration?from="+tomorrow, nil)); rep.N != 0 || rep.AgreementRate != nil {
			t.Fatalf("a period without calibrations: %+v", rep)
		}
		wantProblem(t, first.call(http.MethodGet, "/api/v1/audits/calibration?from=yesterday", nil), 400, "from")
		wantProblem(t, first.call(http.MethodGet, "/api/v1/audits/calibration?from=2026-11-20&to=2026-11-01", nil), 422, "to")
		wantProblem(t, first.call(http.MethodGet, "/api/v1/audits/calibration?from=2020-01-01&to=2026-11-01", nil), 422, "to")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/audits/calibration", nil), 403, "")
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func TestReopenedCaseLeavesTheAuditQueue(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	admin := e.caller(cases.RoleAdmin)
	d := newDeskCase(t, agent, "900.00", "大客户")
	d.propose("refund", "300.00")
	if rec := sup.call(http.MethodPost, d.path+"/approvals", nil); rec.Code != 200 {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
	d.move(map[string]any{"to": "follow_up"}, 200)
	d.close()
	if ids := queueIDs(t, sup); !slices.Equal(ids, []int64{d.id}) {
		t.Fatalf("queue after closing: %v", ids)
	}

	d.move(map[string]any{"to": "listen", "reopen_reason": "买家追评说杯子还是碎的"}, 200)
	if ids := queueIDs(t, sup); len(ids) != 0 {
		t.Fatalf("a reopened case is still in the queue: %v", ids)
	}
	wantProblem(t, sup.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}), 409, "state")
	_, audits := auditsOf(t, sup, d)
	if len(audits) != 1 || audits[0].Status != cases.AuditWithdrawn || audits[0].WithdrawnAt == nil {
		t.Fatalf("audits after reopening: %+v", audits)
	}

	// Nothing on the way back through the protocol selects it but having
	// been reopened (no share, no minimum): it re-enters for that alone.
	putSettings(t, admin, map[string]any{"random_percent": 0, "min_per_agent": 0})
	d.move(map[string]any{"to": "apologise", "account": "买家说杯子碎了", "root_cause": "logistics"}, 200)
	d.move(map[string]any{"to": "remedy", "apology": "真诚地向您道歉。"}, 200)
	d.move(remedy("coupon", "5.00"), 200)
	d.close()
	q := decodeAs[cases.Page[cases.Audit]](t, sup.call(http.MethodGet, "/api/v1/audits/queue?reason=reopened", nil))
	if len(q.Items) != 1 || q.Items[0].CaseID != d.id || q.Items[0].Status != cases.AuditQueued ||
		!slices.Contains(q.Items[0].Reasons, cases.ReasonReopened) || !slices.Contains(q.Items[0].Reasons, cases.ReasonRemedyAboveThreshold) {
		t.Fatalf("queue after closing again: %+v", q.Items)
	}
	if rec := sup.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "approved", "scores": scores(nil)}); rec.Code != 201 {
		t.Fatalf("verdict on the new closing: %d %s", rec.Code, rec.Body)
	}
	if _, audits := auditsOf(t, sup, d); len(audits) != 2 || audits[0].Status != cases.AuditDone || audits[1].Status != cases.AuditWithdrawn {
		t.Fatalf("audits at the end: %+v", audits)
	}
}

func TestChecklistItemsRetire(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	admin := e.caller(cases.RoleAdmin)
	item := map[string]any{"key": "cited_rules", "label_en": "Cited the platform's rules", "label_zh": "引用平台规则", "weight": 1}
	if rec := admin.call(http.MethodPost, "/api/v1/audits/checklist", item); rec.Code != 200 {
		t.Fatalf("save item: %d %s", rec.Code, rec.Body)
	}
	item["key"] = "smiled"
	if rec := admin.call(http.MethodPost, "/api/v1/audits/checklist", item); rec.Code != 200 {
		t.Fatalf("save item: %d %s", rec.Code, rec.Body)
	}
	d := newDeskCase(t, agent, "900.00", "大客户")
	d.propose("refund", "300.00")
	if rec := sup.call(http.MethodPost, d.path+"/approvals", nil); rec.Code != 200 {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
	d.move(map[string]any{"to": "follow_up"}, 200)
	d.close()
	if rec := sup.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "approved",
		"scores": scores(map[string]any{"cited_rules": 1, "smiled": nil})}); rec.Code != 201 {
		t.Fatalf("verdict: %d %s", rec.Code, rec.Body)
	}

	t.Run("OnlyAdmins", func(t *testing.T) {
		wantProblem(t, sup.call(http.MethodDelete, "/api/v1/audits/checklist/cited_rules", nil), 403, "")
		wantProblem(t, agent.call(http.MethodDelete, "/api/v1/audits/checklist/cited_rules", nil), 403, "")
	})
	t.Run("UnknownAndBadKeys", func(t *testing.T) {
		wantProblem(t, admin.call(http.MethodDelete, "/api/v1/audits/checklist/frowned", nil), 404, "")
		wantProblem(t, admin.call(http.MethodDelete, "/api/v1/audits/checklist/Not-A-Key", nil), 422, "key")
	})
	t.Run("ScoredItemIsRetiredNotDeleted", func(t *testing.T) {
		rec := admin.call(http.MethodDelete, "/api/v1/audits/checklist/cited_rules", nil)
		out := decodeAs[struct {
			Outcome string
			Item    cases.ChecklistItem
		}](t, rec)
		if rec.Code != 200 || out.Outcome != "retired" || out.Item.Active {
			t.Fatalf("retire: %d %+v", rec.Code, out)
		}
		all := decodeAs[struct{ Items []cases.ChecklistItem }](t, agent.call(http.MethodGet, "/api/v1/audits/checklist?all=true", nil)).Items
		active := decodeAs[struct{ Items []cases.ChecklistItem }](t, agent.call(http.MethodGet, "/api/v1/audits/checklist", nil)).Items
		if !slices.ContainsFunc(all, func(it cases.ChecklistItem) bool { return it.Key == "cited_rules" && !it.Active }) ||
			slices.ContainsFunc(active, func(it cases.ChecklistItem) bool { return it.Key == "cited_rules" }) {
			t.Fatalf("all %+v active %+v", all, active)
		}
		if vs, _ := auditsOf(t, agent, d); len(vs) != 1 || vs[0].Scores["cited_rules"] != 1 {
			t.Fatalf("the old verdict lost its score: %+v", vs)
		}
	})
	t.Run("ItemNoVerdictScoredIsDeleted", func(t *testing.T) {
		// "smiled" was not applicable in the verdict: no score names it.
		out := decodeAs[struct{ Outcome string }](t, admin.call(http.MethodDelete, "/api/v1/audits/checklist/smiled", nil))
		if out.Outcome != "deleted" {
			t.Fatalf("outcome %q", out.Outcome)
		}
		wantProblem(t, admin.call(http.MethodDelete, "/api/v1/audits/checklist/smiled", nil), 404, "")
	})
	t.Run("TheLastActiveItemStays", func(t *testing.T) {
		keys := []string{"answered_fast", "listened", "apologised", "remedy_proportionate", "followed_up", "no_review_tied_remedy"}
		for _, k := range keys {
			if rec := admin.call(http.MethodDelete, "/api/v1/audits/checklist/"+k, nil); rec.Code != 200 {
				t.Fatalf("retire %s: %d %s", k, rec.Code, rec.Body)
			}
		}
		wantProblem(t, admin.call(http.MethodDelete, "/api/v1/audits/checklist/no_false_admission", nil), 409, "key")
	})
}
