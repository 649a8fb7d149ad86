package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
)

// inbox seeds an agent's inbox with four notices about two cases: a
// reminder for each (one also near its platform deadline) from a real
// sweep, and an approval decision about the second. It returns the cases,
// the first older than the second.
func (e *env) inbox(u cases.User) (cases.Case, cases.Case) {
	e.t.Helper()
	soon := time.Now().Add(3 * time.Hour).Truncate(time.Minute)
	first := e.caseAs(u, &u.ID, func(in *cases.CaseInput) { in.PlatformDueAt = &soon })
	second := e.caseAs(u, &u.ID, nil)
	e.sweep(time.Now().Add(2 * time.Hour))
	ctx := context.Background()
	err := store.New(e.db).InTx(ctx, func(tx *sqlx.Tx) error {
		return store.NotifyTx(ctx, tx, "approved", second.ID, []cases.Recipient{{ID: u.ID, Role: u.Role, Language: u.Language}},
			time.Now(), func(lang cases.Language) string {
				if lang == cases.LanguageChinese {
					return second.Ref + "：您的补救方案 部分退款 ¥10.00 已获批准"
				}
				return second.Ref + ": your remedy Partial refund ¥10.00 was approved"
			})
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return first, second
}

var noticeGroupRE = regexp.MustCompile(`<section class="notice-group[^"]*">\s*<h2><a href="/cases/(\d+)">`)

// groups returns the cases of a page's notice groups, in order, and how
// many notices each holds.
func noticeGroups(body string) []string {
	var out []string
	for _, m := range noticeGroupRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestNotificationsInbox(t *testing.T) {
	for _, tc := range []struct {
		lang                                                   cases.Language
		overdue, platformSoon, approved, reminders, badFilter  string
		unread4, unread3, emptyFiltered, escalations, allKinds string
	}{
		{cases.LanguageEnglish, "Step overdue", "Platform deadline soon", "Remedy approved", "Reminders",
			"There is no kind of notification called “bogus”", "4 unread", "3 unread", "No notifications match these filters.",
			"Escalations", "All kinds"},
		{cases.LanguageChinese, "环节超时", "平台时限将至", "补救方案已批准", "提醒",
			"没有名为「bogus」的通知类型", "4 条未读", "3 条未读", "没有符合筛选条件的通知。", "升级", "全部类型"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			e := newEnv(t)
			u, b := e.signedIn(cases.RoleAgent, tc.lang)
			first, second := e.inbox(u)
			ids := func(c cases.Case) string { return strconv.FormatInt(c.ID, 10) }

			t.Run("GroupedByCaseNewestFirst", func(t *testing.T) {
				body := wantHTML(t, e.page(b, "GET", "/notifications", nil), http.StatusOK,
					tc.unread4, tc.overdue, tc.platformSoon, tc.approved, tc.reminders, tc.escalations, tc.allKinds, first.Ref, second.Ref)
				if got := noticeGroups(body); strings.Join(got, ",") != ids(second)+","+ids(first) {
					t.Errorf("groups %v, want the second case's (newest notice) then the first's", got)
				}
				if n := strings.Count(body, `class="notice-row unread"`); n != 4 {
					t.Errorf("%d unread rows, want 4", n)
				}
				for _, raw := range []string{"notice_kind.", "notifications.filter.", "in step", ">respond<", ">overdue<"} {
					if strings.Contains(body, raw) {
						t.Errorf("the page shows a raw key %q", raw)
					}
				}
			})
			t.Run("FilterByKind", func(t *testing.T) {
				body := wantHTML(t, e.page(b, "GET", "/notifications?kind=approvals", nil), http.StatusOK, tc.approved)
				if got := noticeGroups(body); strings.Join(got, ",") != ids(second) {
					t.Errorf("approvals: groups %v, want only the second case", got)
				}
				if strings.Contains(body, tc.overdue+"<") {
					t.Error("approvals show a reminder")
				}
				if !strings.Contains(body, `href="/notifications?kind=approvals" aria-current="page"`) {
					t.Error("the approvals filter is not marked current")
				}
				body = wantHTML(t, e.page(b, "GET", "/notifications?kind=reminders", nil), http.StatusOK, tc.overdue, tc.platformSoon)
				if got := noticeGroups(body); len(got) != 2 || strings.Contains(body, tc.approved+"<") {
					t.Errorf("reminders: groups %v (approval shown: %v)", got, strings.Contains(body, tc.approved+"<"))
				}
				body = wantHTML(t, e.page(b, "GET", "/notifications?kind=verdicts", nil), http.StatusOK, tc.emptyFiltered)
				if got := noticeGroups(body); len(got) != 0 {
					t.Errorf("verdicts: groups %v, want none", got)
				}
			})
			t.Run("BadFilterIsToldNotFailed", func(t *testing.T) {
				body := wantHTML(t, e.page(b, "GET", "/notifications?kind=bogus", nil), http.StatusBadRequest, tc.badFilter, first.Ref, second.Ref)
				if len(noticeGroups(body)) != 2 {
					t.Error("a bad filter should show the whole inbox under its message")
				}
				body = wantHTML(t, e.page(b, "GET", "/notifications?kind=%3Cscript%3E", nil), http.StatusBadRequest, "&lt;script&gt;")
				if strings.Contains(body, "<script>") {
					t.Error("the filter asked for is written into the page unescaped")
				}
			})
			t.Run("OpeningOneMarksItRead", func(t *testing.T) {
				var id int64
				if err := e.db.Get(&id, `SELECT id FROM notifications WHERE user_id = $1 AND kind = 'approved'`, u.ID); err != nil {
					t.Fatal(err)
				}
				wantRedirect(t, e.page(b, "POST", "/notifications/"+strconv.FormatInt(id, 10)+"/read",
					url.Values{"open": {"1"}, "kind": {"approvals"}}), "/cases/"+ids(second))
				body := wantHTML(t, e.page(b, "GET", "/notifications?unread=1", nil), http.StatusOK, tc.unread3)
				if strings.Contains(body, tc.approved+"<") {
					t.Error("the notice opened is still listed as unread")
				}
				if n := strings.Count(body, `class="notice-row unread"`); n != 3 {
					t.Errorf("%d unread rows, want 3", n)
				}
			})
			t.Run("MarkReadKeepsTheFilters", func(t *testing.T) {
				var id int64
				if err := e.db.Get(&id, `SELECT id FROM notifications WHERE user_id = $1 AND kind = 'overdue' AND case_id = $2`, u.ID, first.ID); err != nil {
					t.Fatal(err)
				}
				wantRedirect(t, e.page(b, "POST", "/notifications/"+strconv.FormatInt(id, 10)+"/read",
					url.Values{"kind": {"reminders"}, "unread": {"1"}}), "/notifications?kind=reminders&unread=1&done=read")
				wantRedirect(t, e.page(b, "POST", "/notifications/"+strconv.FormatInt(id, 10)+"/read",
					url.Values{"kind": {"bogus"}}), "/notifications?done=read")
			})
			t.Run("MarkAllRead", func(t *testing.T) {
				wantRedirect(t, e.page(b, "POST", "/notifications/read-all", url.Values{"unread": {"1"}}), "/notifications?unread=1&done=all_read")
				body := wantHTML(t, e.page(b, "GET", "/notifications?unread=1", nil), http.StatusOK, tc.emptyFiltered)
				if strings.Contains(body, `class="notice-row unread"`) {
					t.Error("unread rows after marking all read")
				}
				body = wantHTML(t, e.page(b, "GET", "/notifications", nil), http.StatusOK)
				if got := noticeGroups(body); len(got) != 2 {
					t.Errorf("all, after reading them: groups %v, want both cases", got)
				}
			})
		})
	}
}
