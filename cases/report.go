package cases

import (
	"slices"
	"time"
)

// ReportDefinitionVersion names the definitions of every report figure
// (README, "Reports"). It travels in every report and export; a change to
// what a figure counts changes it, so that two reports with different
// versions are never compared as if they measured the same thing.
const ReportDefinitionVersion = "reports-v1"

// ReportGroup is what a report's rows are grouped by.
type ReportGroup string

// The report groupings. An agent is the case's assignee when the event
// happened (the acknowledging agent for a handover's acknowledgement).
const (
	GroupAgent    ReportGroup = "agent"
	GroupShop     ReportGroup = "shop"
	GroupKind     ReportGroup = "kind"
	GroupPlatform ReportGroup = "platform"
)

// ReportGroups returns every grouping.
func ReportGroups() []ReportGroup {
	return []ReportGroup{GroupAgent, GroupShop, GroupKind, GroupPlatform}
}

// Valid reports whether g is a known grouping.
func (g ReportGroup) Valid() bool { return slices.Contains(ReportGroups(), g) }

// ReportSeries is the length of a report's periods; "" makes the whole
// range one period.
type ReportSeries string

// The period lengths: a calendar day, a week from Monday, a calendar
// month, each in the report's time zone.
const (
	SeriesNone  ReportSeries = ""
	SeriesDay   ReportSeries = "day"
	SeriesWeek  ReportSeries = "week"
	SeriesMonth ReportSeries = "month"
)

// ReportSeriesValues returns the named period lengths.
func ReportSeriesValues() []ReportSeries { return []ReportSeries{SeriesDay, SeriesWeek, SeriesMonth} }

// Valid reports whether s is a known period length or none.
func (s ReportSeries) Valid() bool {
	return s == SeriesNone || slices.Contains(ReportSeriesValues(), s)
}

// MaxReportDays is the longest range one report covers.
const MaxReportDays = 366

// MinAuditSample is the smallest random audit sample whose pass rate a
// report states; below it the report says the sample is too small.
const MinAuditSample = 10

// ReportQuery is what a report covers: events at From or later and before
// To, in periods of Series cut in Location, grouped by GroupBy. AgentID,
// when set, keeps only what is attributed to that agent (an agent's own
// report).
type ReportQuery struct {
	From     time.Time
	To       time.Time
	GroupBy  ReportGroup
	Series   ReportSeries
	Location *time.Location
	AgentID  *int64
}

// Validate reports the first problem with q, naming the query parameter.
func (q ReportQuery) Validate() error {
	switch {
	case q.From.IsZero():
		return FieldError("from", "from is required: a date (YYYY-MM-DD) or an RFC 3339 time")
	case q.To.IsZero():
		return FieldError("to", "to is required: a date (YYYY-MM-DD) or an RFC 3339 time")
	case !q.From.Before(q.To):
		return FieldError("from", "from must be before to")
	case q.To.Sub(q.From) > (MaxReportDays*24+1)*time.Hour: // an hour for a daylight saving change
		return FieldError("to", "a report covers at most %d days; ask for a shorter range", MaxReportDays)
	case !q.GroupBy.Valid():
		return FieldError("group_by", "group_by must be one of %s", list(ReportGroups()))
	case !q.Series.Valid():
		return FieldError("series", "series must be one of %s", list(ReportSeriesValues()))
	case q.Location == nil:
		return FieldError("tz", "tz must be a time zone such as Asia/Shanghai")
	}
	return nil
}

// ReportEvent is one ledger event as reports read it: the fields of its
// payload that some figure uses, typed. Fields a kind does not carry are
// zero.
type ReportEvent struct {
	CaseID int64
	Seq    int64
	Kind   EventKind
	At     time.Time
	// From and To are a transition's states; To is also a created case's
	// first state.
	From, To    State
	Move        string
	WasOverdue  bool
	CloseReason CloseReason
	Review      ReviewOutcome
	// Remedy is the remedy a transition out of remedy applied.
	RemedyType RemedyType
	Remedy     Money
	// Level and StepState are a reminder's level and the state it is about.
	Level     ReminderLevel
	StepState State
	// Assignee is who the case is assigned to after a created or assigned
	// event; of a handover_acknowledged event, the incoming agent.
	Assignee *int64
	// HandoverID and HandoverNote: a handover's id, and whether the case's
	// structured note had words.
	HandoverID   int64
	HandoverNote bool
	// Case attributes as of the event: set by created, changed by edited.
	CaseKind Kind
	Shop     string
	Platform Platform
	// A verdict: its audit, round and kind, and why the audit selected it.
	AuditID      int64
	Round        int
	Verdict      VerdictKind
	AuditReasons []AuditReason
	// ReviewUp says a review_changed event recorded the platform showing
	// the review with a higher rating, or no longer showing it.
	ReviewUp bool
}

// ReportLedger is one case's ledger as reports read it: events oldest
// first, up to the report's end, and the calendar of its shop.
type ReportLedger struct {
	CaseID   int64
	Events   []ReportEvent
	Calendar Calendar
}

// Report is the figures of a range, per group and period.
type Report struct {
	DefinitionVersion string       `json:"definition_version"`
	From              time.Time    `json:"from"`
	To                time.Time    `json:"to"`
	TimeZone          string       `json:"tz"`
	GroupBy           ReportGroup  `json:"group_by"`
	Series            ReportSeries `json:"series"`
	AgentID           *int64       `json:"agent_id,omitempty"`
	Rows              []ReportRow  `json:"rows"`
}

// ReportRow is the figures of one group in one period.
type ReportRow struct {
	Group       string    `json:"group"`
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
	Figures
}

// Figures are every figure of one group in one period.
type Figures struct {
	Opened      int                 `json:"opened"`
	Closed      int                 `json:"closed"`
	ClosedEarly map[CloseReason]int `json:"closed_early"`
	Reopened    int                 `json:"reopened"`

	FirstResponse   DurationFigure `json:"first_response"`
	Resolution      DurationFigure `json:"resolution"`
	ResolutionCycle DurationFigure `json:"resolution_cycle"`

	SLABreaches            map[State]int `json:"sla_breaches"`
	PlatformDeadlineMisses int           `json:"platform_deadline_misses"`

	Remedies RemedyFigures `json:"remedies"`
	Reviews  ReviewFigures `json:"reviews"`

	ReopenRate Rate        `json:"reopen_rate"`
	ReworkRate Rate        `json:"rework_rate"`
	Audits     AuditFigure `json:"audits"`
	Handovers  HandoverFig `json:"handovers"`
}

// DurationFigure is a duration measured on the wall clock and in the
// shop's business hours.
type DurationFigure struct {
	Wall     Percentiles `json:"wall"`
	Business Percentiles `json:"business"`
}

// Percentiles are the median and 90th percentile (nearest rank) of n
// durations, in seconds; nil when n is 0.
type Percentiles struct {
	N      int    `json:"n"`
	Median *int64 `json:"median_seconds"`
	P90    *int64 `json:"p90_seconds"`
}

// Rate is a count over a count; Value is nil when the denominator is 0.
type Rate struct {
	Num   int      `json:"num"`
	Den   int      `json:"den"`
	Value *float64 `json:"value"`
}

// RemedyFigures are the remedies applied, per currency, and the
// supervisors' decisions.
type RemedyFigures struct {
	Applied   int                    `json:"applied"`
	Total     []Money                `json:"total"`
	PerCase   []Money                `json:"per_case"`
	ByType    map[RemedyType][]Money `json:"by_type"`
	Approvals int                    `json:"approvals"`
	Declines  int                    `json:"declines"`
}

// ReviewFigures are the review cases closed and how many of their reviews
// were recovered, by the agent's word and by the platform's.
type ReviewFigures struct {
	Closed       int  `json:"closed"`
	AgentClaim   Rate `json:"agent_claim"`
	PlatformWord Rate `json:"platform_word"`
}

// AuditFigure is the audit pass rate of the random sample, with its
// confidence interval, beside that of the cases selected for risk.
type AuditFigure struct {
	Random SampleRate `json:"random"`
	Risk   SampleRate `json:"risk"`
	Other  SampleRate `json:"other"`
}

// SampleRate is how many audits passed of n; Rate and the 95% Wilson
// interval are nil when n is below the minimum sample (TooSmall).
type SampleRate struct {
	N        int      `json:"n"`
	Passed   int      `json:"passed"`
	Rate     *float64 `json:"rate"`
	Low      *float64 `json:"ci_low,omitempty"`
	High     *float64 `json:"ci_high,omitempty"`
	TooSmall bool     `json:"sample_too_small"`
}

// HandoverFig is how fast handed cases were acknowledged, and the SLA
// breaches that followed a handover, with and without a note on the case.
type HandoverFig struct {
	Acknowledge         DurationFigure `json:"time_to_acknowledge"`
	BreachesWithNote    int            `json:"breaches_after_handover_with_note"`
	BreachesWithoutNote int            `json:"breaches_after_handover_without_note"`
}

// ReportFigure names what a report fact counts.
type ReportFigure string

// The facts a case's ledger yields; README, "Reports", defines each.
const (
	FactOpened        ReportFigure = "opened"
	FactClosed        ReportFigure = "closed"       // Wall/Biz: resolution; CycleWall/CycleBiz: the cycle's
	FactClosedEarly   ReportFigure = "closed_early" // Sub: the reason
	FactReopened      ReportFigure = "reopened"
	FactRework        ReportFigure = "rework"
	FactFirstResponse ReportFigure = "first_response"
	FactSLABreach     ReportFigure = "sla_breach" // Sub: the state; Note: after a handover "note" or "bare"
	FactPlatformMiss  ReportFigure = "platform_miss"
	FactRemedy        ReportFigure = "remedy" // Sub: the type; Amount
	FactApproval      ReportFigure = "approval"
	FactDecline       ReportFigure = "decline"
	FactAudit         ReportFigure = "audit" // Sub: random, risk or other; Passed
	FactAcknowledged  ReportFigure = "acknowledged"
)

// ReportFact is one thing a case's ledger says happened that a report
// counts: at the time of its event (Seq), for the group the case was in.
// Facts are derived from ledgers only, so they can be rebuilt at any time.
type ReportFact struct {
	CaseID   int64
	Seq      int64
	Figure   ReportFigure
	At       time.Time
	Agent    *int64
	Shop     string
	Platform Platform
	Kind     Kind
	Sub      string
	Note     string
	// Durations in seconds, on the wall clock and in business hours.
	Wall, Biz           *int64
	CycleWall, CycleBiz *int64
	Amount              Money
	// A closing's review: a review case, the agent's claim, the platform's
	// word; an audit's verdict.
	Review, Claim, PlatformWord, Passed bool
}

// ReportAggregate is a day roll-up of the facts of one figure of one
// group, summed up by the database. Part says what it holds: PartCount
// the counts and money of the figure's facts with Sub, Note and Currency;
// PartValues what does not add up, the figure's durations and a remedy's
// cases in Currency.
type ReportAggregate struct {
	Part   string
	Group  string
	Period *time.Time // the period's start as a wall clock in the report's zone; nil without series
	Figure ReportFigure
	Sub    string
	Note   string
	// Currency is a remedy's.
	Currency string
	N        int
	// Review, Claim, PlatformWord and Passed count the facts so marked.
	Review, Claim, PlatformWord, Passed int
	Amount                              int64
	// Durations in seconds: wall and business of the same facts in pairs,
	// and the cycle's of a closing.
	Wall, Biz, CycleWall, CycleBiz []int32
	// CaseIDs are the cases of remedies, maybe more than once.
	CaseIDs []int64
}

// The parts of a ReportAggregate.
const (
	PartCount  = "count"
	PartValues = "values"
)

// ReportTotals are a report's counts summed over its groups: the whole
// desk's, for the daily page and the scheduled summaries (durations do not
// add up, and are not here).
type ReportTotals struct {
	Opened                 int `json:"opened"`
	Closed                 int `json:"closed"`
	ClosedEarly            int `json:"closed_early"`
	Reopened               int `json:"reopened"`
	SLABreaches            int `json:"sla_breaches"`
	PlatformDeadlineMisses int `json:"platform_deadline_misses"`
	RemediesApplied        int `json:"remedies_applied"`
	ReviewCasesClosed      int `json:"review_cases_closed"`
	ReviewsRecovered       int `json:"reviews_recovered_platform_word"`
	// The reopen rate's and the platform's recovery rate's parts.
	Reopens            int `json:"-"`
	Closings           int `json:"-"`
	ReviewsRecoverable int `json:"-"`
}

// Totals sums r's counts over its groups.
func (r Report) Totals() ReportTotals {
	var t ReportTotals
	for _, row := range r.Rows {
		f := row.Figures
		t.Opened += f.Opened
		t.Closed += f.Closed
		for _, n := range f.ClosedEarly {
			t.ClosedEarly += n
		}
		t.Reopened += f.Reopened
		for _, n := range f.SLABreaches {
			t.SLABreaches += n
		}
		t.PlatformDeadlineMisses += f.PlatformDeadlineMisses
		t.RemediesApplied += f.Remedies.Applied
		t.ReviewCasesClosed += f.Reviews.Closed
		t.ReviewsRecovered += f.Reviews.PlatformWord.Num
		t.Reopens += f.ReopenRate.Num
		t.Closings += f.ReopenRate.Den
		t.ReviewsRecoverable += f.Reviews.PlatformWord.Den
	}
	return t
}
