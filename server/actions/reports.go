package actions

import (
	"context"
	"strings"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
)

// Reports are the figures supervisors and agents read (SPEC §8), computed
// from the case ledgers, and the case export; the API and the reports page
// share them.
type Reports struct {
	store *store.Store
	loc   *time.Location // REDRESS_TIMEZONE: periods' default zone, shops' without one
}

// NewReports returns the report operations on store; loc is the
// deployment's time zone.
func NewReports(store *store.Store, loc *time.Location) *Reports {
	if loc == nil {
		loc = time.UTC
	}
	return &Reports{store: store, loc: loc}
}

// ReportRequest is a report as a client asks for it, every field text as
// in the query string: from and to are dates (YYYY-MM-DD, to included) in
// the report's zone or RFC 3339 times (to excluded).
type ReportRequest struct {
	From    string
	To      string
	GroupBy string
	Series  string
	TZ      string
}

// Query reads a request into a query, naming the parameter at fault.
// group_by defaults to agent, tz to the deployment's zone.
func (r *Reports) Query(req ReportRequest) (cases.ReportQuery, error) {
	q := cases.ReportQuery{GroupBy: cases.ReportGroup(req.GroupBy), Series: cases.ReportSeries(req.Series), Location: r.loc}
	if q.GroupBy == "" {
		q.GroupBy = cases.GroupAgent
	}
	if tz := strings.TrimSpace(req.TZ); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "Local" {
			return q, cases.FieldError("tz", "%q is not a time zone; use a name such as Asia/Shanghai or UTC", tz)
		}
		q.Location = loc
	}
	var err error
	if q.From, err = reportTime("from", req.From, q.Location, false); err != nil {
		return q, err
	}
	if q.To, err = reportTime("to", req.To, q.Location, true); err != nil {
		return q, err
	}
	return q, q.Validate()
}

// reportTime reads a date (its start; its end when end) in loc, or an RFC
// 3339 time.
func reportTime(field, s string, loc *time.Location, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, cases.FieldError(field, "%s is required: a date (YYYY-MM-DD) or an RFC 3339 time", field)
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, &cases.Error{Code: cases.Malformed, Field: field,
			Message: field + " must be a date (YYYY-MM-DD) or an RFC 3339 time, not " + quote(s)}
	}
	return t, nil
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}

// Summary computes the report q asks for from the kept report facts
// (workflows.CaseFacts of every ledger, summed by the database). An
// agent's report holds only their own figures, whatever they asked;
// supervisors and admins see everyone's.
func (r *Reports) Summary(ctx context.Context, q cases.ReportQuery) (cases.Report, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Report{}, err
	}
	if !actor.Role.Supervises() {
		q.AgentID = &actor.ID
	}
	return r.summary(ctx, q)
}

// summary computes q's report for whoever asked: Summary decides whose
// figures that is, the scheduled summaries send the whole desk's.
func (r *Reports) summary(ctx context.Context, q cases.ReportQuery) (cases.Report, error) {
	if err := q.Validate(); err != nil {
		return cases.Report{}, err
	}
	if _, err := r.RefreshFacts(ctx, 0); err != nil {
		return cases.Report{}, err
	}
	sum := workflows.NewSummary(q)
	if err := r.store.Reports().Read(ctx, q, sum.AddFact, sum.AddAggregate); err != nil {
		return cases.Report{}, err
	}
	return sum.Report(), nil
}

// RefreshFacts brings the report facts of up to max cases whose ledgers
// moved on up to date (all of them when max <= 0), and returns how many it
// did. The scheduler calls it on every sweep; a report calls it first, so
// that it sums facts as current as the ledgers.
func (r *Reports) RefreshFacts(ctx context.Context, max int) (int, error) {
	return r.store.Reports().Refresh(ctx, r.loc, workflows.CaseFacts, max)
}

// exportPage is how many cases an export reads at a time.
const exportPage = cases.MaxPageSize

// ExportCases calls each with every case f selects, newest first, masked
// as lists show them. It reads a page at a time by the list's keyset
// cursor, so that a year of cases never sits in memory and no database
// connection waits on a slow client between pages. f's sort, limit and
// cursor are the export's own.
func (r *Reports) ExportCases(ctx context.Context, f cases.Filter, each func(cases.Case) error) error {
	if _, err := cases.RequireActor(ctx); err != nil {
		return err
	}
	f.Sort, f.Limit, f.Cursor = cases.SortCreated, exportPage, ""
	for {
		page, err := r.store.List(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range page.Items {
			if err := each(c.Masked()); err != nil {
				return err
			}
		}
		if page.NextCursor == "" {
			return nil
		}
		f.Cursor = page.NextCursor
	}
}
