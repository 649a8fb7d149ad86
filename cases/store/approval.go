package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// Approvals returns a page of the remedies that wait for a supervisor,
// oldest first, each with its case, what the case has already cost, the
// buyer's remedies on other cases of the shop and how much evidence the
// case holds. The page is cut before the join: with the remedies table's
// statistics behind (a burst of proposals), PostgreSQL joined all 8,900
// waiting remedies to their cases and sorted them for a page of 50 (420
// ms at a million cases); walking remedies_pending_idx to the page first
// does not depend on the estimate.
func (s *Desk) Approvals(ctx context.Context, f cases.ApprovalFilter, now time.Time) (cases.Page[cases.Approval], error) {
	if f.Limit == 0 {
		f.Limit = cases.DefaultPageSize
	}
	if f.Limit < 1 || f.Limit > cases.MaxPageSize {
		return cases.Page[cases.Approval]{}, cases.FieldError("limit", "limit must be from 1 to %d", cases.MaxPageSize)
	}
	after := cursor{Sort: "approvals"}
	if f.Cursor != "" {
		var err error
		if after, err = decodeCursor(f.Cursor, "approvals"); err != nil {
			return cases.Page[cases.Approval]{}, err
		}
	}
	rows, err := s.db.QueryxContext(ctx, `SELECT `+remedyColumns+`, `+caseColumns+`,
			(SELECT count(*) FROM evidence e WHERE e.case_id = c.id) AS evidence_count,
			(SELECT count(DISTINCT b.case_id) FROM remedies b WHERE b.shop = c.shop AND b.buyer_handle = c.buyer_handle
				AND c.buyer_handle <> '' AND b.status = 'applied' AND b.case_id <> c.id) AS buyer_cases,
			(SELECT coalesce(jsonb_agg(jsonb_build_array(t.currency, t.total)), '[]') FROM (
				SELECT b.currency, sum(b.amount) AS total FROM remedies b WHERE b.shop = c.shop AND b.buyer_handle = c.buyer_handle
					AND c.buyer_handle <> '' AND b.status = 'applied' AND b.case_id <> c.id GROUP BY b.currency ORDER BY b.currency) t) AS buyer_total,
			(SELECT coalesce(jsonb_agg(jsonb_build_array(t.currency, t.total)), '[]') FROM (
				SELECT b.currency, sum(b.amount) AS total FROM remedies b WHERE b.case_id = c.id AND b.status = 'applied'
					GROUP BY b.currency ORDER BY b.currency) t) AS case_total
		FROM (SELECT * FROM remedies r
			WHERE r.status = 'pending' AND ($1 = '' OR r.shop = $1)
				AND ($2::timestamptz IS NULL OR (r.proposed_at, r.id) > ($2::timestamptz, $3::bigint))
			ORDER BY r.proposed_at, r.id
			LIMIT $4) r
		JOIN cases c ON c.id = r.case_id
		ORDER BY r.proposed_at, r.id`, f.Shop, after.At, after.ID, f.Limit+1)
	if err != nil {
		return cases.Page[cases.Approval]{}, formatError(err, "approvals")
	}
	defer rows.Close()
	page := cases.Page[cases.Approval]{Items: []cases.Approval{}}
	for rows.Next() {
		var rr remedyRow
		var cr caseRow
		var a cases.Approval
		var buyerTotal, caseTotal []byte
		dest := []any{&rr.ID, &rr.CaseID, &rr.Type, &rr.Amount, &rr.Currency, &rr.Status, &rr.NeedsApproval, &rr.Limit,
			&rr.ProposedBy, &rr.ProposedAt, &rr.ProposedSeq, &rr.ApprovalDueAt, &rr.DecidedBy, &rr.DecidedAt, &rr.Comment, &rr.AppliedAt}
		dest = append(dest, cr.dest()...)
		dest = append(dest, &a.EvidenceCount, &a.BuyerCases, &buyerTotal, &caseTotal)
		if err := rows.Scan(dest...); err != nil {
			return cases.Page[cases.Approval]{}, formatError(err, "approvals")
		}
		if a.Case, err = cr.toCase(); err != nil {
			return cases.Page[cases.Approval]{}, cases.Internalf(err, "approvals")
		}
		a.Remedy = rr.record()
		a.BuyerTotal, a.CaseTotal = moneyPairs(buyerTotal), moneyPairs(caseTotal)
		a.ApprovalOverdue = rr.ApprovalDueAt != nil && now.After(*rr.ApprovalDueAt)
		page.Items = append(page.Items, a)
	}
	if err := rows.Err(); err != nil {
		return cases.Page[cases.Approval]{}, formatError(err, "approvals")
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		last := page.Items[f.Limit-1].Remedy
		at := last.ProposedAt
		page.NextCursor = encodeCursor(cursor{Sort: "approvals", At: &at, ID: last.ID})
	}
	return page, nil
}

// moneyPairs reads [[currency, minor], …] as money.
func moneyPairs(b []byte) []cases.Money {
	var pairs [][2]json.RawMessage
	out := []cases.Money{}
	if json.Unmarshal(b, &pairs) != nil {
		return out
	}
	for _, p := range pairs {
		var m cases.Money
		if json.Unmarshal(p[0], &m.Currency) == nil && json.Unmarshal(p[1], &m.Minor) == nil {
			out = append(out, m)
		}
	}
	return out
}

// DueApproval is a pending remedy whose approval deadline passed, for the
// approvals sweep.
type DueApproval struct {
	RemedyID int64  `db:"id"`
	CaseID   int64  `db:"case_id"`
	Ref      string `db:"ref"`
	Level    string `db:"level"` // reminded or escalated
}

// SweepApprovals reminds the supervisors of every pending remedy whose
// approval deadline passed at now, and tells the admins of those still
// pending escalateAfter later, each once: the claim is the UPDATE that
// sets reminded_at or escalated_at, so several instances sweeping at once
// never send one twice. say writes the notice for a level ("approval_overdue"
// or "approval_escalated") and case ref.
func (s *Desk) SweepApprovals(ctx context.Context, now time.Time, escalateAfter time.Duration,
	say func(level, ref string, lang cases.Language) string) (reminded, escalated int, err error) {
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		var due []DueApproval
		if err := tx.SelectContext(ctx, &due, `UPDATE remedies r SET reminded_at = $1 FROM cases c
			WHERE c.id = r.case_id AND r.status = 'pending' AND r.approval_due_at <= $1 AND r.reminded_at IS NULL
			RETURNING r.id, r.case_id, c.ref, 'approval_overdue' AS level`, now); err != nil {
			return err
		}
		var late []DueApproval
		if err := tx.SelectContext(ctx, &late, `UPDATE remedies r SET escalated_at = $1 FROM cases c
			WHERE c.id = r.case_id AND r.status = 'pending' AND r.approval_due_at <= $2 AND r.escalated_at IS NULL
			RETURNING r.id, r.case_id, c.ref, 'approval_escalated' AS level`, now, now.Add(-escalateAfter)); err != nil {
			return err
		}
		if len(due)+len(late) == 0 {
			return nil
		}
		sups, err := SupervisorsTx(ctx, tx)
		if err != nil {
			return err
		}
		var admins []cases.Recipient
		for _, r := range sups {
			if r.Role == cases.RoleAdmin {
				admins = append(admins, r)
			}
		}
		for _, list := range [][]DueApproval{due, late} {
			for _, d := range list {
				to := sups
				if d.Level == "approval_escalated" {
					to = admins
				}
				if err := NotifyTx(ctx, tx, d.Level, d.CaseID, to, now, func(l cases.Language) string { return say(d.Level, d.Ref, l) }); err != nil {
					return err
				}
			}
		}
		reminded, escalated = len(due), len(late)
		return nil
	})
	return reminded, escalated, err
}
