package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"redress/cases"
)

// TestBrowserNotifications reads an inbox of several cases' notices in
// both languages, at a laptop's width and a phone's: grouped by case,
// compact, filtered with the tabs, and a notice opened from the keyboard
// (Tab to it, Enter) marks it read and leads to its case.
func TestBrowserNotifications(t *testing.T) {
	b := newBrowserEnv(t)
	for _, tt := range []struct {
		lang              cases.Language
		approvals, kindOK string
	}{
		{cases.LanguageEnglish, "Approvals", "Step overdue"},
		{cases.LanguageChinese, "审批", "环节超时"},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			agent := b.person(cases.RoleAgent, tt.lang, "Inbox "+string(tt.lang))
			first, second := b.inbox(agent)
			for range 4 {
				b.caseAs(agent, &agent.ID, nil)
			}
			b.sweep(time.Now().Add(3 * time.Hour))
			b.clearCookies()
			b.signIn(agent)
			b.open("/notifications")
			b.wantText(".notice-groups", first.Ref, second.Ref, tt.kindOK)
			groups := eval[int](b, `document.querySelectorAll('.notice-group').length`)
			rows := eval[int](b, `document.querySelectorAll('.notice-row').length`)
			if groups != 6 || rows < 8 {
				b.fail("%d groups of %d notices, want the six cases' groups", groups, rows)
			}
			// Compact: a notice is one line at a laptop's width.
			if h := eval[float64](b, `document.querySelector('.notice-row').getBoundingClientRect().height`); h > 40 {
				b.fail("a notice row is %.0f px high; want one line", h)
			}
			for _, w := range []int64{1280, 390} {
				b.do(chromedp.EmulateViewport(w, 860))
				b.open("/notifications")
				if over := eval[bool](b, `document.documentElement.scrollWidth > document.documentElement.clientWidth`); over {
					b.fail("the inbox overflows sideways at %d px", w)
				}
				b.shot(fmt.Sprintf("notifications-%s-%d", tt.lang, w), w == 1280)
			}
			b.do(chromedp.EmulateViewport(1280, 860))

			b.open("/notifications")
			b.click(`.notice-filters a[href="/notifications?kind=approvals"]`)
			b.wantText(`.notice-filters a[aria-current="page"]`, tt.approvals)
			if n := eval[int](b, `document.querySelectorAll('.notice-group').length`); n != 1 {
				b.fail("approvals show %d groups, want the one case with an approval", n)
			}

			b.open("/notifications?unread=1")
			before := b.text("#unread")
			// From the keyboard: focus the first notice and press Enter.
			want := eval[string](b, `document.querySelector('.notice-row.unread').closest('.notice-group').querySelector('h2 a').getAttribute('href')`)
			b.do(chromedp.Focus(chromedp.CSS(".notice-row.unread .notice-open")))
			b.follow(chromedp.KeyEvent("\r"))
			if p := b.path(); p != want {
				b.fail("Enter on the newest notice led to %s, want its case %s", p, want)
			}
			n, _ := strconv.Atoi(before)
			if after := b.text("#unread"); after != strconv.Itoa(n-1) {
				b.fail("badge %s after opening one of %s unread", after, before)
			}
			// j selects the first notice, Enter opens it.
			b.open("/notifications")
			want = eval[string](b, `document.querySelector('.notice-row').closest('.notice-group').querySelector('h2 a').getAttribute('href')`)
			b.do(chromedp.KeyEvent("j"))
			b.follow(chromedp.KeyEvent("\r"))
			if p := b.path(); p != want {
				b.fail("j, Enter in the inbox led to %s, want the first notice's case %s", p, want)
			}
			if strings.Contains(b.text("main"), "notice_kind.") {
				b.fail("a raw catalogue key on the case page")
			}
		})
	}
}
