package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// handoverSweepRow is an unacknowledged handover past its acknowledgement
// deadline, locked.
type handoverSweepRow struct {
	ID       int64     `db:"id"`
	ToUserID int64     `db:"to_user_id"`
	AckDueAt time.Time `db:"ack_due_at"`
	Cases    int       `db:"cases"`
}

// sweepHandovers reminds the incoming agent of each handover left
// unacknowledged past its deadline, and a grace later escalates it to the
// supervisors, like an overdue case: each level is claimed in
// handover_reminders (a unique key, ON CONFLICT DO NOTHING) in the
// transaction that writes its notices, so it fires once however many
// instances sweep.
func (r *Reminders) sweepHandovers(ctx context.Context, now time.Time, plan cases.SweepPlan, aud audience, res *cases.SweepResult) error {
	var after int64
	for {
		var n int
		err := inTx(ctx, r.db, nil, "handover reminders", func(tx *sqlx.Tx) error {
			var rows []handoverSweepRow
			err := tx.SelectContext(ctx, &rows, `SELECT h.id, h.to_user_id, h.ack_due_at,
					(SELECT count(*) FROM handover_cases hc WHERE hc.handover_id = h.id AND hc.acknowledged_at IS NULL) AS cases
				FROM handovers h
				WHERE h.acknowledged_at IS NULL AND h.ack_due_at < $1 AND h.id > $2
				  AND (SELECT count(*) FROM handover_reminders hr WHERE hr.handover_id = h.id) < 2
				ORDER BY h.id LIMIT $3
				FOR UPDATE OF h SKIP LOCKED`, now, after, plan.BatchSize)
			if err != nil || len(rows) == 0 {
				return err
			}
			n, after = len(rows), rows[len(rows)-1].ID
			var ids []int64
			var levels []string
			var counts []int64
			type claimKey struct {
				id    int64
				level cases.HandoverLevel
			}
			rowOf := map[int64]handoverSweepRow{}
			who := map[claimKey][]recipient{}
			for _, h := range rows {
				rowOf[h.ID] = h
				for _, level := range plan.HandoverDue(h.AckDueAt, now) {
					rs := aud.supervisors
					if level == cases.HandoverOverdue {
						rs = nil
						if rp, ok := aud.byID[h.ToUserID]; ok {
							rs = []recipient{rp}
						}
					}
					who[claimKey{h.ID, level}] = rs
					ids, levels, counts = append(ids, h.ID), append(levels, string(level)), append(counts, int64(len(rs)))
				}
			}
			if len(ids) == 0 {
				return nil
			}
			var fired []struct {
				ID    int64               `db:"handover_id"`
				Level cases.HandoverLevel `db:"level"`
			}
			err = tx.SelectContext(ctx, &fired, `INSERT INTO handover_reminders (handover_id, level, fired_at, recipients)
				SELECT u.id, u.level, $4, u.n FROM unnest($1::bigint[], $2::text[], $3::integer[]) AS u(id, level, n)
				ON CONFLICT DO NOTHING RETURNING handover_id, level`, pq.Array(ids), pq.Array(levels), pq.Array(counts), now)
			if err != nil {
				return err
			}
			var users []int64
			var kinds, texts []string
			for _, f := range fired {
				h := rowOf[f.ID]
				notice := cases.HandoverNotice{HandoverID: h.ID, Level: f.Level, AckDueAt: h.AckDueAt, Cases: h.Cases, Now: now}
				for _, rp := range who[claimKey{f.ID, f.Level}] {
					msg := "handover " + string(f.Level)
					if plan.HandoverMessage != nil {
						msg = plan.HandoverMessage(notice, rp.Reader)
					}
					users, kinds, texts = append(users, rp.ID), append(kinds, string(f.Level)), append(texts, msg)
				}
				res.Handovers[f.Level]++
			}
			if len(users) == 0 {
				return nil
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, message)
				SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`, pq.Array(users), pq.Array(kinds), pq.Array(texts))
			res.Notifications += len(users)
			return err
		})
		if err != nil {
			return err
		}
		if n < plan.BatchSize {
			return nil
		}
	}
}
