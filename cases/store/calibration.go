package store

import (
	"context"
	"time"

	"redress/cases"
)

// calibrationPairs is how many of the period's calibration audits the
// report lists, newest first (the figures count them all).
const calibrationPairs = 50

// Calibration reports how far supervisors agreed in the calibration
// audits whose second blind verdict came in within [from, to).
func (s *Desk) Calibration(ctx context.Context, from, to time.Time) (cases.Calibration, error) {
	out := cases.Calibration{From: from, To: to, Items: []cases.CalibrationPair{}}
	var mean *float64
	err := s.db.QueryRowxContext(ctx, `SELECT count(*), count(*) FILTER (WHERE agreement), avg(score_diff)::float8
		FROM audits WHERE calibrated_at >= $1 AND calibrated_at < $2`, from, to).Scan(&out.N, &out.Agreed, &mean)
	if err != nil {
		return out, formatError(err, "calibration")
	}
	if out.N > 0 {
		rate := float64(out.Agreed) / float64(out.N)
		out.AgreementRate, out.MeanScoreDiff = &rate, mean
	}
	err = s.db.SelectContext(ctx, &out.Items, `SELECT a.id AS audit_id, a.case_id, c.ref, a.calibrated_at, a.agreement,
			a.score_diff, a.outcome, v1.auditor_id AS first_auditor_id, v1.verdict AS first_verdict, v1.score AS first_score,
			v2.auditor_id AS second_auditor_id, v2.verdict AS second_verdict, v2.score AS second_score
		FROM audits a JOIN cases c ON c.id = a.case_id
			JOIN verdicts v1 ON v1.audit_id = a.id AND v1.round = 1
			JOIN verdicts v2 ON v2.audit_id = a.id AND v2.round = 2
		WHERE a.calibrated_at >= $1 AND a.calibrated_at < $2
		ORDER BY a.calibrated_at DESC, a.id DESC LIMIT $3`, from, to, calibrationPairs)
	return out, formatError(err, "calibration")
}
