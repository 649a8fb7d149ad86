package server_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"redress/cases"
	"redress/server/actions"
)

// reportPath is the summary of the hour around now, in UTC.
func reportPath(extra string) string {
	now := time.Now().UTC()
	v := url.Values{"from": {now.Add(-time.Hour).Format(time.RFC3339)}, "to": {now.Add(time.Hour).Format(time.RFC3339)},
		"tz": {"UTC"}}
	return "/api/v1/reports/summary?" + v.Encode() + extra
}

func rowFor(t *testing.T, r cases.Report, group string) cases.ReportRow {
	t.Helper()
	for _, row := range r.Rows {
		if row.Group == group {
			return row
		}
	}
	t.Fatalf("no row for %s: %+v", group, r.Rows)
	return cases.ReportRow{}
}

// TestReportsThroughTheAPI walks two cases through the real protocol and
// reads their figures back: the events the API writes are the ones the
// report reads.
func TestReportsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	a, b, sup := e.caller(cases.RoleAgent), e.caller(cases.RoleAgent), e.caller(cases.RoleSupervisor)
	d := newDeskCase(t, a, "59.90", "buyer-a")
	d.move(remedy("refund", "10.00"), 200)
	d.move(map[string]any{"to": "closed", "outcome": map[string]any{"buyer_satisfied": true, "review": "upgraded", "note": "买家满意"}}, 200)
	body := newCaseBody()
	delete(body, "external_id")
	body["assignee_id"] = b.user.ID
	rec := b.call(http.MethodPost, "/api/v1/cases", body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	dup := decodeAs[cases.Case](t, rec)
	if rec := b.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", dup.ID),
		map[string]any{"to": "closed", "close_reason": "duplicate", "note": "同一订单"}, "If-Match", "*"); rec.Code != 200 {
		t.Fatalf("close early: %d %s", rec.Code, rec.Body)
	}
	ga, gb := strconv.FormatInt(a.user.ID, 10), strconv.FormatInt(b.user.ID, 10)
	dirty := func() int {
		var n int
		if err := e.db.Get(&n, `SELECT count(*) FROM report_dirty`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if dirty() != 2 {
		t.Fatalf("%d cases listed for their report facts, want the 2 written", dirty())
	}

	t.Run("SupervisorSeesEveryAgent", func(t *testing.T) {
		rec := sup.call(http.MethodGet, reportPath("&group_by=agent"), nil)
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		r := decodeAs[cases.Report](t, rec)
		if dirty() != 0 {
			t.Fatalf("the report left %d cases' facts behind their ledgers", dirty())
		}
		if r.DefinitionVersion != cases.ReportDefinitionVersion || len(r.Rows) != 2 || r.AgentID != nil {
			t.Fatalf("report: %+v", r)
		}
		fa, fb := rowFor(t, r, ga).Figures, rowFor(t, r, gb).Figures
		if fa.Opened != 1 || fa.Closed != 1 || fa.FirstResponse.Wall.N != 1 || fa.Resolution.Wall.N != 1 ||
			fa.Remedies.Applied != 1 || len(fa.Remedies.Total) != 1 || fa.Remedies.Total[0].Amount() != "10.00" ||
			fa.Reviews.Closed != 1 || fa.Reviews.AgentClaim.Num != 1 || fa.Reviews.PlatformWord.Num != 0 {
			t.Errorf("agent A's figures: %+v", fa)
		}
		if fb.Opened != 1 || fb.Closed != 0 || fb.ClosedEarly["duplicate"] != 1 || fb.FirstResponse.Wall.N != 0 {
			t.Errorf("agent B's figures: %+v", fb)
		}
	})
	t.Run("AnAgentSeesOnlyTheirOwn", func(t *testing.T) {
		for _, group := range []string{"agent", "shop"} {
			r := decodeAs[cases.Report](t, a.call(http.MethodGet, reportPath("&group_by="+group), nil))
			if r.AgentID == nil || *r.AgentID != a.user.ID || len(r.Rows) != 1 {
				t.Fatalf("group by %s: %+v", group, r)
			}
			if f := r.Rows[0].Figures; f.Opened != 1 || f.ClosedEarly["duplicate"] != 0 {
				t.Errorf("group by %s: agent A sees others' figures: %+v", group, f)
			}
		}
	})
	t.Run("CSV", func(t *testing.T) {
		for _, how := range []struct{ query, accept string }{{"", "text/csv"}, {"&format=csv", ""}} {
			headers := []string{}
			if how.accept != "" {
				headers = append(headers, "Accept", how.accept)
			}
			rec := sup.call(http.MethodGet, reportPath("&group_by=agent"+how.query), nil, headers...)
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
				!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
				t.Fatalf("%+v: %d %v %s", how, rec.Code, rec.Header(), rec.Body)
			}
			lines, err := csv.NewReader(rec.Body).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			header := actions.ReportCSVHeader()
			if len(lines) != 3 || strings.Join(lines[0], ",") != strings.Join(header, ",") {
				t.Fatalf("%+v: %d lines, header %v", how, len(lines), lines[0])
			}
			col := map[string]int{}
			for i, h := range header {
				col[h] = i
			}
			for _, l := range lines[1:] {
				if len(l) != len(header) || l[col["definition_version"]] != cases.ReportDefinitionVersion {
					t.Fatalf("line %v", l)
				}
				if l[col["group"]] == gb && (l[col["closed_early_duplicate"]] != "1" || l[col["audit_random_rate"]] != actions.SampleTooSmall) {
					t.Errorf("agent B's line: %v", l)
				}
				if l[col["group"]] == ga && (l[col["remedy_total"]] != "10.00 CNY" || l[col["first_response_n"]] != "1") {
					t.Errorf("agent A's line: %v", l)
				}
			}
		}
	})
	t.Run("RefusesBadInput", func(t *testing.T) {
		day := func(d int) string { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly) }
		for _, tt := range []struct {
			name, query string
			status      int
			field       string
		}{
			{"NoFrom", "to=" + day(2), 422, "from"},
			{"NoTo", "from=" + day(2), 422, "to"},
			{"BadFrom", "from=2026-13-01&to=" + day(2), 400, "from"},
			{"BadTo", "from=" + day(2) + "&to=yesterday", 400, "to"},
			{"FromAfterTo", "from=" + day(9) + "&to=" + day(2), 422, "from"},
			{"RangeTooLong", "from=2025-11-01&to=2026-11-02", 422, "to"},
			{"UnknownGroup", "from=" + day(2) + "&to=" + day(9) + "&group_by=team", 422, "group_by"},
			{"UnknownSeries", "from=" + day(2) + "&to=" + day(9) + "&series=year", 422, "series"},
			{"UnknownZone", "from=" + day(2) + "&to=" + day(9) + "&tz=Mars/Olympus", 422, "tz"},
			{"UnknownFormat", "from=" + day(2) + "&to=" + day(9) + "&format=xml", 422, "format"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantProblem(t, sup.call(http.MethodGet, "/api/v1/reports/summary?"+tt.query, nil), tt.status, tt.field)
			})
		}
		t.Run("AYearAndADayIsAllowed", func(t *testing.T) {
			if rec := sup.call(http.MethodGet, "/api/v1/reports/summary?from=2025-11-02&to=2026-11-02&series=month", nil); rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
		t.Run("SignedOut", func(t *testing.T) {
			if rec := e.do(http.MethodGet, reportPath(""), nil); rec.Code != http.StatusUnauthorized {
				t.Fatalf("%d", rec.Code)
			}
		})
	})
}

// TestCaseExportStreamsEveryCase exports more cases than five pages of
// the list hold, filtered as the list filters.
func TestCaseExportStreamsEveryCase(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	const n = 1100
	if _, err := e.db.Exec(`INSERT INTO cases (platform, shop, kind, state, due_at, summary, created_at)
		SELECT 'taobao', 'S', CASE WHEN g % 4 = 0 THEN 'damaged' ELSE 'complaint' END, 'listen', now() + interval '1 day',
			CASE WHEN g = 7 THEN '=HYPERLINK("http://x")' ELSE 'case ' || g END, now() - g * interval '1 minute'
		FROM generate_series(1, $1) AS g`, n); err != nil {
		t.Fatal(err)
	}
	read := func(query string) [][]string {
		t.Helper()
		rec := agent.call(http.MethodGet, "/api/v1/cases/export.csv"+query, nil)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("export%s: %d %s", query, rec.Code, rec.Body)
		}
		lines, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(lines[0], ",") != strings.Join(actions.CaseCSVHeader(), ",") {
			t.Fatalf("header %v", lines[0])
		}
		return lines[1:]
	}
	t.Run("EveryCaseNewestFirst", func(t *testing.T) {
		lines := read("")
		if len(lines) != n {
			t.Fatalf("%d lines, want %d", len(lines), n)
		}
		seen := map[string]bool{}
		for i, l := range lines {
			if seen[l[0]] {
				t.Fatalf("case %s exported twice", l[0])
			}
			seen[l[0]] = true
			if want := "case " + strconv.Itoa(i+1); i != 6 && l[12] != want {
				t.Fatalf("line %d summary %q, want %q (newest first)", i, l[12], want)
			}
		}
		if lines[6][12] != `'=HYPERLINK("http://x")` {
			t.Errorf("a formula is exported as a formula: %q", lines[6][12])
		}
	})
	t.Run("WithTheListsFilters", func(t *testing.T) {
		lines := read("?kind=damaged")
		if len(lines) != n/4 {
			t.Fatalf("%d lines, want %d", len(lines), n/4)
		}
		for _, l := range lines {
			if l[10] != "damaged" {
				t.Fatalf("line of kind %s", l[10])
			}
		}
	})
	t.Run("BadFilterIsAProblem", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases/export.csv?state=lost", nil), 422, "state")
	})
}
