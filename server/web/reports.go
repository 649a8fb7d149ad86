package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/actions"
)

// Reports handles the reports page and the daily report.
type Reports struct{ *UI }

// reportPeriods are the periods the reports page offers, with their
// labels' keys.
func reportPeriods() [][2]string {
	return [][2]string{{"this_week", "reports.period.this_week"}, {"last_week", "reports.period.last_week"},
		{"this_month", "reports.period.this_month"}, {"custom", "reports.period.custom"}}
}

// reportGroupings are the groupings the reports page offers, with their
// labels' keys.
func reportGroupings() [][2]string {
	return [][2]string{{string(cases.GroupAgent), "reports.group.agent"}, {string(cases.GroupShop), "reports.group.shop"},
		{string(cases.GroupKind), "reports.group.kind"}, {string(cases.GroupPlatform), "reports.group.platform"}}
}

// reportFields are the reports form's fields, for its refusals.
var reportFields = []string{"period", "from", "to", "group_by"}

// Page handles GET /reports?period=&from=&to=&group_by=: a chart and a
// table per figure over the period, and a table per group with
// sparklines. An agent sees their own figures (actions.Reports.Summary).
func (h *Reports) Page(c echo.Context) error {
	v, err := h.view(c, "reports", "reports.title")
	if err != nil {
		return err
	}
	values := c.QueryParams()
	d := &reportsPage{Values: values, Version: cases.ReportDefinitionVersion, Own: !v.Supervises()}
	d.Periods = labelled(h, v, reportPeriods(), values.Get("period"), "this_week")
	d.Groupings = labelled(h, v, reportGroupings(), values.Get("group_by"), string(cases.GroupAgent))
	v.D = d
	req, err := reportRange(values, time.Now().In(h.cfg.Location))
	if err == nil {
		d.From, d.To, d.GroupBy = req.From, req.To, req.GroupBy
		err = h.fill(c, v, d, req)
	}
	if err != nil {
		form, status := h.refusal(v, "reports", values, reportFields, err)
		if status >= http.StatusInternalServerError {
			return err
		}
		d.Form = form
		return h.render(c, status, "reports", v)
	}
	return h.render(c, http.StatusOK, "reports", v)
}

// fill computes the period's report twice, per day (or week) for the
// charts and over the whole period for the tables, and builds the page.
func (h *Reports) fill(c echo.Context, v *view, d *reportsPage, req actions.ReportRequest) error {
	ctx := c.Request().Context()
	q, err := h.reports.Query(req)
	if err != nil {
		return err
	}
	whole := q
	whole.Series = cases.SeriesNone
	series, err := h.reports.Summary(ctx, q)
	if err != nil {
		return err
	}
	total, err := h.reports.Summary(ctx, whole)
	if err != nil {
		return err
	}
	dir, err := h.directory(c)
	if err != nil {
		return err
	}
	b := reportBuilder{h: h.UI, v: v, dir: dir, loc: q.Location, series: series, total: total, from: req.From, to: req.To}
	d.Figures, d.Groups = b.figures(), b.groupRows()
	d.Downloads = reportDownloads(req)
	return nil
}

// reportRange reads the reports form into a report request: a period
// named, or from and to as typed (custom), in days of loc; periods of a
// day, or of a week when the range is longer than maxDailyPoints days.
func reportRange(values url.Values, now time.Time) (actions.ReportRequest, error) {
	req := actions.ReportRequest{GroupBy: values.Get("group_by"), Series: string(cases.SeriesDay)}
	if req.GroupBy == "" {
		req.GroupBy = string(cases.GroupAgent)
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	switch p := values.Get("period"); p {
	case "", "this_week":
		req.From, req.To = date(monday), date(day)
	case "last_week":
		req.From, req.To = date(monday.AddDate(0, 0, -7)), date(monday.AddDate(0, 0, -1))
	case "this_month":
		req.From, req.To = date(day.AddDate(0, 0, 1-day.Day())), date(day)
	case "custom":
		req.From, req.To = values.Get("from"), values.Get("to")
		from, err1 := time.Parse(time.DateOnly, req.From)
		to, err2 := time.Parse(time.DateOnly, req.To)
		if err1 == nil && err2 == nil && to.Sub(from) > maxDailyPoints*24*time.Hour {
			req.Series = string(cases.SeriesWeek)
		}
	default:
		return req, cases.FieldError("period", "period must be one of this_week, last_week, this_month, custom")
	}
	return req, nil
}

// maxDailyPoints is the longest range the charts show day by day.
const maxDailyPoints = 62

// reportDownloads are the CSV links of a report: the figures per period,
// over the whole range, and the cases.
func reportDownloads(req actions.ReportRequest) []download {
	q := url.Values{"from": {req.From}, "to": {req.To}, "group_by": {req.GroupBy}, "format": {"csv"}}
	whole := "/api/v1/reports/summary?" + q.Encode()
	q.Set("series", req.Series)
	return []download{
		{Key: "reports.download.summary", URL: whole},
		{Key: "reports.download.series", URL: "/api/v1/reports/summary?" + q.Encode()},
		{Key: "reports.download.cases", URL: "/api/v1/cases/export.csv"},
	}
}

// labelled offers values with their labels' keys, selecting selected (or
// fallback when selected is empty).
func labelled(h *Reports, v *view, values [][2]string, selected, fallback string) []option {
	if selected == "" {
		selected = fallback
	}
	var out []option
	for _, val := range values {
		out = append(out, option{Value: val[0], Label: h.t(v, val[1]), Selected: val[0] == selected})
	}
	return out
}
