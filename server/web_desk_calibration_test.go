package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"redress/cases"
	"redress/cases/store"
)

// settingsForm is the policy page's settings form: the defaults with
// over's fields replaced.
func settingsForm(over map[string]string) url.Values {
	f := url.Values{"random_percent": {"10"}, "min_per_agent": {"2"}, "period": {"week"}, "calibration_percent": {"0"},
		"approval_window_minutes": {"240"}}
	for k, v := range over {
		f.Set(k, v)
	}
	return f
}

func TestPolicyPageSettingsAndRetirement(t *testing.T) {
	e := newEnv(t)
	_, admin := e.signedIn(cases.RoleAdmin, cases.LanguageEnglish)
	_, zhAdmin := e.signedIn(cases.RoleAdmin, cases.LanguageChinese)
	_, lead := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	settings := func() cases.DeskSettings {
		s, err := store.New(e.db).Desk().Settings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	wantHTML(t, e.page(admin, "GET", "/desk/policy", nil), http.StatusOK, `id="settings-form"`, `name="random_percent" value="10"`,
		`<option value="week" selected>`, `name="approval_window_minutes" value="240"`, `name="version" value="1"`)
	wantHTML(t, e.page(zhAdmin, "GET", "/desk/policy", nil), http.StatusOK, "审核抽样与审批", "校准比例")
	wantHTML(t, e.page(lead, "POST", "/desk/policy/settings", settingsForm(nil)), http.StatusForbidden)
	wantHTML(t, e.page(lead, "POST", "/desk/policy/checklist/followed_up/retire", url.Values{}), http.StatusForbidden)

	t.Run("BadValuesAreRefusedAtTheirField", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			over   map[string]string
			status int
			field  string
			says   string
		}{
			{"RandomNotANumber", map[string]string{"random_percent": "lots"}, 400, "random_percent", "A whole number from 0 to 100"},
			{"RandomAbove100", map[string]string{"random_percent": "120"}, 422, "random_percent", "A whole number from 0 to 100"},
			{"MinPerAgentNegative", map[string]string{"min_per_agent": "-1"}, 422, "min_per_agent", "A whole number from 0 to 100"},
			{"UnknownPeriod", map[string]string{"period": "year"}, 422, "period", "Choose day, week or month"},
			{"CalibrationAbove100", map[string]string{"calibration_percent": "101"}, 422, "calibration_percent", "A whole number from 0 to 100"},
			{"ApprovalWindowTooShort", map[string]string{"approval_window_minutes": "2"}, 422, "approval_window_minutes", "from 5 to 10080"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				body := wantHTML(t, e.page(admin, "POST", "/desk/policy/settings", settingsForm(tc.over)), tc.status, tc.says)
				if !errorAt(body, "settings-form", tc.field) {
					t.Errorf("the refusal is not next to %s", tc.field)
				}
			})
		}
		wantHTML(t, e.page(zhAdmin, "POST", "/desk/policy/settings", settingsForm(map[string]string{"random_percent": "120"})),
			http.StatusUnprocessableEntity, "请填 0 到 100 的整数")
		if s := settings(); s.Version != 1 {
			t.Fatalf("a refused form changed the settings: %+v", s)
		}
	})
	t.Run("SavedConditionally", func(t *testing.T) {
		form := settingsForm(map[string]string{"random_percent": "25", "min_per_agent": "3", "period": "month",
			"calibration_percent": "20", "approval_window_minutes": "90", "version": "1"})
		wantRedirect(t, e.page(admin, "POST", "/desk/policy/settings", form), "/desk/policy?done=settings_saved#settings")
		if s := settings(); s.RandomPercent != 25 || s.MinPerAgent != 3 || s.Period != cases.PeriodMonth || s.CalibrationPercent != 20 ||
			s.ApprovalWindowMinutes != 90 || s.Version != 2 {
			t.Fatalf("saved %+v", s)
		}
		form.Set("random_percent", "50") // a form read at version 1, saved after the change
		wantHTML(t, e.page(admin, "POST", "/desk/policy/settings", form), http.StatusConflict, "changed since version 1")
		if s := settings(); s.RandomPercent != 25 {
			t.Fatalf("a stale form overwrote the settings: %+v", s)
		}
		wantHTML(t, e.page(admin, "GET", "/desk/policy", nil), http.StatusOK, `name="random_percent" value="25"`, `<option value="month" selected>`)
	})
	t.Run("RetireButtons", func(t *testing.T) {
		body := wantHTML(t, e.page(admin, "GET", "/desk/policy", nil), http.StatusOK, `id="retire-followed_up"`)
		if !strings.Contains(body, `action="/desk/policy/checklist/followed_up/retire"`) {
			t.Fatal("no retire form")
		}
		// No verdict scored it: it goes.
		wantRedirect(t, e.page(admin, "POST", "/desk/policy/checklist/followed_up/retire", url.Values{}), "/desk/policy?done=checklist_deleted#checklist")
		body = wantHTML(t, e.page(admin, "GET", "/desk/policy", nil), http.StatusOK)
		if strings.Contains(body, `data-item="followed_up"`) {
			t.Error("a deleted item is still listed")
		}
		wantHTML(t, e.page(admin, "POST", "/desk/policy/checklist/nothing_here/retire", url.Values{}), http.StatusNotFound)
	})
}

func TestBlindCalibrationPages(t *testing.T) {
	e := newEnv(t)
	agentUser, agentB := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	agent := e.callerFor(agentUser)
	firstUser, firstB := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	secondUser, secondB := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	_, zhLead := e.signedIn(cases.RoleSupervisor, cases.LanguageChinese)
	putSettings(t, e.caller(cases.RoleAdmin), map[string]any{"random_percent": 100, "calibration_percent": 100})
	d := closedCheap(t, agent, "小林")
	id := strconv.FormatInt(d.id, 10)

	wantHTML(t, e.page(firstB, "GET", "/desk", nil), http.StatusOK, `id="calibration-summary" data-n="0"`, "No calibration audit was completed")
	wantHTML(t, e.page(firstB, "GET", "/cases/"+id+"/audit", nil), http.StatusOK, `id="calibration-blind"`, `id="verdict-form"`)
	wantRedirect(t, e.page(firstB, "POST", "/cases/"+id+"/verdicts", scoreForm("rework", "没有回访", map[string]string{"followed_up": "0"})),
		"/cases/"+id+"?done=verdict_given#verdicts")

	body := wantHTML(t, e.page(firstB, "GET", "/cases/"+id+"/audit", nil), http.StatusOK, `id="calibration-waiting"`, `data-verdict="rework"`)
	if strings.Contains(body, `id="verdict-form"`) {
		t.Error("the first supervisor is offered the scorecard again")
	}
	body = wantHTML(t, e.page(secondB, "GET", "/cases/"+id+"/audit", nil), http.StatusOK, `id="calibration-blind"`, `id="verdict-form"`,
		"Blind calibration verdict, sealed")
	if strings.Contains(body, `data-verdict=`) || strings.Contains(body, "没有回访") {
		t.Error("the second supervisor sees the first verdict")
	}
	body = wantHTML(t, e.page(agentB, "GET", "/cases/"+id, nil), http.StatusOK)
	if strings.Contains(body, `data-verdict=`) || strings.Contains(body, "没有回访") {
		t.Error("the agent sees a sealed verdict")
	}

	wantRedirect(t, e.page(secondB, "POST", "/cases/"+id+"/verdicts", scoreForm("approved", "", nil)), "/cases/"+id+"?done=verdict_given#verdicts")
	body = wantHTML(t, e.page(agentB, "GET", "/cases/"+id, nil), http.StatusOK, `data-verdict="rework"`, `data-verdict="approved"`,
		"the supervisors disagreed", "outcome: Rework", "没有回访")
	if strings.Contains(body, `action="/verdicts/`) {
		t.Error("a calibrated outcome is offered for dispute")
	}
	if c := d.get(); c.State != cases.StateListen {
		t.Fatalf("after both verdicts the case is in %s", c.State)
	}
	body = wantHTML(t, e.page(firstB, "GET", "/desk", nil), http.StatusOK, `id="calibration-summary" data-n="1" data-agreed="0"`,
		"agreed on 0 of 1 calibration audits (0%)", `id="calibration-pairs"`, d.get().Ref)
	if !strings.Contains(body, firstUser.DisplayName+": Rework") || !strings.Contains(body, secondUser.DisplayName+": Approved") {
		t.Error("the pair does not show who gave which verdict")
	}
	wantHTML(t, e.page(zhLead, "GET", "/desk", nil), http.StatusOK, "次校准审核中主管结论一致 0 次")
}
