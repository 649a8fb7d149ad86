package workflows

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"redress/cases"
)

// AuditPolicy is how closed cases are sampled for audit (SPEC §8): the
// remedy thresholds are the code's, the shares and the per-agent minimum
// an admin's (cases.DeskSettings, read at every closing).
type AuditPolicy struct {
	// RemedyThreshold selects every case whose applied remedies cost more
	// than this, per currency, in minor units.
	RemedyThreshold map[string]int64
	// RandomPercent is the share of the other cases sampled at random.
	RandomPercent int
	// MinPerAgent is how many cases of each agent are selected per Period
	// at least, so that every agent is seen.
	MinPerAgent int
	Period      cases.AuditPeriod
	// CalibrationPercent is the share of the random sample (reasons
	// random or agent_minimum) audited blind by two supervisors, whose
	// agreement is recorded. Cases a rule selected are judged once: the
	// rule, not chance, sent them, so they would skew the agreement rate.
	CalibrationPercent int
}

// DefaultAuditPolicy returns the default sampling: the default settings'
// shares and the code's remedy thresholds.
func DefaultAuditPolicy() AuditPolicy {
	return AuditPolicy{
		RemedyThreshold: map[string]int64{"CNY": 200_00, "USD": 30_00, "EUR": 30_00, "GBP": 25_00, "JPY": 4000, "HKD": 250_00},
	}.With(DefaultDeskSettings())
}

// With returns p with the shares, minimum and period of s.
func (p AuditPolicy) With(s cases.DeskSettings) AuditPolicy {
	p.RandomPercent, p.MinPerAgent, p.Period, p.CalibrationPercent = s.RandomPercent, s.MinPerAgent, s.Period, s.CalibrationPercent
	return p
}

// DefaultDeskSettings are the settings a new installation starts with
// (migration 00029 writes the same).
func DefaultDeskSettings() cases.DeskSettings {
	return cases.DeskSettings{RandomPercent: 10, MinPerAgent: 2, Period: cases.PeriodWeek, CalibrationPercent: 0,
		ApprovalWindowMinutes: 240}
}

// Bounds of the desk's settings.
const (
	MaxMinPerAgent           = 100
	MinApprovalWindowMinutes = 5
	MaxApprovalWindowMinutes = 7 * 24 * 60
)

// CheckDeskSettings reports the first problem with s, naming its field.
func CheckDeskSettings(s cases.DeskSettings) error {
	switch {
	case s.RandomPercent < 0 || s.RandomPercent > 100:
		return cases.FieldError("random_percent", "the random share must be from 0 to 100 %%, not %d", s.RandomPercent)
	case s.MinPerAgent < 0 || s.MinPerAgent > MaxMinPerAgent:
		return cases.FieldError("min_per_agent", "the minimum sample per agent must be from 0 to %d, not %d", MaxMinPerAgent, s.MinPerAgent)
	case !slices.Contains(cases.AuditPeriods(), s.Period):
		return cases.FieldError("period", "%q is not a period; use day, week or month", s.Period)
	case s.CalibrationPercent < 0 || s.CalibrationPercent > 100:
		return cases.FieldError("calibration_percent", "the calibration share must be from 0 to 100 %%, not %d", s.CalibrationPercent)
	case s.ApprovalWindowMinutes < MinApprovalWindowMinutes || s.ApprovalWindowMinutes > MaxApprovalWindowMinutes:
		return cases.FieldError("approval_window_minutes", "the approval deadline must be from %d to %d minutes (7 days), not %d",
			MinApprovalWindowMinutes, MaxApprovalWindowMinutes, s.ApprovalWindowMinutes)
	}
	return nil
}

// AuditPeriodStart is when the audit period that holds now began, in loc:
// midnight today, Monday 00:00 or the first of the month.
func AuditPeriodStart(now time.Time, loc *time.Location, period cases.AuditPeriod) time.Time {
	t := now.In(loc)
	y, m, d := t.Date()
	switch period {
	case cases.PeriodDay:
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	case cases.PeriodMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	}
	day := (int(t.Weekday()) + 6) % 7
	return time.Date(y, m, d-day, 0, 0, 0, 0, loc)
}

// sample reports whether a case falls in a percent share, the same way
// every time for the same closing: a hash, not a random generator, so that
// the selection can be checked afterwards.
func sample(salt string, caseID int64, closedAt time.Time, percent int) bool {
	if percent <= 0 {
		return false
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%d/%d", salt, caseID, closedAt.UnixMicro())
	return int(h.Sum32()%100) < percent
}

// SelectForAudit returns why a case that just closed goes to the audit
// queue (nothing: it does not), and whether it is audited blind by two
// supervisors. Rules first; a case no rule selects may be sampled at
// random, and an agent with fewer than MinPerAgent cases selected this
// period has this one selected.
func SelectForAudit(f cases.AuditFacts, p AuditPolicy) (reasons []cases.AuditReason, calibration bool) {
	c := f.Case
	for _, m := range f.Applied {
		if limit, ok := p.RemedyThreshold[m.Currency]; ok && m.Minor > limit {
			reasons = append(reasons, cases.ReasonRemedyAboveThreshold)
			break
		}
	}
	if c.SuspectedAbuse || c.RootCause == "suspected_abuse" {
		reasons = append(reasons, cases.ReasonAbuseFlagged)
	}
	if c.SkipReason != "" {
		reasons = append(reasons, cases.ReasonApologySkipped)
	}
	if f.SLABreached {
		reasons = append(reasons, cases.ReasonSLABreached)
	}
	if c.PlatformDueAt != nil && c.ClosedAt != nil && c.ClosedAt.After(*c.PlatformDueAt) {
		reasons = append(reasons, cases.ReasonPlatformBreached)
	}
	if f.ReviewTied {
		reasons = append(reasons, cases.ReasonReviewTiedRemedy)
	}
	if c.ReopenCount > 0 {
		reasons = append(reasons, cases.ReasonReopened)
	}
	var closed time.Time
	if c.ClosedAt != nil {
		closed = *c.ClosedAt
	}
	if len(reasons) == 0 {
		switch {
		case sample("random", c.ID, closed, p.RandomPercent):
			reasons = append(reasons, cases.ReasonRandom)
		case c.AssigneeID != nil && f.AgentAudited < int64(p.MinPerAgent):
			reasons = append(reasons, cases.ReasonAgentMinimum)
		}
	}
	if len(reasons) == 0 {
		return nil, false
	}
	sampled := reasons[0] == cases.ReasonRandom || reasons[0] == cases.ReasonAgentMinimum
	return reasons, sampled && sample("calibration", c.ID, closed, p.CalibrationPercent)
}

// VerdictInput is a verdict as a supervisor sends it. A score of null is
// "not applicable".
type VerdictInput struct {
	Verdict cases.VerdictKind `json:"verdict"`
	Scores  map[string]*int   `json:"scores"`
	Comment string            `json:"comment"`
}

var citation = regexp.MustCompile(`#(\d+)`)

// Verdict checks a verdict against the active checklist items and the
// case's ledger (lastSeq: its newest event) and returns it scored: the
// weighted score in percent of the items that apply, the failed items
// (scored 0) in checklist order and the events the comment cites (#12).
// A failed critical item fails the audit: the verdict must be rework; a
// rework names at least one failed item, which is what must be fixed.
func Verdict(in VerdictInput, items []cases.ChecklistItem, lastSeq int64) (cases.Verdict, error) {
	if in.Verdict == "" {
		return cases.Verdict{}, cases.FieldError("verdict", "the verdict is missing: approved or rework")
	}
	if !in.Verdict.Valid() {
		return cases.Verdict{}, cases.FieldError("verdict", "%q is not a verdict; use approved or rework", in.Verdict)
	}
	active := map[string]cases.ChecklistItem{}
	var keys []string
	for _, it := range items {
		if it.Active {
			active[it.Key] = it
			keys = append(keys, it.Key)
		}
	}
	var unknown []string
	for k := range in.Scores {
		if _, ok := active[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return cases.Verdict{}, cases.FieldError("scores."+unknown[0], "%s is not an item of the checklist; the items are %s",
			strings.Join(unknown, ", "), strings.Join(keys, ", "))
	}
	var missing []string
	for _, k := range keys {
		if _, ok := in.Scores[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return cases.Verdict{}, cases.FieldError("scores."+missing[0], "the scorecard lacks %s: score each item 0 to %d, or null when it does not apply",
			strings.Join(missing, ", "), cases.MaxItemScore)
	}
	v := cases.Verdict{Verdict: in.Verdict, Scores: map[string]int{}, FailedItems: []string{}, Cited: []int64{}}
	var got, best int
	var criticalFailed []string
	for _, k := range keys {
		s := in.Scores[k]
		if s == nil {
			continue
		}
		if *s < 0 || *s > cases.MaxItemScore {
			return cases.Verdict{}, cases.FieldError("scores."+k, "the score of %s must be from 0 to %d, not %d", k, cases.MaxItemScore, *s)
		}
		it := active[k]
		v.Scores[k] = *s
		got += it.Weight * *s
		best += it.Weight * cases.MaxItemScore
		if *s == 0 {
			v.FailedItems = append(v.FailedItems, k)
			if it.Critical {
				criticalFailed = append(criticalFailed, k)
			}
		}
	}
	if best == 0 {
		return cases.Verdict{}, cases.FieldError("scores", "score at least one item of the checklist")
	}
	v.Score = (got*100 + best/2) / best
	comment := strings.TrimSpace(in.Comment)
	if err := cases.CheckText("comment", comment, MaxTextRunes, false); err != nil {
		return cases.Verdict{}, err
	}
	v.Comment = comment
	switch {
	case in.Verdict == cases.VerdictApproved && len(criticalFailed) > 0:
		return cases.Verdict{}, cases.FieldError("verdict", "the critical item %s failed, which fails the audit: the verdict must be rework",
			strings.Join(criticalFailed, ", "))
	case in.Verdict == cases.VerdictRework && len(v.FailedItems) == 0:
		return cases.Verdict{}, cases.FieldError("scores", "a rework says what must be fixed: score the items to fix 0")
	case in.Verdict == cases.VerdictRework && comment == "":
		return cases.Verdict{}, cases.FieldError("comment", "a rework needs a comment: tell the agent what to fix")
	}
	for _, m := range citation.FindAllStringSubmatch(comment, -1) {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n < 1 || n > lastSeq {
			return cases.Verdict{}, cases.FieldError("comment", "the comment cites event %s, but the case's events are #1 to #%d", m[0], lastSeq)
		}
		if !slices.Contains(v.Cited, n) {
			v.Cited = append(v.Cited, n)
		}
	}
	return v, nil
}

// VerdictPayload is a verdict as its ledger event records it.
func VerdictPayload(v cases.Verdict) map[string]any {
	return map[string]any{
		"audit_id":     v.AuditID,
		"round":        v.Round,
		"verdict":      string(v.Verdict),
		"score":        v.Score,
		"scores":       v.Scores,
		"failed_items": v.FailedItems,
		"comment":      v.Comment,
		"cited_events": v.Cited,
	}
}

// ReworkReason is the reopen reason of a rework verdict: what must be fixed.
func ReworkReason(v cases.Verdict) string {
	return "audit rework: fix " + strings.Join(v.FailedItems, ", ") + " — " + v.Comment
}

// Calibration is what the two blind verdicts of a calibration audit
// decide together once both are in. Neither acts on the case before: the
// first is sealed (its ledger event says only that it was given), so the
// second supervisor judges without it, and the agent is told once.
//
// The outcome is rework when either verdict is rework — one supervisor
// seeing a failure (a critical one above all) is reason enough to have it
// fixed, and an approval cannot outvote it — with the items either rework
// failed, in checklist order, and their comments; else approved. The
// agreement (same verdict) and the score difference are recorded for the
// calibration report; a calibrated outcome is not disputed (two
// supervisors judged it already).
type Calibration struct {
	Outcome   cases.VerdictKind
	Failed    []string
	Comment   string
	Agreement bool
	ScoreDiff int
}

// Calibrate returns what first and second decide together; items order
// the failed items (the whole checklist, retired items included).
func Calibrate(first, second cases.Verdict, items []cases.ChecklistItem) Calibration {
	c := Calibration{Outcome: cases.VerdictApproved, Failed: []string{}, Agreement: first.Verdict == second.Verdict,
		ScoreDiff: first.Score - second.Score}
	if c.ScoreDiff < 0 {
		c.ScoreDiff = -c.ScoreDiff
	}
	failed := map[string]bool{}
	var comments []string
	for _, v := range []cases.Verdict{first, second} {
		if v.Verdict != cases.VerdictRework {
			continue
		}
		c.Outcome = cases.VerdictRework
		for _, k := range v.FailedItems {
			failed[k] = true
		}
		if v.Comment != "" {
			comments = append(comments, v.Comment)
		}
	}
	for _, it := range items {
		if failed[it.Key] {
			c.Failed = append(c.Failed, it.Key)
			delete(failed, it.Key)
		}
	}
	rest := make([]string, 0, len(failed))
	for k := range failed {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	c.Failed = append(c.Failed, rest...)
	c.Comment = strings.Join(comments, " / ")
	return c
}

// Verdict is the outcome as one verdict: what the case's reopen reason
// and the agent's notice are made of.
func (c Calibration) Verdict() cases.Verdict {
	return cases.Verdict{Verdict: c.Outcome, FailedItems: c.Failed, Comment: c.Comment}
}

// BlindVerdictPayload is the ledger event of the first verdict of a
// calibration audit: that it was given, not what it says, until the
// second is in (that event carries both).
func BlindVerdictPayload(v cases.Verdict) map[string]any {
	return map[string]any{"audit_id": v.AuditID, "round": v.Round, "calibration": true, "blind": true}
}

// CalibratedVerdictPayload is the ledger event of the second verdict of a
// calibration audit: the verdict, the first one unsealed, and what they
// decided together.
func CalibratedVerdictPayload(first, second cases.Verdict, c Calibration) map[string]any {
	p := VerdictPayload(second)
	p["calibration"] = map[string]any{
		"first":            VerdictPayload(first),
		"agreement":        c.Agreement,
		"score_difference": c.ScoreDiff,
		"outcome":          string(c.Outcome),
		"failed_items":     c.Failed,
	}
	return p
}
