package store

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// handoverSweepRow is an unacknowledged handover past its acknowledgement
// deadline, locked.
type handoverSweepRow struct {
	ID         int64     `db:"id"`
	FromUserID int64     `db:"from_user_id"`
	ToUserID   *int64    `db:"to_user_id"` // nil: handed to a shift's team
	AckDueAt   time.Time `db:"ack_due_at"`
	Cases      int       `db:"cases"`
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
			err := tx.SelectContext(ctx, &rows, `SELECT h.id, h.from_user_id, h.to_user_id, h.ack_due_at,
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
						rs = handoverReceivers(h, aud)
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
			hw := handoverWriter{plan: plan, now: now}
			for _, f := range fired {
				h := rowOf[f.ID]
				notice := cases.HandoverNotice{HandoverID: h.ID, Level: f.Level, AckDueAt: h.AckDueAt, Cases: h.Cases, Now: now}
				hw.add(notice, h, who[claimKey{f.ID, f.Level}])
				res.Handovers[f.Level]++
			}
			if err := hw.write(ctx, tx); err != nil {
				return err
			}
			res.Notifications += len(hw.users)
			res.Deliveries += hw.deliveries
			return nil
		})
		if err != nil {
			return err
		}
		if n < plan.BatchSize {
			return nil
		}
	}
}

// handoverWriter gathers what the fired handover reminders of a batch
// write: a notice per recipient, a "handover_reminded" event on the ledger
// of every case still awaiting acknowledgement, and a delivery per webhook
// that subscribes to it.
type handoverWriter struct {
	plan    cases.SweepPlan
	now     time.Time
	fired   []handoverFired
	users   []int64
	kinds   []string
	texts   []string
	handIDs []int64

	deliveries int
}

type handoverFired struct {
	notice     cases.HandoverNotice
	row        handoverSweepRow
	recipients []int64
}

func (w *handoverWriter) add(n cases.HandoverNotice, h handoverSweepRow, rs []recipient) {
	ids := make([]int64, len(rs))
	for i, rp := range rs {
		ids[i] = rp.ID
		msg := "handover " + string(n.Level)
		if w.plan.HandoverMessage != nil {
			msg = w.plan.HandoverMessage(n, rp.Reader)
		}
		w.users, w.kinds, w.texts = append(w.users, rp.ID), append(w.kinds, string(n.Level)), append(w.texts, msg)
	}
	w.fired = append(w.fired, handoverFired{notice: n, row: h, recipients: ids})
	w.handIDs = append(w.handIDs, h.ID)
}

// pendingCase is a case still awaiting acknowledgement in a handover,
// locked, with its ledger position.
type pendingCase struct {
	HandoverID int64  `db:"handover_id"`
	CaseID     int64  `db:"case_id"`
	LedgerSeq  int64  `db:"ledger_seq"`
	LedgerHead string `db:"ledger_head"`
}

func (w *handoverWriter) write(ctx context.Context, tx *sqlx.Tx) error {
	if len(w.fired) == 0 {
		return nil
	}
	var pending []pendingCase
	err := tx.SelectContext(ctx, &pending, `SELECT hc.handover_id, c.id AS case_id, c.ledger_seq, c.ledger_head
		FROM handover_cases hc JOIN cases c ON c.id = hc.case_id
		WHERE hc.handover_id = ANY($1) AND hc.acknowledged_at IS NULL
		ORDER BY c.id FOR UPDATE OF c`, pq.Array(w.handIDs))
	if err != nil {
		return formatError(err, "handover cases")
	}
	byHandover := map[int64][]pendingCase{}
	for _, p := range pending {
		byHandover[p.HandoverID] = append(byHandover[p.HandoverID], p)
	}
	var appends []LedgerAppend
	at := map[int64]int{} // case id → index into appends
	caseIDs := map[int64][]int64{}
	for _, f := range w.fired {
		for _, p := range byHandover[f.row.ID] {
			caseIDs[f.row.ID] = append(caseIDs[f.row.ID], p.CaseID)
			i, ok := at[p.CaseID]
			if !ok {
				i = len(appends)
				at[p.CaseID] = i
				appends = append(appends, LedgerAppend{Ledger: cases.Ledger{CaseID: p.CaseID, Seq: p.LedgerSeq, Head: p.LedgerHead}})
			}
			appends[i].Events = append(appends[i].Events, cases.NewEvent{Kind: cases.EventHandoverReminded, Payload: map[string]any{
				"handover_id": f.row.ID,
				"level":       string(f.notice.Level),
				"ack_due_at":  f.row.AckDueAt.UTC().Format(time.RFC3339Nano),
				"to":          f.row.ToUserID,
				"recipients":  f.recipients,
			}})
		}
	}
	if err := AppendEventsTx(ctx, tx, nil, w.now, appends); err != nil {
		return err
	}
	if len(w.users) > 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, message)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`, pq.Array(w.users), pq.Array(w.kinds), pq.Array(w.texts))
		if err != nil {
			return formatError(err, "notification")
		}
	}
	hooks, err := liveWebhooksTx(ctx, tx)
	if err != nil {
		return err
	}
	var hookIDs []int64
	var payloads, messages []string
	for _, h := range hooks {
		if !slices.Contains(h.Events, string(cases.EventHandoverReminded)) {
			continue
		}
		for _, f := range w.fired {
			msg := "handover " + string(f.notice.Level)
			if w.plan.HandoverMessage != nil {
				msg = w.plan.HandoverMessage(f.notice, cases.Reader{Language: h.Language, Location: w.plan.Location})
			}
			handover := map[string]any{
				"id":            f.row.ID,
				"to_user_id":    f.row.ToUserID,
				"ack_due_at":    f.row.AckDueAt.UTC().Format(time.RFC3339),
				"pending_cases": caseIDs[f.row.ID],
			}
			if w.plan.HandoverURL != nil {
				handover["url"] = w.plan.HandoverURL(f.row.ID)
			}
			b, err := json.Marshal(map[string]any{
				"event":    string(cases.EventHandoverReminded),
				"level":    string(f.notice.Level),
				"handover": handover,
				"deadline": f.row.AckDueAt.UTC().Format(time.RFC3339),
				"message":  msg,
				"fired_at": w.now.UTC().Format(time.RFC3339),
			})
			if err != nil {
				return cases.Internalf(err, "encode webhook payload")
			}
			hookIDs, payloads, messages = append(hookIDs, h.ID), append(payloads, string(b)), append(messages, msg)
		}
	}
	if len(hookIDs) == 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, payload, message, next_attempt_at)
		SELECT u.hook, $2, u.payload::jsonb, u.message, $5
		FROM unnest($1::bigint[], $3::text[], $4::text[]) AS u(hook, payload, message)`,
		pq.Array(hookIDs), string(cases.EventHandoverReminded), pq.Array(payloads), pq.Array(messages), w.now)
	if err != nil {
		return formatError(err, "webhook delivery")
	}
	w.deliveries = len(hookIDs)
	return nil
}

// handoverReceivers is who is reminded first of a handover left
// unacknowledged: its incoming agent, or for a team handover the watchers
// of the unassigned queue (every active agent and supervisor) but the
// outgoing agent.
func handoverReceivers(h handoverSweepRow, aud audience) []recipient {
	if h.ToUserID != nil {
		if rp, ok := aud.byID[*h.ToUserID]; ok {
			return []recipient{rp}
		}
		return nil
	}
	var rs []recipient
	for _, rp := range aud.watchers {
		if rp.ID != h.FromUserID {
			rs = append(rs, rp)
		}
	}
	return rs
}
