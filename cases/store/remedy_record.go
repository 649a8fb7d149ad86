package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// remedyRow is a row of remedies.
type remedyRow struct {
	ID            int64      `db:"id"`
	CaseID        int64      `db:"case_id"`
	Type          string     `db:"type"`
	Amount        int64      `db:"amount"`
	Currency      string     `db:"currency"`
	Status        string     `db:"status"`
	NeedsApproval bool       `db:"needs_approval"`
	Limit         string     `db:"limit_reason"`
	ProposedBy    *int64     `db:"proposed_by"`
	ProposedAt    time.Time  `db:"proposed_at"`
	ProposedSeq   int64      `db:"proposed_seq"`
	ApprovalDueAt *time.Time `db:"approval_due_at"`
	DecidedBy     *int64     `db:"decided_by"`
	DecidedAt     *time.Time `db:"decided_at"`
	Comment       string     `db:"comment"`
	AppliedAt     *time.Time `db:"applied_at"`
}

const remedyColumns = `r.id, r.case_id, r.type, r.amount, r.currency, r.status, r.needs_approval, r.limit_reason,
	r.proposed_by, r.proposed_at, r.proposed_seq, r.approval_due_at, r.decided_by, r.decided_at, r.comment, r.applied_at`

func (r remedyRow) record() cases.RemedyRecord {
	return cases.RemedyRecord{ID: r.ID, CaseID: r.CaseID, Type: cases.RemedyType(r.Type),
		Amount: cases.Money{Minor: r.Amount, Currency: r.Currency}, Status: cases.RemedyStatus(r.Status),
		NeedsApproval: r.NeedsApproval, Limit: r.Limit, ProposedBy: r.ProposedBy, ProposedAt: r.ProposedAt,
		ProposedSeq: r.ProposedSeq, ApprovalDueAt: r.ApprovalDueAt, DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt,
		Comment: r.Comment, AppliedAt: r.AppliedAt}
}

func remedyHistoryTx(ctx context.Context, q sqlx.QueryerContext, caseID int64) ([]cases.RemedyRecord, error) {
	var rows []remedyRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+remedyColumns+` FROM remedies r WHERE r.case_id = $1 ORDER BY r.id`, caseID); err != nil {
		return nil, formatError(err, "remedies")
	}
	out := make([]cases.RemedyRecord, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}

// maxBuyerWindow bounds how far back a buyer's remedies are read: the
// longest window a policy may set.
const maxBuyerWindow = 366 * 24 * time.Hour

// RemedyFactsTx reads what the cumulative remedy guard needs about c at
// now: the shop's limits, the exchange rates, the case's remedies and the
// buyer's applied remedies on other cases of the shop.
func RemedyFactsTx(ctx context.Context, tx *sqlx.Tx, c cases.Case, now time.Time) (cases.RemedyFacts, error) {
	var f cases.RemedyFacts
	var err error
	if f.Limits, err = remedyLimitsTx(ctx, tx, c.Shop); err != nil {
		return f, err
	}
	if f.Rates, err = exchangeRatesTx(ctx, tx); err != nil {
		return f, err
	}
	if f.History, err = remedyHistoryTx(ctx, tx, c.ID); err != nil {
		return f, err
	}
	if c.BuyerHandle == "" {
		return f, nil
	}
	var rows []struct {
		CaseID    int64     `db:"case_id"`
		Amount    int64     `db:"amount"`
		Currency  string    `db:"currency"`
		AppliedAt time.Time `db:"applied_at"`
	}
	err = tx.SelectContext(ctx, &rows, `SELECT case_id, amount, currency, applied_at FROM remedies
		WHERE shop = $1 AND buyer_handle = $2 AND status = 'applied' AND applied_at >= $3 AND case_id <> $4`,
		c.Shop, c.BuyerHandle, now.Add(-maxBuyerWindow), c.ID)
	if err != nil {
		return f, formatError(err, "remedies")
	}
	for _, r := range rows {
		f.Buyer = append(f.Buyer, cases.AppliedRemedy{CaseID: r.CaseID,
			Amount: cases.Money{Minor: r.Amount, Currency: r.Currency}, AppliedAt: r.AppliedAt})
	}
	return f, nil
}

// RecordRemedyTx records a remedy proposed on c at event seq, withdrawing
// the case's earlier open remedies, and returns it with its id.
func RecordRemedyTx(ctx context.Context, tx *sqlx.Tx, c cases.Case, rec cases.RemedyRecord) (cases.RemedyRecord, error) {
	if err := withdrawRemediesTx(ctx, tx, c.ID, 0); err != nil {
		return rec, err
	}
	err := tx.GetContext(ctx, &rec.ID, `INSERT INTO remedies (case_id, shop, buyer_handle, type, amount, currency, status,
			needs_approval, limit_reason, proposed_by, proposed_at, proposed_seq, approval_due_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		c.ID, c.Shop, c.BuyerHandle, string(rec.Type), rec.Amount.Minor, rec.Amount.Currency, string(rec.Status),
		rec.NeedsApproval, rec.Limit, rec.ProposedBy, rec.ProposedAt, rec.ProposedSeq, rec.ApprovalDueAt)
	rec.CaseID = c.ID
	return rec, formatError(err, "remedy")
}

// DecideRemedyTx records a supervisor's decision on a remedy.
func DecideRemedyTx(ctx context.Context, tx *sqlx.Tx, id int64, status cases.RemedyStatus, by int64, at time.Time, comment string) error {
	_, err := tx.ExecContext(ctx, `UPDATE remedies SET status = $2, decided_by = $3, decided_at = $4, comment = $5
		WHERE id = $1`, id, string(status), by, at, comment)
	return formatError(err, "remedy")
}

// ApplyRemedyTx records that c left remedy with rem at event seq: the open
// remedy it matches is applied (or, when none matches, rem is recorded as
// applied), and the case's other open remedies are withdrawn.
func ApplyRemedyTx(ctx context.Context, tx *sqlx.Tx, c cases.Case, rem cases.Remedy, by *int64, at time.Time, seq int64, needsApproval bool) error {
	var id int64
	err := tx.GetContext(ctx, &id, `UPDATE remedies SET status = 'applied', applied_at = $5
		WHERE id = (SELECT id FROM remedies WHERE case_id = $1 AND status IN ('proposed','pending','approved')
			AND type = $2 AND amount = $3 AND currency = $4 ORDER BY id DESC LIMIT 1)
		RETURNING id`, c.ID, string(rem.Type), rem.Amount.Minor, rem.Amount.Currency, at)
	if err != nil && !isNoRows(err) {
		return formatError(err, "remedy")
	}
	if isNoRows(err) {
		err = tx.GetContext(ctx, &id, `INSERT INTO remedies (case_id, shop, buyer_handle, type, amount, currency, status,
				needs_approval, proposed_by, proposed_at, proposed_seq, decided_by, decided_at, applied_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'applied', $7, $8, $9, $10, $11, $12, $9) RETURNING id`,
			c.ID, c.Shop, c.BuyerHandle, string(rem.Type), rem.Amount.Minor, rem.Amount.Currency, needsApproval,
			by, at, seq, rem.ApprovedBy, rem.ApprovedAt)
		if err != nil {
			return formatError(err, "remedy")
		}
	}
	return withdrawRemediesTx(ctx, tx, c.ID, id)
}

// WithdrawRemediesTx withdraws the open remedies of a case that left
// remedy without them.
func WithdrawRemediesTx(ctx context.Context, tx *sqlx.Tx, caseID int64) error {
	return withdrawRemediesTx(ctx, tx, caseID, 0)
}

func withdrawRemediesTx(ctx context.Context, tx *sqlx.Tx, caseID, keep int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE remedies SET status = 'withdrawn'
		WHERE case_id = $1 AND status IN ('proposed','pending','approved') AND id <> $2`, caseID, keep)
	return formatError(err, "remedies")
}

// RemedyHistory returns every remedy a case was offered, oldest first.
func (s *Desk) RemedyHistory(ctx context.Context, caseID int64) ([]cases.RemedyRecord, error) {
	if err := s.caseExists(ctx, caseID); err != nil {
		return nil, err
	}
	return remedyHistoryTx(ctx, s.db, caseID)
}
