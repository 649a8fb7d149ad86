package actions

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"redress/cases"
)

// ReportCSVHeader is the first line of a report's CSV: one column per
// figure, durations in seconds, money as "amount currency" per currency.
func ReportCSVHeader() []string {
	h := []string{"definition_version", "group_by", "group", "period_start", "period_end",
		"opened", "closed"}
	for _, r := range cases.CloseReasons() {
		h = append(h, "closed_early_"+string(r))
	}
	h = append(h, "reopened")
	for _, d := range []string{"first_response", "resolution", "resolution_cycle", "time_to_acknowledge"} {
		h = append(h, d+"_n", d+"_median_s", d+"_p90_s", d+"_business_median_s", d+"_business_p90_s")
	}
	for _, st := range cases.OpenStates() {
		h = append(h, "sla_breaches_"+string(st))
	}
	return append(h, "platform_deadline_misses",
		"remedies_applied", "remedy_total", "remedy_per_case", "remedy_approvals", "remedy_declines",
		"review_cases_closed", "reviews_recovered_agent_claim", "review_recovery_rate_agent_claim",
		"reviews_recovered_platform_word", "review_recovery_rate_platform_word",
		"reopen_rate", "rework_rate",
		"audit_random_n", "audit_random_passed", "audit_random_rate", "audit_random_ci_low", "audit_random_ci_high",
		"audit_risk_n", "audit_risk_passed", "audit_risk_rate",
		"breaches_after_handover_with_note", "breaches_after_handover_without_note")
}

// SampleTooSmall is what a report's CSV says instead of a random sample's
// pass rate when the sample is too small to state one.
const SampleTooSmall = "sample too small"

// WriteReportCSV writes r as CSV: a header, then one line per group and
// period. Figures without a value (no cases to measure) are empty cells.
func WriteReportCSV(w io.Writer, r cases.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ReportCSVHeader()); err != nil {
		return err
	}
	for _, row := range r.Rows {
		if err := cw.Write(reportCSVLine(r, row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func reportCSVLine(r cases.Report, row cases.ReportRow) []string {
	f := row.Figures
	itoa := strconv.Itoa
	l := []string{r.DefinitionVersion, string(r.GroupBy), safeCell(row.Group),
		row.PeriodStart.In(location(r)).Format(time.RFC3339), row.PeriodEnd.In(location(r)).Format(time.RFC3339),
		itoa(f.Opened), itoa(f.Closed)}
	for _, reason := range cases.CloseReasons() {
		l = append(l, itoa(f.ClosedEarly[reason]))
	}
	l = append(l, itoa(f.Reopened))
	for _, d := range []cases.DurationFigure{f.FirstResponse, f.Resolution, f.ResolutionCycle, f.Handovers.Acknowledge} {
		l = append(l, itoa(d.Wall.N), optInt(d.Wall.Median), optInt(d.Wall.P90), optInt(d.Business.Median), optInt(d.Business.P90))
	}
	for _, st := range cases.OpenStates() {
		l = append(l, itoa(f.SLABreaches[st]))
	}
	random := optFloat(f.Audits.Random.Rate)
	if f.Audits.Random.TooSmall {
		random = SampleTooSmall
	}
	return append(l, itoa(f.PlatformDeadlineMisses),
		itoa(f.Remedies.Applied), moneyCell(f.Remedies.Total), moneyCell(f.Remedies.PerCase),
		itoa(f.Remedies.Approvals), itoa(f.Remedies.Declines),
		itoa(f.Reviews.Closed), itoa(f.Reviews.AgentClaim.Num), optFloat(f.Reviews.AgentClaim.Value),
		itoa(f.Reviews.PlatformWord.Num), optFloat(f.Reviews.PlatformWord.Value),
		optFloat(f.ReopenRate.Value), optFloat(f.ReworkRate.Value),
		itoa(f.Audits.Random.N), itoa(f.Audits.Random.Passed), random, optFloat(f.Audits.Random.Low), optFloat(f.Audits.Random.High),
		itoa(f.Audits.Risk.N), itoa(f.Audits.Risk.Passed), optFloat(f.Audits.Risk.Rate),
		itoa(f.Handovers.BreachesWithNote), itoa(f.Handovers.BreachesWithoutNote))
}

func location(r cases.Report) *time.Location {
	if loc, err := time.LoadLocation(r.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

func optInt(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func optFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func moneyCell(ms []cases.Money) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, "; ")
}

// safeCell keeps a spreadsheet from reading a cell as a formula: text that
// begins with =, +, -, @, a tab or a carriage return gets a leading quote.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CaseCSVHeader is the first line of a case export.
func CaseCSVHeader() []string {
	return []string{"id", "ref", "external_id", "platform", "shop", "order_ref", "order_amount", "order_currency",
		"buyer_handle", "buyer_contact", "kind", "severity", "summary", "review_rating", "assignee_id", "state",
		"due_at", "platform_due_at", "suspected_abuse", "overdue", "root_cause", "remedy_type", "remedy_amount",
		"remedy_currency", "outcome_review", "close_reason", "reopen_count", "created_at", "updated_at", "closed_at"}
}

// CaseCSVLine is one case of an export, in CaseCSVHeader's order. Times
// are RFC 3339 in UTC; text a spreadsheet would run as a formula is
// quoted.
func CaseCSVLine(c cases.Case) []string {
	tm := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	var orderAmount, orderCurrency, rating, assignee, remType, remAmount, remCurrency, review string
	if c.OrderValue != nil {
		orderAmount, orderCurrency = c.OrderValue.Amount(), c.OrderValue.Currency
	}
	if c.Review.Rating != nil {
		rating = strconv.Itoa(*c.Review.Rating)
	}
	if c.AssigneeID != nil {
		assignee = strconv.FormatInt(*c.AssigneeID, 10)
	}
	if c.Remedy != nil {
		remType, remAmount, remCurrency = string(c.Remedy.Type), c.Remedy.Amount.Amount(), c.Remedy.Amount.Currency
	}
	if c.Outcome != nil {
		review = string(c.Outcome.Review)
	}
	created := c.CreatedAt
	updated := c.UpdatedAt
	line := []string{strconv.FormatInt(c.ID, 10), c.Ref, c.ExternalID, string(c.Platform), c.Shop, c.OrderRef,
		orderAmount, orderCurrency, c.BuyerHandle, c.BuyerContact, string(c.Kind), string(c.Severity), c.Summary,
		rating, assignee, string(c.State), tm(c.DueAt), tm(c.PlatformDueAt), strconv.FormatBool(c.SuspectedAbuse),
		strconv.FormatBool(c.Overdue), string(c.RootCause), remType, remAmount, remCurrency, review,
		string(c.CloseReason), strconv.Itoa(c.ReopenCount), tm(&created), tm(&updated), tm(c.ClosedAt)}
	for i := range line {
		line[i] = safeCell(line[i])
	}
	return line
}
