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

// AuditPolicy is how closed cases are sampled for audit (SPEC §8).
type AuditPolicy struct {
	// RemedyThreshold selects every case whose applied remedies cost more
	// than this, per currency, in minor units.
	RemedyThreshold map[string]int64
	// RandomPercent is the share of the other cases sampled at random.
	RandomPercent int
	// MinPerAgent is how many cases of each agent are selected per period
	// (a week from Monday) at least, so that every agent is seen.
	MinPerAgent int
	// CalibrationPercent is the share of selected cases audited blind by
	// two supervisors, whose agreement is recorded.
	CalibrationPercent int
}

// DefaultAuditPolicy returns the default sampling.
func DefaultAuditPolicy() AuditPolicy {
	return AuditPolicy{
		RemedyThreshold: map[string]int64{"CNY": 200_00, "USD": 30_00, "EUR": 30_00, "GBP": 25_00, "JPY": 4000, "HKD": 250_00},
		RandomPercent:   10,
		MinPerAgent:     2,
	}
}

// Validate reports the first problem with p.
func (p AuditPolicy) Validate() error {
	switch {
	case p.RandomPercent < 0 || p.RandomPercent > 100:
		return cases.FieldError("audit.random_percent", "must be from 0 to 100, not %d", p.RandomPercent)
	case p.CalibrationPercent < 0 || p.CalibrationPercent > 100:
		return cases.FieldError("audit.calibration_percent", "must be from 0 to 100, not %d", p.CalibrationPercent)
	case p.MinPerAgent < 0:
		return cases.FieldError("audit.min_per_agent", "must not be negative, not %d", p.MinPerAgent)
	}
	return nil
}

// AuditPeriodStart is when the audit period that holds now began: Monday
// 00:00 in loc.
func AuditPeriodStart(now time.Time, loc *time.Location) time.Time {
	t := now.In(loc)
	day := (int(t.Weekday()) + 6) % 7
	y, m, d := t.Date()
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
	return reasons, sample("calibration", c.ID, closed, p.CalibrationPercent)
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
