package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/actions"
)

// dailyPage is the daily report: one day's key figures beside the day
// before and the average of the seven days before, team-wide and per
// agent.
type dailyPage struct {
	Date, Previous, Next string
	WeekFrom, WeekTo     string
	Form                 *formState
	Own                  bool
	Version              string
	Key                  []dailyFigure
	Agents               []dailyAgent
}

// dailyFigure is one key figure: the day's value, the day before, and the
// seven-day average.
type dailyFigure struct {
	Label, Day, Before, Week string
	Trend                    string // "up", "down" or "" against the day before
}

// dailyAgent is one agent's day.
type dailyAgent struct {
	Name                                          string
	Opened, Closed, ClosedBefore, ClosedWeek      string
	FirstResponse, Resolution, Breaches, Remedies string
}

// Daily handles GET /reports/daily?date=YYYY-MM-DD (yesterday by
// default, in REDRESS_TIMEZONE): a page to print or send.
func (h *Reports) Daily(c echo.Context) error {
	v, err := h.view(c, "reports", "daily.title")
	if err != nil {
		return err
	}
	d := &dailyPage{Own: !v.Supervises(), Version: cases.ReportDefinitionVersion}
	v.D = d
	if err := h.fillDaily(c, v, d, c.QueryParam("date")); err != nil {
		form, status := h.refusal(v, "daily", c.QueryParams(), []string{"date"}, err)
		if status >= http.StatusInternalServerError {
			return err
		}
		d.Form = form
		return h.render(c, status, "daily_report", v)
	}
	return h.render(c, http.StatusOK, "daily_report", v)
}

func (h *Reports) fillDaily(c echo.Context, v *view, d *dailyPage, date string) error {
	day, err := reportDay(date, time.Now().In(h.cfg.Location))
	if err != nil {
		return err
	}
	ds := func(t time.Time) string { return t.Format(time.DateOnly) }
	d.Date, d.Previous, d.Next = ds(day), ds(day.AddDate(0, 0, -1)), ds(day.AddDate(0, 0, 1))
	d.WeekFrom, d.WeekTo = ds(day.AddDate(0, 0, -7)), d.Previous
	ctx := c.Request().Context()
	var reports [3]cases.Report
	for i, r := range [][2]string{{d.Date, d.Date}, {d.Previous, d.Previous}, {d.WeekFrom, d.WeekTo}} {
		q, err := h.reports.Query(actions.ReportRequest{From: r[0], To: r[1], GroupBy: string(cases.GroupAgent)})
		if err != nil {
			return err
		}
		if reports[i], err = h.reports.Summary(ctx, q); err != nil {
			return err
		}
	}
	dir, err := h.directory(c)
	if err != nil {
		return err
	}
	b := reportBuilder{h: h.UI, v: v, dir: dir, total: reports[0]}
	day0, before, week := reports[0].Totals(), reports[1].Totals(), reports[2].Totals()
	for _, k := range []struct {
		key  string
		get  func(cases.ReportTotals) (num, den int)
		rate bool
	}{
		{"reports.col.opened", func(t cases.ReportTotals) (int, int) { return t.Opened, 1 }, false},
		{"reports.col.closed", func(t cases.ReportTotals) (int, int) { return t.Closed, 1 }, false},
		{"reports.col.closed_early", func(t cases.ReportTotals) (int, int) { return t.ClosedEarly, 1 }, false},
		{"reports.col.reopened", func(t cases.ReportTotals) (int, int) { return t.Reopened, 1 }, false},
		{"reports.col.sla_breaches", func(t cases.ReportTotals) (int, int) { return t.SLABreaches, 1 }, false},
		{"reports.col.platform_misses", func(t cases.ReportTotals) (int, int) { return t.PlatformDeadlineMisses, 1 }, false},
		{"reports.col.applied", func(t cases.ReportTotals) (int, int) { return t.RemediesApplied, 1 }, false},
		{"reports.col.reopen_rate", func(t cases.ReportTotals) (int, int) { return t.Reopens, t.Closings }, true},
		{"reports.col.platform_word", func(t cases.ReportTotals) (int, int) { return t.ReviewsRecovered, t.ReviewsRecoverable }, true},
	} {
		f := dailyFigure{Label: h.t(v, k.key)}
		n0, d0 := k.get(day0)
		n1, d1 := k.get(before)
		n7, d7 := k.get(week)
		if k.rate {
			f.Day, f.Before, f.Week = ratio(n0, d0), ratio(n1, d1), ratio(n7, d7)
		} else {
			f.Day, f.Before, f.Week = strconv.Itoa(n0), strconv.Itoa(n1), strconv.FormatFloat(float64(n7)/7, 'f', 1, 64)
		}
		if !k.rate || (d0 > 0 && d1 > 0) {
			a, z := float64(n0)/float64(max(d0, 1)), float64(n1)/float64(max(d1, 1))
			if a > z {
				f.Trend = "up"
			} else if a < z {
				f.Trend = "down"
			}
		}
		d.Key = append(d.Key, f)
	}
	closedOf := func(r cases.Report, g string) int {
		for _, row := range r.Rows {
			if row.Group == g {
				return row.Closed
			}
		}
		return 0
	}
	for _, g := range b.groups() {
		f := b.row(g)
		breaches := 0
		for _, n := range f.SLABreaches {
			breaches += n
		}
		d.Agents = append(d.Agents, dailyAgent{Name: b.groupLabel(g), Opened: strconv.Itoa(f.Opened), Closed: strconv.Itoa(f.Closed),
			ClosedBefore:  strconv.Itoa(closedOf(reports[1], g)),
			ClosedWeek:    strconv.FormatFloat(float64(closedOf(reports[2], g))/7, 'f', 1, 64),
			FirstResponse: fmt.Sprintf("%s (n=%d)", b.seconds(f.FirstResponse.Wall.Median), f.FirstResponse.Wall.N),
			Resolution:    fmt.Sprintf("%s (n=%d)", b.seconds(f.Resolution.Wall.Median), f.Resolution.Wall.N),
			Breaches:      strconv.Itoa(breaches), Remedies: strconv.Itoa(f.Remedies.Applied)})
	}
	return nil
}

// reportDay reads the daily report's date, yesterday of now when empty.
func reportDay(s string, now time.Time) (time.Time, error) {
	if s == "" {
		y := now.AddDate(0, 0, -1)
		return time.Date(y.Year(), y.Month(), y.Day(), 0, 0, 0, 0, now.Location()), nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, now.Location())
	if err != nil {
		return d, &cases.Error{Code: cases.Malformed, Field: "date", Message: "date must be a day as YYYY-MM-DD"}
	}
	return d, nil
}

// ratio writes num/den as a percentage with its counts; "—" without a
// denominator.
func ratio(num, den int) string {
	if den == 0 {
		return "—"
	}
	return fmt.Sprintf("%s (%d/%d)", percent(float64(num)/float64(den)), num, den)
}
