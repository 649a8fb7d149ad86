package server_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"redress/cases"
	"redress/cases/store"
)

// caseNow reads a case from the database.
func (b *browserEnv) caseNow(id int64) cases.Case {
	b.t.Helper()
	c, err := store.New(b.db).Get(context.Background(), id)
	if err != nil {
		b.t.Fatal(err)
	}
	return c
}

// TestBrowserChineseSupervisorDeclinesThenApproves: a costly remedy
// reaches a supervisor who reads the desk in Chinese, declines it with a
// comment (after being told a decline needs one), and approves the
// cheaper one the agent proposes next.
func TestBrowserChineseSupervisorDeclinesThenApproves(t *testing.T) {
	b := newBrowserEnv(t)
	agent := b.person(cases.RoleAgent, cases.LanguageChinese, "小客服")
	lead := b.person(cases.RoleSupervisor, cases.LanguageChinese, "王主管")
	d := newDeskCase(t, b.api(agent), "59.90", "小王")
	d.propose("refund", "120.00")
	card := "#approval-" + strconv.FormatInt(d.id, 10)

	b.signIn(lead)
	b.click("#nav-desk")
	b.wantText(card, "全额退款 120.00 CNY", "小王")

	b.click(card + ` button[value="decline"]`)
	b.wantText(card+` [data-field="comment"] .field-error`, "驳回需要填写说明")
	if r := b.caseNow(d.id).Remedy; r == nil {
		b.fail("a decline without a comment took the remedy off the case")
	}
	b.set(card+" textarea", "全额退款过多，先补发")
	b.click(card + ` button[value="decline"]`)
	b.wantText(".flash", "补救方案已驳回")
	if r := b.caseNow(d.id).Remedy; r != nil {
		b.fail("the declined remedy is still on the case: %+v", r)
	}
	if n := eval[int](b, `document.querySelectorAll(".approvals li").length`); n != 0 {
		b.fail("the desk still lists %d approvals", n)
	}

	d.propose("reship", "70.00")
	b.open("/desk")
	b.wantText(card, "补发 70.00 CNY")
	b.click(card + ` button[value="approve"]`)
	b.wantText(".flash", "补救方案已审批")
	if r := b.caseNow(d.id).Remedy; r == nil || r.ApprovedBy == nil || *r.ApprovedBy != lead.ID {
		b.fail("the remedy is not approved by the supervisor: %+v", r)
	}
	// The agent applies it without retyping, and reads the history.
	d.move(map[string]any{"to": "follow_up"}, http.StatusOK)
	b.open("/cases/" + strconv.FormatInt(d.id, 10))
	b.wantText("#remedies", "已驳回", "全额退款过多，先补发", "已执行", "70.00 CNY")
	b.shot("desk-approvals-zh", false)
}

// TestBrowserSupervisorAuditsByKeyboard: an approved audit and a rework,
// scored from the keyboard on the audit page, and the agent's side of the
// rework.
func TestBrowserSupervisorAuditsByKeyboard(t *testing.T) {
	b := newBrowserEnv(t)
	agent := b.person(cases.RoleAgent, cases.LanguageEnglish, "Ann Agent")
	lead := b.person(cases.RoleSupervisor, cases.LanguageEnglish, "Sam Supervisor")
	other := b.api(b.person(cases.RoleSupervisor, cases.LanguageEnglish, "Olga Other"))
	closed := func(buyer string) *deskCase {
		d := newDeskCase(t, b.api(agent), "900.00", buyer)
		d.propose("refund", "300.00")
		if rec := other.call(http.MethodPost, d.path+"/approvals", nil); rec.Code != 200 {
			t.Fatalf("approve: %d %s", rec.Code, rec.Body)
		}
		d.move(map[string]any{"to": "follow_up"}, http.StatusOK)
		d.close()
		return d
	}
	good, poor := closed("jsmith"), closed("kate_r")

	b.signIn(lead)
	b.click("#nav-desk")
	b.wantText("#audit-queue", "costly remedy")
	b.click(`#audit-queue a[href="/cases/` + strconv.FormatInt(good.id, 10) + `/audit"]`)
	b.wantText("#timeline", "#1")

	t.Run("ApprovedFromTheKeyboard", func(t *testing.T) {
		for range 7 {
			b.do(press("2"))
		}
		b.do(press("a"))
		if n := eval[int](b, `document.querySelectorAll('#verdict-form [data-item] input[value="2"]:checked').length`); n != 7 {
			b.fail("7 presses of 2 scored %d items", n)
		}
		b.follow(press("Enter"))
		b.wantText(".flash", "Verdict recorded.")
		b.wantText("#verdicts [data-verdict]", "Approved", "100%")
		if c := b.caseNow(good.id); c.State != cases.StateClosed {
			b.fail("an approved audit moved the case to %s", c.State)
		}
	})

	t.Run("ReworkRefusedThenGiven", func(t *testing.T) {
		b.open("/cases/" + strconv.FormatInt(poor.id, 10) + "/audit")
		for range 3 {
			b.do(press("2"))
		}
		b.do(press("0")) // remedy proportionate
		b.do(press("n")) // followed up: not applicable
		b.do(press("2"), press("2"), press("r"))
		b.follow(press("Enter"))
		b.wantText(`[data-field="comment"] .field-error`, "a rework needs one")
		if n := eval[int](b, `document.querySelectorAll('#verdict-form [data-item] input:checked').length`); n != 7 {
			b.fail("the refused scorecard kept %d of 7 scores", n)
		}
		b.do(press("c"))
		b.do(chromedp.SendKeys(chromedp.CSS("#verdict-comment"), "Refund too high for a cracked mug, see #5"))
		b.do(press("Escape"))
		b.follow(press("Enter"))
		b.wantText("#verdicts [data-verdict]", "Rework", "Remedy proportionate")
		if c := b.caseNow(poor.id); c.State != cases.StateListen {
			b.fail("a rework left the case in %s", c.State)
		}
	})

	t.Run("TheAgentSeesWhatToFixAndDisputes", func(t *testing.T) {
		b.click(".who form[action='/logout'] button")
		b.signIn(agent)
		b.open("/cases/" + strconv.FormatInt(poor.id, 10))
		b.wantText(".to-fix", "Remedy proportionate")
		b.do(chromedp.Click(chromedp.CSS("details.dispute summary")))
		b.click("form[id^=dispute-] button[type=submit]")
		b.wantText(`form[id^=dispute-] [data-field="comment"] .field-error`, "A dispute needs a comment")
		b.set("form[id^=dispute-] textarea", "The refund was approved by a supervisor")
		b.click("form[id^=dispute-] button[type=submit]")
		b.wantText("#verdicts .disputed", "The refund was approved by a supervisor")
	})
}

// TestBrowserBlindCalibration: a case sampled for calibration is judged by
// a first supervisor (through the API) and then by a second in the
// browser, who cannot see the first verdict until giving theirs; then both
// show, the rework one of them asked for acts, and the desk counts the
// disagreement.
func TestBrowserBlindCalibration(t *testing.T) {
	b := newBrowserEnv(t)
	agent := b.person(cases.RoleAgent, cases.LanguageEnglish, "Ann Agent")
	first := b.api(b.person(cases.RoleSupervisor, cases.LanguageEnglish, "Fay First"))
	second := b.person(cases.RoleSupervisor, cases.LanguageEnglish, "Sid Second")
	putSettings(t, b.api(b.person(cases.RoleAdmin, cases.LanguageEnglish, "Ada Admin")),
		map[string]any{"random_percent": 100, "calibration_percent": 100})
	d := closedCheap(t, b.api(agent), "jsmith")
	if rec := first.call(http.MethodPost, d.path+"/verdicts", map[string]any{"verdict": "rework",
		"scores": scores(map[string]any{"followed_up": 0}), "comment": "No follow-up message at all"}); rec.Code != http.StatusCreated {
		t.Fatalf("first verdict: %d %s", rec.Code, rec.Body)
	}
	id := strconv.FormatInt(d.id, 10)

	b.signIn(second)
	b.click("#nav-desk")
	b.wantText("#audit-queue", "calibration, blind")
	b.click(`#audit-queue a[href="/cases/` + id + `/audit"]`)
	b.wantText("#calibration-blind", "Neither of you sees the other's verdict")
	b.wantText("#timeline", "sealed until the second supervisor's is in")
	if n := eval[int](b, `document.querySelectorAll("#verdicts [data-verdict]").length`); n != 0 {
		b.fail("the second supervisor sees %d verdicts before giving theirs", n)
	}
	if eval[bool](b, `document.body.textContent.includes("No follow-up message")`) {
		b.fail("the first verdict's comment shows before the second verdict")
	}
	for range 7 {
		b.do(press("2"))
	}
	b.do(press("a"))
	b.follow(press("Enter"))
	b.wantText(".flash", "Verdict recorded.")
	b.wantText("#verdicts", "Rework", "Approved", "the supervisors disagreed", "outcome: Rework", "No follow-up message at all")
	if c := b.caseNow(d.id); c.State != cases.StateListen || c.ReopenCount != 1 {
		b.fail("after both verdicts the case is in %s, reopened %d times", c.State, c.ReopenCount)
	}
	b.open("/desk")
	b.wantText("#calibration-summary", "agreed on 0 of 1 calibration audits (0%)")
	b.wantText("#calibration-pairs", "Fay First: Rework", "Sid Second: Approved")
}
