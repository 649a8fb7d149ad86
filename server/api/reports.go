package api

import (
	"encoding/csv"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/actions"
)

// Reports handles the reports (SPEC §8) and the case export.
type Reports struct{ *deps }

// wantsCSV reports whether the client asked for CSV: format=csv, or an
// Accept header that names text/csv.
func wantsCSV(c echo.Context) bool {
	if f := c.QueryParam("format"); f != "" {
		return strings.EqualFold(f, "csv")
	}
	for _, part := range strings.Split(c.Request().Header.Get(echo.HeaderAccept), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/csv" {
			return true
		}
	}
	return false
}

// csvHeaders starts a CSV download named name.
func csvHeaders(c echo.Context, name string) {
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	hdr.Set(echo.HeaderContentDisposition, attachment(name))
	hdr.Set(echo.HeaderXContentTypeOptions, "nosniff")
	hdr.Set("Cache-Control", "private, no-store")
}

// Summary handles GET /api/v1/reports/summary?from=&to=&group_by=&series=&tz=
// (JSON, or CSV with Accept: text/csv or format=csv). An agent gets their
// own figures only.
func (h *Reports) Summary(c echo.Context) error {
	if f := c.QueryParam("format"); f != "" && !strings.EqualFold(f, "csv") && !strings.EqualFold(f, "json") {
		return cases.FieldError("format", "format must be json or csv")
	}
	q, err := h.reports.Query(actions.ReportRequest{From: c.QueryParam("from"), To: c.QueryParam("to"),
		GroupBy: c.QueryParam("group_by"), Series: c.QueryParam("series"), TZ: c.QueryParam("tz")})
	if err != nil {
		return err
	}
	r, err := h.reports.Summary(c.Request().Context(), q)
	if err != nil {
		return err
	}
	if !wantsCSV(c) {
		return c.JSON(http.StatusOK, r)
	}
	csvHeaders(c, "redress-report-"+string(r.GroupBy)+"-"+r.From.In(q.Location).Format(time.DateOnly)+".csv")
	c.Response().WriteHeader(http.StatusOK)
	return actions.WriteReportCSV(c.Response(), r)
}

// exportFlushEvery is how many lines an export writes between flushes.
const exportFlushEvery = 500

// ExportCases handles GET /api/v1/cases/export.csv with the case list's
// filters: every matching case, newest first, streamed page by page.
// Contacts are masked as in the list.
func (h *Reports) ExportCases(c echo.Context) error {
	f, err := (&Cases{h.deps}).filter(c)
	if err != nil {
		return err
	}
	check := f
	check.Sort, check.Limit, check.Cursor = cases.SortCreated, cases.MaxPageSize, ""
	if err := check.Validate(); err != nil {
		return err
	}
	csvHeaders(c, "redress-cases-"+time.Now().UTC().Format(time.DateOnly)+".csv")
	c.Response().WriteHeader(http.StatusOK)
	// From here on the status is sent: a failure cuts the export short
	// and is logged by the request log.
	w := csv.NewWriter(c.Response())
	if err := w.Write(actions.CaseCSVHeader()); err != nil {
		return err
	}
	n := 0
	err = h.reports.ExportCases(c.Request().Context(), f, func(cs cases.Case) error {
		if err := w.Write(actions.CaseCSVLine(cs)); err != nil {
			return err
		}
		if n++; n%exportFlushEvery == 0 {
			w.Flush()
			c.Response().Flush()
		}
		return w.Error()
	})
	if err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}
