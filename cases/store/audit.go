package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// AuditFactsTx reads what audit selection needs about c as it closes:
// its applied remedies, whether a step was left overdue or escalated,
// whether a text of the case tied a remedy to a review (the tone check's
// flagged event, or a warning of that category), and how many of the assignee's cases
// were selected since periodStart.
func AuditFactsTx(ctx context.Context, tx *sqlx.Tx, c cases.Case, periodStart time.Time) (cases.AuditFacts, error) {
	f := cases.AuditFacts{Case: c}
	hist, err := remedyHistoryTx(ctx, tx, c.ID)
	if err != nil {
		return f, err
	}
	for _, r := range hist {
		if r.Status == cases.RemedyApplied {
			f.Applied = addMoneyTo(f.Applied, r.Amount)
		}
	}
	err = tx.QueryRowxContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = $1
				AND (e.kind = 'escalated' OR (e.kind = 'transitioned' AND e.payload->>'was_overdue' = 'true'))),
			EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = $1
				AND ((e.kind = 'flagged' AND e.payload->>'reason' = 'review_tied_remedy')
				  OR jsonb_path_exists(e.payload, '$.**.category ? (@ == "review_tied_remedy")'))),
			(SELECT count(*) FROM audits a WHERE $2::bigint IS NOT NULL AND a.agent_id = $2 AND a.selected_at >= $3
				AND a.status <> 'withdrawn')`,
		c.ID, c.AssigneeID, periodStart).Scan(&f.SLABreached, &f.ReviewTied, &f.AgentAudited)
	return f, formatError(err, "audit facts")
}

func addMoneyTo(sums []cases.Money, m cases.Money) []cases.Money {
	for i := range sums {
		if sums[i].Currency == m.Currency {
			sums[i].Minor += m.Minor
			return sums
		}
	}
	return append(sums, m)
}

type auditRow struct {
	ID           int64          `db:"id"`
	CaseID       int64          `db:"case_id"`
	Ref          string         `db:"ref"`
	Shop         string         `db:"shop"`
	AgentID      *int64         `db:"agent_id"`
	ClosedAt     time.Time      `db:"closed_at"`
	Reasons      pq.StringArray `db:"reasons"`
	SelectedAt   time.Time      `db:"selected_at"`
	Status       string         `db:"status"`
	Calibration  bool           `db:"calibration"`
	ExcludedID   *int64         `db:"excluded_id"`
	Agreement    *bool          `db:"agreement"`
	WithdrawnAt  *time.Time     `db:"withdrawn_at"`
	CalibratedAt *time.Time     `db:"calibrated_at"`
	Outcome      *string        `db:"outcome"`
	ScoreDiff    *int           `db:"score_diff"`
}

const auditColumns = `a.id, a.case_id, c.ref, a.shop, a.agent_id, a.closed_at, a.reasons, a.selected_at, a.status,
	a.calibration, a.excluded_id, a.agreement, a.withdrawn_at, a.calibrated_at, a.outcome, a.score_diff`

func (r auditRow) audit() cases.Audit {
	a := cases.Audit{ID: r.ID, CaseID: r.CaseID, Ref: r.Ref, Shop: r.Shop, AssigneeID: r.AgentID, ClosedAt: r.ClosedAt,
		SelectedAt: r.SelectedAt, Status: cases.AuditStatus(r.Status), Calibration: r.Calibration,
		ExcludedID: r.ExcludedID, Agreement: r.Agreement, Reasons: make([]cases.AuditReason, len(r.Reasons)),
		WithdrawnAt: r.WithdrawnAt, CalibratedAt: r.CalibratedAt, ScoreDiff: r.ScoreDiff}
	if r.Outcome != nil {
		o := cases.VerdictKind(*r.Outcome)
		a.Outcome = &o
	}
	for i, s := range r.Reasons {
		a.Reasons[i] = cases.AuditReason(s)
	}
	return a
}

// QueueAuditTx puts a closing of a case into the audit queue with its
// reasons; a closing already queued stays as it is.
func QueueAuditTx(ctx context.Context, tx *sqlx.Tx, c cases.Case, reasons []cases.AuditReason, calibration bool, now time.Time) error {
	if c.ClosedAt == nil || len(reasons) == 0 {
		return nil
	}
	rs := make([]string, len(reasons))
	for i, r := range reasons {
		rs[i] = string(r)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audits (case_id, shop, agent_id, closed_at, reasons, selected_at, calibration)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, closed_at) DO NOTHING`,
		c.ID, c.Shop, c.AssigneeID, *c.ClosedAt, pq.Array(rs), now, calibration)
	return formatError(err, "audit")
}

// LockAuditTx returns the audit of the case's last closing under a row
// lock, queueing it with reason manual when the case was not selected: a
// supervisor may audit any closed case. ok is false when the case never
// closed.
func LockAuditTx(ctx context.Context, tx *sqlx.Tx, c cases.Case, now time.Time) (cases.Audit, error) {
	if c.ClosedAt != nil {
		if err := QueueAuditTx(ctx, tx, c, []cases.AuditReason{cases.ReasonManual}, false, now); err != nil {
			return cases.Audit{}, err
		}
	}
	var r auditRow
	err := tx.GetContext(ctx, &r, `SELECT `+auditColumns+` FROM audits a JOIN cases c ON c.id = a.case_id
		WHERE a.case_id = $1 ORDER BY a.closed_at DESC, a.id DESC LIMIT 1 FOR UPDATE OF a`, c.ID)
	if isNoRows(err) {
		return cases.Audit{}, cases.Errorf(cases.NotFound, "case %s has never been closed: there is nothing to audit", c.Ref)
	}
	if err != nil {
		return cases.Audit{}, formatError(err, "audit")
	}
	return r.audit(), nil
}

// SetAuditTx records where an audit stands.
func SetAuditTx(ctx context.Context, tx *sqlx.Tx, a cases.Audit) error {
	var outcome *string
	if a.Outcome != nil {
		o := string(*a.Outcome)
		outcome = &o
	}
	_, err := tx.ExecContext(ctx, `UPDATE audits SET status = $2, excluded_id = $3, agreement = $4, calibrated_at = $5,
			outcome = $6, score_diff = $7 WHERE id = $1`,
		a.ID, string(a.Status), a.ExcludedID, a.Agreement, a.CalibratedAt, outcome, a.ScoreDiff)
	return formatError(err, "audit")
}

// WithdrawAuditsTx takes a case that reopens out of the audit queue: its
// audits still waiting for their first verdict — or, in calibration, for
// their second — are withdrawn (a disputed audit stays: its rework
// reopened the case on purpose). The next closing is selected anew.
func WithdrawAuditsTx(ctx context.Context, tx *sqlx.Tx, caseID int64, at time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE audits SET status = 'withdrawn', withdrawn_at = $2
		WHERE case_id = $1 AND status = 'queued'`, caseID, at)
	if err != nil {
		return 0, formatError(err, "withdraw audits")
	}
	return res.RowsAffected()
}

// AuditQueue returns a page of the audit queue as actor sees it: closings
// waiting for a verdict, oldest first, without those a dispute took from
// the actor and those the actor already judged blind (nor those whose case
// reopened: withdrawn).
func (s *Desk) AuditQueue(ctx context.Context, actorID int64, f cases.AuditFilter) (cases.Page[cases.Audit], error) {
	if f.Limit == 0 {
		f.Limit = cases.DefaultPageSize
	}
	if f.Limit < 1 || f.Limit > cases.MaxPageSize {
		return cases.Page[cases.Audit]{}, cases.FieldError("limit", "limit must be from 1 to %d", cases.MaxPageSize)
	}
	if f.Reason != "" && !f.Reason.Valid() {
		return cases.Page[cases.Audit]{}, cases.FieldError("reason", "%q is not a selection reason", f.Reason)
	}
	after := cursor{Sort: "audits"}
	if f.Cursor != "" {
		var err error
		if after, err = decodeCursor(f.Cursor, "audits"); err != nil {
			return cases.Page[cases.Audit]{}, err
		}
	}
	var agent int64
	if f.AgentID != nil {
		agent = *f.AgentID
	}
	var rows []auditRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+auditColumns+` FROM audits a JOIN cases c ON c.id = a.case_id
		WHERE a.status IN ('queued', 'disputed') AND a.excluded_id IS DISTINCT FROM $1
			AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.audit_id = a.id AND v.auditor_id = $1)
			AND ($2 = '' OR a.reasons @> ARRAY[$2]) AND ($3::bigint = 0 OR a.agent_id = $3)
			AND ($4 = '' OR a.shop = $4)
			AND ($5::timestamptz IS NULL OR (a.closed_at, a.id) > ($5::timestamptz, $6::bigint))
		ORDER BY a.closed_at, a.id LIMIT $7`, actorID, string(f.Reason), agent, f.Shop, after.At, after.ID, f.Limit+1)
	if err != nil {
		return cases.Page[cases.Audit]{}, formatError(err, "audit queue")
	}
	page := cases.Page[cases.Audit]{Items: make([]cases.Audit, 0, len(rows))}
	for _, r := range rows {
		page.Items = append(page.Items, r.audit())
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		last := page.Items[f.Limit-1]
		at := last.ClosedAt
		page.NextCursor = encodeCursor(cursor{Sort: "audits", At: &at, ID: last.ID})
	}
	return page, nil
}

// Audits returns every audit of a case, newest first.
func (s *Desk) Audits(ctx context.Context, caseID int64) ([]cases.Audit, error) {
	var rows []auditRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+auditColumns+` FROM audits a JOIN cases c ON c.id = a.case_id
		WHERE a.case_id = $1 ORDER BY a.closed_at DESC, a.id DESC`, caseID); err != nil {
		return nil, formatError(err, "audits")
	}
	out := make([]cases.Audit, len(rows))
	for i, r := range rows {
		out[i] = r.audit()
	}
	return out, nil
}

type verdictRow struct {
	ID             int64          `db:"id"`
	AuditID        int64          `db:"audit_id"`
	CaseID         int64          `db:"case_id"`
	Round          int            `db:"round"`
	AuditorID      int64          `db:"auditor_id"`
	AgentID        *int64         `db:"agent_id"`
	Verdict        string         `db:"verdict"`
	Scores         []byte         `db:"scores"`
	Score          int            `db:"score"`
	FailedItems    pq.StringArray `db:"failed_items"`
	Comment        string         `db:"comment"`
	Cited          pq.Int64Array  `db:"cited_seqs"`
	EventSeq       int64          `db:"event_seq"`
	CreatedAt      time.Time      `db:"created_at"`
	DisputedAt     *time.Time     `db:"disputed_at"`
	DisputeComment string         `db:"dispute_comment"`
}

const verdictColumns = `id, audit_id, case_id, round, auditor_id, agent_id, verdict, scores, score, failed_items,
	comment, cited_seqs, event_seq, created_at, disputed_at, dispute_comment`

func (r verdictRow) verdict() cases.Verdict {
	v := cases.Verdict{ID: r.ID, AuditID: r.AuditID, CaseID: r.CaseID, Round: r.Round, AuditorID: r.AuditorID,
		AgentID: r.AgentID, Verdict: cases.VerdictKind(r.Verdict), Score: r.Score, FailedItems: []string(r.FailedItems),
		Comment: r.Comment, Cited: []int64(r.Cited), EventSeq: r.EventSeq, CreatedAt: r.CreatedAt,
		DisputedAt: r.DisputedAt, DisputeComment: r.DisputeComment, Scores: map[string]int{}}
	_ = json.Unmarshal(r.Scores, &v.Scores)
	if v.FailedItems == nil {
		v.FailedItems = []string{}
	}
	if v.Cited == nil {
		v.Cited = []int64{}
	}
	return v
}

// AuditVerdictsTx returns an audit's verdicts, first round first.
func AuditVerdictsTx(ctx context.Context, q sqlx.QueryerContext, auditID int64) ([]cases.Verdict, error) {
	var rows []verdictRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+verdictColumns+` FROM verdicts WHERE audit_id = $1 ORDER BY round`, auditID); err != nil {
		return nil, formatError(err, "verdicts")
	}
	out := make([]cases.Verdict, len(rows))
	for i, r := range rows {
		out[i] = r.verdict()
	}
	return out, nil
}

// InsertVerdictTx records a verdict; a second verdict of the same round
// (a concurrent one) is a Conflict.
func InsertVerdictTx(ctx context.Context, tx *sqlx.Tx, v cases.Verdict) (cases.Verdict, error) {
	scores, _ := json.Marshal(v.Scores)
	err := tx.GetContext(ctx, &v.ID, `INSERT INTO verdicts (audit_id, case_id, round, auditor_id, agent_id, verdict, scores,
			score, failed_items, comment, cited_seqs, event_seq, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		v.AuditID, v.CaseID, v.Round, v.AuditorID, v.AgentID, string(v.Verdict), string(scores), v.Score,
		pq.Array(v.FailedItems), v.Comment, pq.Array(v.Cited), v.EventSeq, v.CreatedAt)
	if err != nil {
		return v, formatError(err, "verdict")
	}
	return v, nil
}

// Verdicts returns the verdicts given on a case, oldest first. Blind
// calibration verdicts of an audit that still waits for its second one are
// left out for everyone but their author.
func (s *Desk) Verdicts(ctx context.Context, caseID, actorID int64) ([]cases.Verdict, error) {
	var rows []verdictRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+verdictColumns+` FROM verdicts v
		WHERE v.case_id = $1 AND (v.auditor_id = $2 OR NOT EXISTS (SELECT 1 FROM audits a
			WHERE a.id = v.audit_id AND a.calibration AND a.status = 'queued'))
		ORDER BY v.id`, caseID, actorID)
	if err != nil {
		return nil, formatError(err, "verdicts")
	}
	out := make([]cases.Verdict, len(rows))
	for i, r := range rows {
		out[i] = r.verdict()
	}
	return out, nil
}

// LockVerdictTx reads a verdict under a row lock.
func LockVerdictTx(ctx context.Context, tx *sqlx.Tx, id int64) (cases.Verdict, error) {
	var r verdictRow
	err := tx.GetContext(ctx, &r, `SELECT `+verdictColumns+` FROM verdicts WHERE id = $1 FOR UPDATE`, id)
	if isNoRows(err) {
		return cases.Verdict{}, cases.Errorf(cases.NotFound, "verdict %d not found", id)
	}
	return r.verdict(), formatError(err, "verdict")
}

// DisputeVerdictTx records an agent's dispute of a verdict.
func DisputeVerdictTx(ctx context.Context, tx *sqlx.Tx, id int64, at time.Time, comment string) error {
	_, err := tx.ExecContext(ctx, `UPDATE verdicts SET disputed_at = $2, dispute_comment = $3 WHERE id = $1`, id, at, comment)
	return formatError(err, "verdict")
}
