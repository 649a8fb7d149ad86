package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// DeliverDue sends the pending deliveries that are due at now, one
// transaction each, until none is left or limit deliveries have been tried
// (limit <= 0: no limit). Each transaction claims its row with FOR UPDATE
// SKIP LOCKED, so workers of several instances never send one row at the
// same time; it keeps the lock while send runs (send must time out) and
// records the attempt and the outcome before it commits. A delivered row is never sent
// again. A send that succeeds but whose commit fails is sent again later:
// receivers deduplicate on the delivery id (X-Redress-Delivery).
func (s *Webhooks) DeliverDue(ctx context.Context, now time.Time, limit int, send cases.Send) (cases.DeliveryResult, error) {
	var res cases.DeliveryResult
	for tried := 0; limit <= 0 || tried < limit; tried++ {
		found, err := s.deliverOne(ctx, now, send, &res)
		if err != nil || !found {
			return res, err
		}
	}
	return res, nil
}

// outboundRow is a claimed delivery joined with its webhook.
type outboundRow struct {
	ID       int64           `db:"delivery_id"`
	Event    cases.EventKind `db:"event"`
	Payload  json.RawMessage `db:"payload"`
	Message  string          `db:"message"`
	Attempts int             `db:"attempts"`
	Live     bool            `db:"live"`
	webhookRow
}

// deliverOne claims, sends and records one due delivery in a transaction
// of its own, and reports whether there was one.
func (s *Webhooks) deliverOne(ctx context.Context, now time.Time, send cases.Send, res *cases.DeliveryResult) (found bool, err error) {
	err = inTx(ctx, s.db, nil, "webhook delivery", func(tx *sqlx.Tx) error {
		var r outboundRow
		err := tx.GetContext(ctx, &r, `SELECT d.id AS delivery_id, d.event, d.payload, d.message, d.attempts,
				w.active AND w.deleted_at IS NULL AS live, `+webhookColumns+`
			FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.status = 'pending' AND d.next_attempt_at <= $1
			ORDER BY d.next_attempt_at, d.id
			LIMIT 1
			FOR UPDATE OF d SKIP LOCKED`, now)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		if !r.Live {
			// Queued by a sweep that read the webhook before it was disabled.
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'cancelled',
				last_error = 'webhook disabled' WHERE id = $1`, r.ID); err != nil {
				return err
			}
			res.Cancelled++
			return nil
		}
		attempt := r.Attempts + 1
		out := send(ctx, cases.Outbound{ID: r.ID, Event: r.Event, Payload: r.Payload, Message: r.Message,
			Attempt: attempt, Webhook: r.webhookRow.webhook()}, now)
		var code *int
		if out.StatusCode != 0 {
			code = &out.StatusCode
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_ms)
			VALUES ($1, $2, $3, $4, $5)`, r.ID, now, code, clip(out.Error, 500), out.Duration.Milliseconds()); err != nil {
			return formatError(err, "webhook attempt")
		}
		switch {
		case out.OK:
			_, err = tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'delivered', attempts = $2,
				delivered_at = $3, last_error = '' WHERE id = $1`, r.ID, attempt, now)
			res.Delivered++
		case attempt >= cases.MaxDeliveryAttempts:
			_, err = tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'failed', attempts = $2,
				last_error = $3 WHERE id = $1`, r.ID, attempt, clip(out.Error, 500))
			res.Failed++
			res.GaveUp++
		default:
			_, err = tx.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = $2, last_error = $3,
				next_attempt_at = $4 WHERE id = $1`, r.ID, attempt, clip(out.Error, 500), now.Add(cases.RetryDelay(attempt)))
			res.Failed++
		}
		return err
	})
	return found, err
}

// clip shortens s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Deliveries returns a webhook's deliveries, newest first, each with its
// attempts oldest first.
func (s *Webhooks) Deliveries(ctx context.Context, webhookID int64, f cases.DeliveryFilter) (cases.Page[cases.Delivery], error) {
	if f.Limit == 0 {
		f.Limit = cases.DefaultPageSize
	}
	if f.Limit < 1 || f.Limit > cases.MaxPageSize {
		return cases.Page[cases.Delivery]{}, cases.FieldError("limit", "limit must be from 1 to %d", cases.MaxPageSize)
	}
	switch f.Status {
	case "", cases.DeliveryPending, cases.DeliveryDelivered, cases.DeliveryFailed, cases.DeliveryCancelled:
	default:
		return cases.Page[cases.Delivery]{}, cases.FieldError("status", "status must be pending, delivered, failed or cancelled")
	}
	before, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return cases.Page[cases.Delivery]{}, err
	}
	if _, err := s.Get(ctx, webhookID); err != nil {
		return cases.Page[cases.Delivery]{}, err
	}
	page := cases.Page[cases.Delivery]{Items: []cases.Delivery{}}
	err = s.db.SelectContext(ctx, &page.Items, webhookDeliveriesPage, webhookID, before, string(f.Status), f.Limit+1)
	if err != nil {
		return cases.Page[cases.Delivery]{}, formatError(err, "webhook deliveries")
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		page.NextCursor = encodeIDCursor(page.Items[f.Limit-1].ID)
	}
	if len(page.Items) == 0 {
		return page, nil
	}
	ids := make([]int64, len(page.Items))
	at := make(map[int64]int, len(page.Items))
	for i, d := range page.Items {
		ids[i], at[d.ID] = d.ID, i
		page.Items[i].Attempts = []cases.Attempt{}
	}
	var attempts []cases.Attempt
	err = s.db.SelectContext(ctx, &attempts, `SELECT id, delivery_id, at, status_code, error, duration_ms
		FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY id`, pq.Array(ids))
	if err != nil {
		return cases.Page[cases.Delivery]{}, formatError(err, "webhook attempts")
	}
	for _, a := range attempts {
		i := at[a.DeliveryID]
		page.Items[i].Attempts = append(page.Items[i].Attempts, a)
	}
	return page, nil
}
