package server_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"redress/cases"
	"redress/cases/store"
)

// clearCookies signs the browser out, for the next person at the desk.
func (b *browserEnv) clearCookies() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.fail("clear cookies: %v", err)
	}
}

// TestBrowserShiftHandsOverAndTheNextAcknowledges: in each language, the
// outgoing agent hands two cases over from the end-of-shift page (the
// overdue one marked as needing a note, preset at risk, noted), the
// incoming agent reads them in the inbox, reads back the case at risk and
// acknowledges; the cases move, and the case timeline tells the story.
func TestBrowserShiftHandsOverAndTheNextAcknowledges(t *testing.T) {
	b := newBrowserEnv(t)
	for _, tt := range []struct {
		lang                                       cases.Language
		heading, needs, atRisk, flashHanded, inbox string
		flashAcked, timeline                       string
	}{
		{cases.LanguageEnglish, "End of shift: hand over", "Needs a note", "at_risk", "Handed over", "Waiting for your acknowledgement",
			"Acknowledged: the cases are yours now.", "Handover acknowledged"},
		{cases.LanguageChinese, "交班：工作交接", "需要说明", "at_risk", "已交接", "待你确认",
			"已确认：案件已转给你。", "交接已确认"},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			out := b.person(cases.RoleAgent, tt.lang, "Outgoing "+string(tt.lang))
			in := b.person(cases.RoleAgent, tt.lang, "Incoming "+string(tt.lang))
			api := b.api(out)
			body := newCaseBody()
			delete(body, "external_id")
			body["assignee_id"] = out.ID
			late, _ := seed(t, api, body)
			calm, _ := seed(t, api, body)
			if _, err := b.db.Exec(`UPDATE cases SET due_at = now() - interval '10 minutes' WHERE id = $1`, late.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := b.db.Exec(`UPDATE cases SET due_at = now() + interval '3 days' WHERE id = $1`, calm.ID); err != nil {
				t.Fatal(err)
			}

			b.clearCookies()
			b.signIn(out)
			b.open("/handover")
			b.wantText("h1", tt.heading)
			row := fmt.Sprintf("#hc-%d", late.ID)
			b.wantText(row, tt.needs)
			if got := b.value(row + " select"); got != tt.atRisk {
				b.fail("the overdue case is preset %q, want %q", got, tt.atRisk)
			}
			b.set("#to_user_id", fmt.Sprint(in.ID), "#note", "一切顺利 / all calm")
			b.do(chromedp.SendKeys(chromedp.CSS(row+" textarea"), "买家等回电 / buyer waits for a call"),
				chromedp.SendKeys(chromedp.CSS(row+` input[name^="contingency_"]`), "if no answer by 18:00 then offer a coupon"))
			b.shot("handover-"+string(tt.lang), true)
			b.click("#hand-over")
			b.wantText(".flash", tt.flashHanded)
			ctx := context.Background()
			for _, id := range []int64{late.ID, calm.ID} {
				c, err := store.New(b.db).Get(ctx, id)
				if err != nil || *c.AssigneeID != out.ID {
					b.fail("case %d moved before acknowledgement (%v)", id, err)
				}
			}

			b.clearCookies()
			b.signIn(in)
			b.open("/handovers")
			b.wantText("main", tt.inbox, "买家等回电", "if no answer by 18:00 then offer a coupon")
			b.do(chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`input[name="read_back_%d"]`, late.ID)), "我会在18点前回电 / I call before 18:00"))
			b.shot("handover-inbox-"+string(tt.lang), true)
			b.click(".handover-card button.primary")
			b.wantText(".flash", tt.flashAcked)
			for _, id := range []int64{late.ID, calm.ID} {
				c, err := store.New(b.db).Get(ctx, id)
				if err != nil || *c.AssigneeID != in.ID {
					b.fail("case %d is not with the incoming agent after acknowledgement (%v)", id, err)
				}
			}
			b.open(fmt.Sprintf("/cases/%d", late.ID))
			b.wantText("main", tt.timeline, "我会在18点前回电")
		})
	}
}

// TestBrowserHandoverToTheNextShiftsTeam: the outgoing agent hands a case
// to the next shift's team rather than to one person; any agent of the
// team finds it in the inbox, acknowledges it and takes the case.
func TestBrowserHandoverToTheNextShiftsTeam(t *testing.T) {
	b := newBrowserEnv(t)
	out := b.person(cases.RoleAgent, cases.LanguageChinese, "白班 小王")
	taker := b.person(cases.RoleAgent, cases.LanguageChinese, "夜班 小李")
	body := newCaseBody()
	delete(body, "external_id")
	body["assignee_id"] = out.ID
	c, _ := seed(t, b.api(out), body)

	b.signIn(out)
	b.open("/handover")
	b.wantText("#to_user_id", "下一班全组")
	b.set("#to_user_id", "team", "#note", "夜班请接手")
	b.click("#hand-over")
	b.wantText(".flash", "已交接")

	b.clearCookies()
	b.signIn(taker)
	b.open("/handovers")
	b.wantText("main", "团队：下一班", "夜班请接手")
	b.click(".handover-card button.primary")
	b.wantText(".flash", "已确认")
	got, err := store.New(b.db).Get(context.Background(), c.ID)
	if err != nil || got.AssigneeID == nil || *got.AssigneeID != taker.ID {
		b.fail("the case is with %v after the team acknowledged it (%v), want %d", got.AssigneeID, err, taker.ID)
	}
}
