package cases

import (
	"encoding/json"
	"slices"
	"time"
)

// The scheduled summaries webhooks may subscribe to. Like
// EventApprovalRequested they are not ledger events: they name the
// webhook messages that carry a day's or a week's report.
const (
	EventReportDaily  EventKind = "report_daily"
	EventReportWeekly EventKind = "report_weekly"
)

// DigestEvents returns the scheduled summaries' events.
func DigestEvents() []EventKind { return []EventKind{EventReportDaily, EventReportWeekly} }

// IsDigest reports whether e is a scheduled summary's event.
func (e EventKind) IsDigest() bool { return slices.Contains(DigestEvents(), e) }

// DigestPeriod is the period a scheduled summary sent at now covers, in
// loc: the day before now's day (daily), or the week from Monday before
// now's week (weekly). From is included, To excluded.
func DigestPeriod(event EventKind, now time.Time, loc *time.Location) (from, to time.Time, err error) {
	now = now.In(loc)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	switch event {
	case EventReportDaily:
		return day.AddDate(0, 0, -1), day, nil
	case EventReportWeekly:
		monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		return monday.AddDate(0, 0, -7), monday, nil
	}
	return time.Time{}, time.Time{}, Errorf(Invalid, "%q is not a scheduled summary; use %s", event, list(DigestEvents()))
}

// ReportDigest is one scheduled summary to send: which, the period it
// covers (its first day is the claim's key), and its message in each
// language.
type ReportDigest struct {
	Event    EventKind
	From, To time.Time
	Texts    map[Language]DigestText
}

// DigestText is a summary's webhook delivery in one language: the JSON
// payload (json webhooks) and the short text robots post.
type DigestText struct {
	Payload json.RawMessage
	Message string
}

// DigestResult is what sending a scheduled summary came to: Claimed is
// false when another run (or instance) already sent this period's;
// Deliveries counts the webhook deliveries queued.
type DigestResult struct {
	Claimed    bool
	Deliveries int
}
