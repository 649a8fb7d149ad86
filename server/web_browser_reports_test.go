package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"redress/cases"
)

// printMedia makes the page lay out as printed (media "print"), or back
// on screen with "".
func printMedia(media string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	})
}

// TestBrowserReportsPage opens the reports page on a week of two agents'
// cases, as a supervisor in English and an agent in Chinese, and checks
// that every figure has its drawn chart and the table of its numbers,
// on screen and printed.
func TestBrowserReportsPage(t *testing.T) {
	b := newBrowserEnv(t)
	sup := b.person(cases.RoleSupervisor, cases.LanguageEnglish, "Supervisor Sun")
	a := b.person(cases.RoleAgent, cases.LanguageChinese, "李娜")
	agent := b.person(cases.RoleAgent, cases.LanguageEnglish, "Wang Fang")
	first := reportWeek(t, b.db, a.ID, agent.ID)

	b.signIn(sup)
	b.open(weekQuery(first, "agent"))
	if got := eval[int](b, `document.querySelectorAll("section.report-figure").length`); got != 8 {
		b.fail("%d figures, want 8", got)
	}
	// Every figure: a chart that drew marks (bars or points), named by
	// its <title>, and a table with a row per agent.
	type fig struct {
		ID, Title string
		Marks     int
		Rows      int
		Width     float64
	}
	figs := eval[[]fig](b, `[...document.querySelectorAll("section.report-figure")].map(s => {
		const svg = s.querySelector("svg[role=img]");
		return {ID: s.id, Title: svg ? svg.querySelector("title").textContent : "",
			Marks: svg ? svg.querySelectorAll("g.series rect, g.series circle").length : 0,
			Rows: s.querySelectorAll("table tbody tr").length,
			Width: svg ? svg.getBoundingClientRect().width : 0};
	})`)
	for _, f := range figs {
		if f.Title == "" || f.Rows != 2 || f.Width < 200 {
			b.fail("figure %+v: want a titled chart at least 200 px wide and a row per agent", f)
		}
		if f.Marks == 0 {
			b.fail("figure %s drew nothing", f.ID)
		}
	}
	b.wantText("#fig-first_response table", "Wang Fang", "李娜", "30 min", "1 h")
	b.wantText("#fig-volume .definition", "reports-v1")
	b.wantText("#fig-audits table", "sample too small (n=3)")
	if n := eval[int](b, `document.querySelectorAll(".group-table svg.sparkline").length`); n != 2 {
		b.fail("%d sparklines, want one per agent", n)
	}
	b.shot("reports-week", true)

	// Printed: the header, form and downloads go; charts and tables stay.
	b.do(printMedia("print"))
	if shown := eval[bool](b, `getComputedStyle(document.querySelector("header.top")).display !== "none"`); shown {
		b.fail("the header is printed")
	}
	if n := eval[int](b, `[...document.querySelectorAll("section.report-figure svg[role=img]")].filter(s => s.getBoundingClientRect().width > 0).length`); n != 8 {
		b.fail("%d charts printed, want 8", n)
	}
	b.shot("reports-week-print", false)
	b.do(printMedia(""))

	// The daily report of the last day, then the agent's own page in
	// Chinese.
	b.open("/reports/daily")
	b.wantText(".daily-agent-table", "Wang Fang", "李娜")
	b.shot("reports-daily", true)

	b.click(".who form[action='/logout'] button")
	b.signIn(a)
	b.open(weekQuery(first, "agent"))
	b.wantText("#own-figures", "只显示你自己的数据")
	if body := b.text("main"); strings.Contains(body, "Wang Fang") {
		b.fail("agent 李娜 sees Wang Fang's figures")
	}
	if n := eval[int](b, `document.querySelectorAll("section.report-figure svg[role=img] title").length`); n < 8 {
		b.fail("%d chart titles in Chinese page, want 8", n)
	}
	b.wantText("#fig-first_response h2", "首次响应时长")
	b.shot("reports-week-zh", false)
}
