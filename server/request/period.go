package request

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// Period reads a report's period from the query's from and to: each an
// RFC 3339 time or a date (2026-11-01) in loc, a date to meaning the end
// of that day. Without to, the period ends at now; without from, it
// starts days before its end.
func Period(c echo.Context, loc *time.Location, now time.Time, days int) (from, to time.Time, err error) {
	to = now
	if v := c.QueryParam("to"); v != "" {
		if to, err = periodBound("to", v, loc, true); err != nil {
			return from, to, err
		}
	}
	from = to.AddDate(0, 0, -days)
	if v := c.QueryParam("from"); v != "" {
		if from, err = periodBound("from", v, loc, false); err != nil {
			return from, to, err
		}
	}
	return from, to, nil
}

func periodBound(name, v string, loc *time.Location, end bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		return time.Time{}, &cases.Error{Code: cases.Malformed, Field: name,
			Message: name + " must be a date such as 2026-11-01 or an RFC 3339 time such as 2026-11-01T08:00:00+08:00, not " + strconv.Quote(v)}
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}
