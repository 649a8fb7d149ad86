package workflows

import (
	gocmp "cmp"
	"math"
	"slices"

	"redress/cases"
)

// Reply orders: by the outcomes of the cases that used a reply, or by how
// often it was used.
const (
	ReplySortOutcome = "outcome"
	ReplySortUses    = "uses"
)

// RankedReply is a reply with its uses, its outcome rates and its score.
type RankedReply struct {
	cases.Reply
	Uses  int64            `json:"uses"`
	Stats cases.ReplyStats `json:"stats"`
	// Rates are as measured (the score smooths them); nil when there is
	// nothing to measure.
	RecoveryRate  *float64 `json:"review_recovery_rate"`
	ReopenRate    *float64 `json:"reopen_rate"`
	AuditFailRate *float64 `json:"audit_fail_rate"`
	Score         float64  `json:"outcome_score"`
}

// OutcomeScore scores a reply by the cases that used it: the review
// recovery rate, less the reopen rate and the audit-fail rate. Each rate is
// smoothed towards a prior (recovery ½, reopen and audit-fail 0) with the
// weight of two cases, so that one lucky case does not put a reply on top
// and an unused reply scores ½.
func OutcomeScore(s cases.ReplyStats) float64 {
	recovery := (float64(s.Recovered) + 1) / (float64(s.ReviewCases) + 2)
	reopen := float64(s.Reopened) / (float64(s.Cases) + 2)
	fail := float64(s.AuditFailed) / (float64(s.Audited) + 2)
	return round3(recovery - reopen - fail)
}

// RankReplies ranks replies with their stats by order (ReplySortOutcome
// when empty): best outcome first, then most used, then newest; or most
// used first, then best outcome, then newest.
func RankReplies(replies []cases.Reply, stats map[int64]cases.ReplyStats, order string) ([]RankedReply, error) {
	switch order {
	case "":
		order = ReplySortOutcome
	case ReplySortOutcome, ReplySortUses:
	default:
		return nil, &cases.Error{Code: cases.Malformed, Field: "sort",
			Message: "sort must be " + ReplySortOutcome + " or " + ReplySortUses}
	}
	out := make([]RankedReply, len(replies))
	for i, r := range replies {
		s := stats[r.ID]
		s.ReplyID = r.ID
		out[i] = RankedReply{Reply: r, Uses: s.Uses, Stats: s, Score: OutcomeScore(s),
			RecoveryRate: rate(s.Recovered, s.ReviewCases), ReopenRate: rate(s.Reopened, s.Cases),
			AuditFailRate: rate(s.AuditFailed, s.Audited)}
	}
	slices.SortStableFunc(out, func(a, b RankedReply) int {
		byScore, byUses := gocmp.Compare(b.Score, a.Score), gocmp.Compare(b.Uses, a.Uses)
		first, second := byScore, byUses
		if order == ReplySortUses {
			first, second = byUses, byScore
		}
		return gocmp.Or(first, second, gocmp.Compare(b.ID, a.ID))
	})
	return out, nil
}

// rate is k out of n, unsmoothed, or nil when n is 0.
func rate(k, n int64) *float64 {
	if n == 0 {
		return nil
	}
	r := round3(float64(k) / float64(n))
	return &r
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
