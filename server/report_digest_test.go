package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"redress/cases"
	"redress/server"
)

// digestBody is what a json webhook receives of a scheduled summary.
type digestBody struct {
	Event             string            `json:"event"`
	DefinitionVersion string            `json:"definition_version"`
	Period            map[string]string `json:"period"`
	URL               string            `json:"url"`
	Message           string            `json:"message"`
	Totals            map[string]int    `json:"totals"`
	Report            cases.Report      `json:"report"`
	DeliveryID        int64             `json:"delivery_id"`
}

// TestScheduledReportSummaries sends the daily and weekly summaries of a
// week of cases to a json webhook, a WeCom robot and a webhook that did
// not subscribe, at a controlled clock, from two instances at once: each
// period's summary is sent once, in each webhook's language and format.
func TestScheduledReportSummaries(t *testing.T) {
	e := newEnvWith(t, allowPrivate)
	admin := e.caller(cases.RoleAdmin)
	a, b := e.caller(cases.RoleAgent), e.caller(cases.RoleAgent)
	first := reportWeek(t, e.db, a.user.ID, b.user.ID)
	today := first.AddDate(0, 0, 7)
	yesterday := today.AddDate(0, 0, -1).Format(time.DateOnly)

	jsonL, robotL, otherL := newListener(t), newListener(t), newListener(t)
	jsonHook := createWebhook(t, admin, map[string]any{"name": "ERP", "url": jsonL.URL + "/hook", "format": "json",
		"secret": hookSecret, "language": "en", "events": []string{"report_daily", "report_weekly"}})
	createWebhook(t, admin, map[string]any{"name": "客服群", "url": robotL.URL + "/cgi-bin/webhook/send?key=K", "format": "wecom",
		"events": []string{"report_daily", "reminded"}})
	createWebhook(t, admin, map[string]any{"name": "Slack", "url": otherL.URL + "/slack", "format": "slack",
		"language": "en", "events": []string{"reminded"}})

	// 09:00 in Asia/Shanghai, REDRESS_TIMEZONE: the default schedule.
	now := today.Add(9 * time.Hour)
	instances := []*server.Server{e.srv, e.sibling()}
	sendAll := func(event cases.EventKind, at time.Time) (claimed, queued int) {
		t.Helper()
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, srv := range instances {
			wg.Go(func() {
				res, err := srv.SendReportDigest(context.Background(), event, at)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if res.Claimed {
					claimed++
				}
				queued += res.Deliveries
			})
		}
		wg.Wait()
		return claimed, queued
	}

	t.Run("DailyOnceAcrossInstances", func(t *testing.T) {
		if claimed, queued := sendAll(cases.EventReportDaily, now); claimed != 1 || queued != 2 {
			t.Fatalf("claimed %d, queued %d: want one instance to queue the json and the robot delivery", claimed, queued)
		}
		if res := e.deliver(now); res.Delivered != 2 {
			t.Fatalf("deliver: %+v", res)
		}
		got := jsonL.requests()
		if len(got) != 1 {
			t.Fatalf("json webhook got %d requests", len(got))
		}
		r := got[0]
		if r.header.Get("X-Redress-Event") != "report_daily" {
			t.Errorf("event header %q", r.header.Get("X-Redress-Event"))
		}
		if err := verifySignature(r, hookSecret); err != nil {
			t.Fatal(err)
		}
		var body digestBody
		if err := json.Unmarshal(r.body, &body); err != nil {
			t.Fatal(err)
		}
		link := "http://127.0.0.1:8080/reports/daily?date=" + yesterday
		if body.Event != "report_daily" || body.DefinitionVersion != cases.ReportDefinitionVersion ||
			body.Period["from"] != yesterday || body.Period["to"] != yesterday || body.Period["tz"] != "Asia/Shanghai" ||
			body.URL != link || body.DeliveryID == 0 {
			t.Errorf("summary: %+v", body)
		}
		// Yesterday: one case each opened, agent A's closed with a refund.
		if body.Totals["opened"] != 2 || body.Totals["closed"] != 1 || body.Totals["remedies_applied"] != 1 || len(body.Report.Rows) != 2 {
			t.Errorf("figures: totals %v, %d rows", body.Totals, len(body.Report.Rows))
		}
		if want := "Daily report " + yesterday + ": 2 opened, 1 closed, 0 reopened, 0 SLA breaches, 0 platform deadlines missed, 1 remedies applied.\n" + link; body.Message != want {
			t.Errorf("message %q\nwant %q", body.Message, want)
		}
		robot := robotL.requests()
		if len(robot) != 1 {
			t.Fatalf("robot got %d requests", len(robot))
		}
		want := `{"msgtype":"text","text":{"content":"[Redress] 日报 ` + yesterday + `：新建 2，结案 1，重开 0，超时 0，错过平台时限 0，执行补偿 1。\n` + link + `"}}`
		if string(robot[0].body) != want {
			t.Errorf("robot body\n got %s\nwant %s", robot[0].body, want)
		}
		if n := len(otherL.requests()); n != 0 {
			t.Errorf("a webhook that did not subscribe got %d summaries", n)
		}
		if ds := deliveries(t, admin, jsonHook.ID); len(ds) != 1 || ds[0].Event != cases.EventReportDaily || ds[0].CaseID != nil {
			t.Errorf("deliveries listed: %+v", ds)
		}
	})
	t.Run("NotAgainInTheSamePeriod", func(t *testing.T) {
		for _, later := range []time.Duration{time.Minute, 5 * time.Hour, 14*time.Hour + 59*time.Minute} {
			if claimed, queued := sendAll(cases.EventReportDaily, now.Add(later)); claimed != 0 || queued != 0 {
				t.Fatalf("at +%v: claimed %d, queued %d", later, claimed, queued)
			}
		}
		e.deliver(now.Add(time.Hour))
		if n := len(jsonL.requests()); n != 1 {
			t.Fatalf("json webhook got %d summaries of one day", n)
		}
	})
	t.Run("TheNextDayHasItsOwn", func(t *testing.T) {
		next := now.Add(24 * time.Hour)
		if claimed, queued := sendAll(cases.EventReportDaily, next); claimed != 1 || queued != 2 {
			t.Fatalf("claimed %d, queued %d", claimed, queued)
		}
		e.deliver(next)
		got := jsonL.requests()
		var body digestBody
		if err := json.Unmarshal(got[len(got)-1].body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Period["from"] != today.Format(time.DateOnly) || body.Totals["opened"] != 0 {
			t.Errorf("the next day's summary: %v %v", body.Period, body.Totals)
		}
	})
	t.Run("WeeklyToItsSubscribersOnly", func(t *testing.T) {
		from, to, err := cases.DigestPeriod(cases.EventReportWeekly, now, today.Location())
		if err != nil {
			t.Fatal(err)
		}
		opened := 0
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			if !d.Before(first) && d.Before(today) {
				opened += 2
			}
		}
		robots := len(robotL.requests())
		if claimed, queued := sendAll(cases.EventReportWeekly, now); claimed != 1 || queued != 1 {
			t.Fatalf("claimed %d, queued %d: want the json webhook only", claimed, queued)
		}
		e.deliver(now)
		got := jsonL.requests()
		var body digestBody
		if err := json.Unmarshal(got[len(got)-1].body, &body); err != nil {
			t.Fatal(err)
		}
		last := to.AddDate(0, 0, -1).Format(time.DateOnly)
		if body.Event != "report_weekly" || body.Period["from"] != from.Format(time.DateOnly) || body.Period["to"] != last ||
			body.Totals["opened"] != opened || from.Weekday() != time.Monday || !strings.Contains(body.URL, "/reports?") {
			t.Errorf("weekly: %+v (want %d opened from %v)", body, opened, from)
		}
		if len(robotL.requests()) != robots {
			t.Error("the robot, subscribed to the daily summary only, got the weekly one")
		}
	})
	t.Run("TheLinkOpensTheDailyPage", func(t *testing.T) {
		_, sb := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
		wantHTML(t, e.page(sb, http.MethodGet, "/reports/daily?date="+yesterday, nil), http.StatusOK, "Daily report", yesterday)
	})
}

// TestDigestPeriods checks the periods the summaries cover, in the
// configured zone, across a month's and a year's end.
func TestDigestPeriods(t *testing.T) {
	loc := shanghai(t)
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tt := range []struct {
		event    cases.EventKind
		now      string
		from, to string
	}{
		{cases.EventReportDaily, "2026-12-01 09:00", "2026-11-30", "2026-12-01"},
		{cases.EventReportDaily, "2027-01-01 00:30", "2026-12-31", "2027-01-01"},
		{cases.EventReportWeekly, "2026-11-30 09:00", "2026-11-23", "2026-11-30"}, // a Monday
		{cases.EventReportWeekly, "2026-12-06 23:59", "2026-11-23", "2026-11-30"}, // the Sunday after
	} {
		from, to, err := cases.DigestPeriod(tt.event, at(tt.now), loc)
		if err != nil || from.Format(time.DateOnly) != tt.from || to.Format(time.DateOnly) != tt.to || from.Location() != loc {
			t.Errorf("%s at %s: %v to %v (%v), want %s to %s", tt.event, tt.now, from, to, err, tt.from, tt.to)
		}
	}
	// 2026-12-01 01:00 in Shanghai is still 30 November in UTC.
	from, _, _ := cases.DigestPeriod(cases.EventReportDaily, at("2026-12-01 01:00").UTC(), loc)
	if from.Format(time.DateOnly) != "2026-11-30" {
		t.Errorf("the day before is read in the configured zone: %v", from)
	}
	if _, _, err := cases.DigestPeriod(cases.EventReminded, time.Now(), loc); err == nil {
		t.Error("a reminder has no summary period")
	}
}

// TestSchedulerSendsTheDailySummary starts the real scheduler with the
// daily summary on "@every 1s": the first run sends yesterday's summary,
// the runs after it find the period claimed and send nothing.
func TestSchedulerSendsTheDailySummary(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_WEBHOOK_ALLOW_PRIVATE": "true",
		"REDRESS_REPORT_SCHEDULE": "@every 1s", "REDRESS_REPORT_WEEKLY_SCHEDULE": "off"})
	admin := e.caller(cases.RoleAdmin)
	l := newListener(t)
	createWebhook(t, admin, map[string]any{"name": "ERP", "url": l.URL + "/hook", "format": "json",
		"secret": hookSecret, "events": []string{"report_daily", "report_weekly"}})
	sched, err := e.srv.StartScheduler()
	if err != nil {
		t.Fatal(err)
	}
	defer sched.Stop()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(e.logs.String(), `"claimed":false`) {
		if time.Now().After(deadline) {
			t.Fatalf("no second run of the daily summary after 30 s; log:\n%s", e.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	sched.Stop()
	got := l.requests()
	if len(got) != 1 || got[0].header.Get("X-Redress-Event") != "report_daily" {
		t.Fatalf("%d requests, want the one daily summary: %+v", len(got), got)
	}
	var rows []struct {
		Event string `db:"event"`
		N     int    `db:"deliveries"`
	}
	if err := e.db.Select(&rows, `SELECT event, deliveries FROM report_digests`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Event != "report_daily" || rows[0].N != 1 {
		t.Fatalf("claims %+v, want one daily with one delivery", rows)
	}
}
