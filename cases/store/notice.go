package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// SupervisorsTx returns the active supervisors and admins, who are told
// about remedies waiting for approval (Redress has no per-shop staff yet:
// every supervisor sees every shop).
func SupervisorsTx(ctx context.Context, q sqlx.QueryerContext) ([]cases.Recipient, error) {
	var out []cases.Recipient
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, role, language FROM users
		WHERE active AND role IN ('supervisor', 'admin') ORDER BY id`)
	return out, formatError(err, "users")
}

// RecipientTx returns one active user as a recipient; a deactivated or
// unknown user is no recipient (ok false).
func RecipientTx(ctx context.Context, q sqlx.QueryerContext, id int64) (cases.Recipient, bool, error) {
	var r cases.Recipient
	err := sqlx.GetContext(ctx, q, &r, `SELECT id, role, language FROM users WHERE id = $1 AND active`, id)
	if isNoRows(err) {
		return r, false, nil
	}
	return r, err == nil, formatError(err, "user")
}

// NotifyTx puts a notice of kind about a case into each recipient's inbox,
// in their language, in one statement, dated at: the time of the event it
// tells of.
func NotifyTx(ctx context.Context, tx *sqlx.Tx, kind string, caseID int64, to []cases.Recipient, at time.Time, say cases.Wording) error {
	if len(to) == 0 {
		return nil
	}
	users := make([]int64, len(to))
	texts := make([]string, len(to))
	for i, r := range to {
		users[i], texts[i] = r.ID, clip(say(r.Language), 2000)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, case_id, message, created_at)
		SELECT u, $2, $3, m, $5 FROM unnest($1::bigint[], $4::text[]) AS x(u, m)`,
		pq.Array(users), kind, caseID, pq.Array(texts), at)
	return formatError(err, "notification")
}

// QueueWebhooksTx writes one outbox delivery of event for every live
// webhook that subscribes to it, in its language, delivered after commit
// by the delivery worker.
func QueueWebhooksTx(ctx context.Context, tx *sqlx.Tx, event cases.EventKind, caseID int64, payload map[string]any, say cases.Wording, now time.Time) error {
	hooks, err := liveWebhooksTx(ctx, tx)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if !containsString(h.Events, string(event)) {
			continue
		}
		msg := say(h.Language)
		p := map[string]any{"event": string(event), "message": msg, "fired_at": now.UTC().Format(time.RFC3339)}
		for k, v := range payload {
			p[k] = v
		}
		b, err := json.Marshal(p)
		if err != nil {
			return cases.Internalf(err, "encode webhook payload")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, case_id, payload, message, next_attempt_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, h.ID, string(event), caseID, string(b), msg, now); err != nil {
			return formatError(err, "webhook delivery")
		}
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
