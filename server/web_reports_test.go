package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
)

// shanghai is REDRESS_TIMEZONE's default, where reports cut their days.
func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// reportWeek writes, for each of the seven days before today (in
// Shanghai), one case of agent a answered in 30 minutes, given a refund
// of 10.00 CNY and closed four hours after it opened, and one case of
// agent b answered in an hour and left open; a's first three are audited
// from the random sample and pass. The ledgers are written
// event by event at those times: the clock is the test's. It returns the
// first day.
func reportWeek(t *testing.T, db *sqlx.DB, a, b int64) time.Time {
	t.Helper()
	s := store.New(db)
	ctx := context.Background()
	now := time.Now().In(shanghai(t))
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	type ev struct {
		after   time.Duration
		kind    cases.EventKind
		payload map[string]any
	}
	move := func(after time.Duration, from, to string, extra map[string]any) ev {
		p := map[string]any{"from": from, "to": to, "move": "forward", "was_overdue": false}
		for k, v := range extra {
			p[k] = v
		}
		return ev{after, cases.EventTransitioned, p}
	}
	appendAt := func(id int64, at time.Time, kind cases.EventKind, payload map[string]any) {
		err := s.InTx(ctx, func(tx *sqlx.Tx) error {
			_, l, _, err := store.LockCaseTx(ctx, tx, id)
			if err != nil {
				return err
			}
			return store.AppendEventsTx(ctx, tx, nil, at,
				[]store.LedgerAppend{{Ledger: l, Events: []cases.NewEvent{{Kind: kind, Payload: payload}}}})
		})
		if err != nil {
			t.Fatalf("case %d: %s: %v", id, kind, err)
		}
	}
	write := func(at time.Time, agent int64, evs []ev) int64 {
		var id int64
		if err := db.Get(&id, `INSERT INTO cases (platform, shop, kind, state, due_at, assignee_id)
			VALUES ('taobao', '杯具旗舰店', 'bad_review', 'respond', now(), $1) RETURNING id`, agent); err != nil {
			t.Fatal(err)
		}
		evs = append([]ev{{0, cases.EventCreated, map[string]any{"state": "respond", "kind": "bad_review",
			"shop": "杯具旗舰店", "platform": "taobao", "assignee_id": agent}}}, evs...)
		for _, e := range evs {
			appendAt(id, at.Add(e.after), e.kind, e.payload)
		}
		return id
	}
	first := today.AddDate(0, 0, -7)
	for day := first; day.Before(today); day = day.AddDate(0, 0, 1) {
		at := day.Add(10 * time.Hour)
		id := write(at, a, []ev{
			move(30*time.Minute, "respond", "listen", nil),
			move(time.Hour, "listen", "apologise", nil),
			move(90*time.Minute, "apologise", "remedy", nil),
			move(2*time.Hour, "remedy", "follow_up", map[string]any{"remedy": map[string]any{"type": "refund", "amount": "10.00", "currency": "CNY"}, "needs_approval": false}),
			move(4*time.Hour, "follow_up", "closed", map[string]any{"outcome": map[string]any{"buyer_satisfied": true, "review": "upgraded", "note": "ok"}}),
		})
		write(at, b, []ev{move(time.Hour, "respond", "listen", nil)})
		// The first three of A's closed cases are audited from the random
		// sample, passed: too few for a rate.
		if day.Before(first.AddDate(0, 0, 3)) {
			var audit int64
			if err := db.Get(&audit, `INSERT INTO audits (case_id, shop, closed_at, reasons, selected_at)
				VALUES ($1, '杯具旗舰店', $2, '{random}', $2) RETURNING id`, id, at.Add(4*time.Hour)); err != nil {
				t.Fatal(err)
			}
			appendAt(id, at.Add(5*time.Hour), cases.EventAudited, map[string]any{"audit_id": audit, "round": 1, "verdict": "approved"})
		}
	}
	return first
}

// weekQuery is the reports form for the seven days reportWeek wrote.
func weekQuery(first time.Time, group string) string {
	v := url.Values{"period": {"custom"}, "from": {first.Format(time.DateOnly)},
		"to": {first.AddDate(0, 0, 6).Format(time.DateOnly)}, "group_by": {group}}
	return "/reports?" + v.Encode()
}

func TestReportsPage(t *testing.T) {
	e := newEnv(t)
	sup, sb := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	a, ab := e.signedIn(cases.RoleAgent, cases.LanguageChinese)
	b, bb := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	_ = sup
	first := reportWeek(t, e.db, a.ID, b.ID)

	t.Run("SupervisorSeesEveryAgentWithChartsAndTables", func(t *testing.T) {
		body := wantHTML(t, e.page(sb, http.MethodGet, weekQuery(first, "agent"), nil), http.StatusOK,
			a.DisplayName, b.DisplayName, "Cases opened and closed", "First response time", "Audit pass rate",
			"Definitions reports-v1", `role="img"`, "<title id=\"chart-first_response-title\">",
			"30 min", "1 h", "4 h", "10.00 CNY", "70.00 CNY", `class="sparkline"`,
			"/api/v1/cases/export.csv", "format=csv", "sample too small (n=3)", "Opened: cases created in the period")
		if n := strings.Count(body, "<svg"); n != 8+2 {
			t.Errorf("%d SVGs, want a chart per figure (8) and a sparkline per agent (2)", n)
		}
		if n := strings.Count(body, `<table class="report-table figure-table">`); n != 8 {
			t.Errorf("%d figure tables, want 8", n)
		}
		if strings.Contains(body, "<script") && strings.Count(body, "<script") != 1 { // the layout's own app.js only
			t.Error("the page carries a script of its own")
		}
		// A's first response: 7 answers of 30 min; resolution 4 h each.
		if !strings.Contains(body, "<td>30 min</td><td>30 min</td><td>7</td>") {
			t.Errorf("agent A's first response row (median, p90, n) is not 30 min, 30 min, 7")
		}
	})
	t.Run("GroupedByShop", func(t *testing.T) {
		wantHTML(t, e.page(sb, http.MethodGet, weekQuery(first, "shop"), nil), http.StatusOK, "杯具旗舰店", "<td>14</td>")
	})
	t.Run("AnAgentSeesOnlyTheirOwn", func(t *testing.T) {
		body := wantHTML(t, e.page(ab, http.MethodGet, weekQuery(first, "agent"), nil), http.StatusOK,
			a.DisplayName, "这里只显示你自己的数据", "首次响应时长", "口径版本 reports-v1", "30分钟")
		if strings.Contains(body, b.DisplayName) {
			t.Error("agent A sees agent B's figures")
		}
		body = wantHTML(t, e.page(bb, http.MethodGet, weekQuery(first, "shop"), nil), http.StatusOK, "<td>7</td>", "1 h")
		if strings.Contains(body, "4 h") {
			t.Error("agent B, grouped by shop, sees agent A's resolutions")
		}
	})
	t.Run("DefaultIsThisWeek", func(t *testing.T) {
		wantHTML(t, e.page(sb, http.MethodGet, "/reports", nil), http.StatusOK, `<option value="this_week" selected>`, "First response time")
		for _, p := range []string{"last_week", "this_month"} {
			wantHTML(t, e.page(sb, http.MethodGet, "/reports?period="+p, nil), http.StatusOK, `<option value="`+p+`" selected>`)
		}
	})
	t.Run("BadInputIsAFormMessage", func(t *testing.T) {
		for _, tt := range []struct {
			name, query string
			status      int
			lang        browser
			want        string
		}{
			{"BadFrom", "period=custom&from=2026-13-01&to=2026-11-02", http.StatusBadRequest, sb, "from must be a date"},
			{"NoTo", "period=custom&from=2026-11-01", http.StatusUnprocessableEntity, sb, "to is required"},
			{"FromAfterTo", "period=custom&from=2026-11-09&to=2026-11-02", http.StatusUnprocessableEntity, sb, "from must be before to"},
			{"TooLong", "period=custom&from=2024-01-01&to=2026-11-02", http.StatusUnprocessableEntity, sb, "at most 366 days"},
			{"UnknownGroup", "group_by=team", http.StatusUnprocessableEntity, sb, "group_by must be one of"},
			{"UnknownPeriod", "period=fortnight", http.StatusUnprocessableEntity, sb, "period must be one of"},
			{"InChinese", "group_by=team", http.StatusUnprocessableEntity, ab, "group_by must be one of"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				body := wantHTML(t, e.page(tt.lang, http.MethodGet, "/reports?"+tt.query, nil), tt.status, tt.want, `class="field-error"`)
				if strings.Contains(body, "<svg") {
					t.Error("a refused report still draws charts")
				}
			})
		}
	})
	t.Run("SignedOutGoesToSignIn", func(t *testing.T) {
		rec := e.do(http.MethodGet, "/reports", nil)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Fatalf("%d %v", rec.Code, rec.Header())
		}
	})
}

func TestDailyReportPage(t *testing.T) {
	e := newEnv(t)
	_, sb := e.signedIn(cases.RoleSupervisor, cases.LanguageChinese)
	a, ab := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	b, _ := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	first := reportWeek(t, e.db, a.ID, b.ID)
	yesterday := first.AddDate(0, 0, 6).Format(time.DateOnly)

	t.Run("YesterdayByDefault", func(t *testing.T) {
		body := wantHTML(t, e.page(sb, http.MethodGet, "/reports/daily", nil), http.StatusOK,
			"日报", yesterday, a.DisplayName, b.DisplayName, "7 天平均", "关键数据", "30分钟 (n=1)", "1小时 (n=1)")
		// Opened: 2 that day, 2 the day before, 12 in the six days of the
		// seven before that have data (the first day has none before it):
		// an average of 1.7.
		if !strings.Contains(body, "<th scope=\"row\">新建</th><td>2</td><td>2</td><td>1.7</td>") {
			t.Errorf("opened is not 2, 2, 1.7:\n%s", body[strings.Index(body, "daily-key"):])
		}
	})
	t.Run("AnAgentSeesOnlyTheirOwn", func(t *testing.T) {
		body := wantHTML(t, e.page(ab, http.MethodGet, "/reports/daily?date="+yesterday, nil), http.StatusOK,
			"Daily report", a.DisplayName, "You see your own figures", "<th scope=\"row\">Opened</th><td>1</td><td>1</td>")
		if strings.Contains(body, b.DisplayName) {
			t.Error("agent A sees agent B's day")
		}
	})
	t.Run("BadDateIsAFormMessage", func(t *testing.T) {
		wantHTML(t, e.page(sb, http.MethodGet, "/reports/daily?date=yesterday", nil), http.StatusBadRequest,
			"date must be a day", `class="field-error"`)
	})
}
