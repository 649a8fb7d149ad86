package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// QueueDigest claims the scheduled summary d for its event and period and
// queues one delivery to every live webhook subscribed to its event, in
// the webhook's language, due at now — all in one transaction. When the
// period is already claimed (another run or instance sent it) it queues
// nothing and says so: the claim's primary key makes a summary go out
// once.
func (s *Webhooks) QueueDigest(ctx context.Context, d cases.ReportDigest, now time.Time) (cases.DigestResult, error) {
	var res cases.DigestResult
	if !d.Event.IsDigest() {
		return res, cases.Errorf(cases.Invalid, "%q is not a scheduled summary", d.Event)
	}
	err := inTx(ctx, s.db, nil, "report digest", func(tx *sqlx.Tx) error {
		res = cases.DigestResult{}
		var claimed string
		err := tx.GetContext(ctx, &claimed, `INSERT INTO report_digests (event, period_start, period_end)
			VALUES ($1, $2::date, $3::date) ON CONFLICT DO NOTHING RETURNING event`,
			d.Event, d.From.Format(time.DateOnly), d.To.Format(time.DateOnly))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		res.Claimed = true
		hooks, err := liveWebhooksTx(ctx, tx)
		if err != nil {
			return err
		}
		var ids []int64
		var payloads, messages []string
		for _, h := range hooks {
			text, ok := d.Texts[h.Language]
			if !ok || !containsEvent(h.Events, d.Event) {
				continue
			}
			ids, payloads, messages = append(ids, h.ID), append(payloads, string(text.Payload)), append(messages, text.Message)
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, payload, message, next_attempt_at)
			SELECT u.hook, $1, u.payload::jsonb, u.message, $5
			FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u(hook, payload, message)`,
			d.Event, pq.Array(ids), pq.Array(payloads), pq.Array(messages), now); err != nil {
			return err
		}
		res.Deliveries = len(ids)
		_, err = tx.ExecContext(ctx, `UPDATE report_digests SET deliveries = $3 WHERE event = $1 AND period_start = $2::date`,
			d.Event, d.From.Format(time.DateOnly), len(ids))
		return err
	})
	return res, err
}

func containsEvent(events pq.StringArray, e cases.EventKind) bool {
	for _, x := range events {
		if x == string(e) {
			return true
		}
	}
	return false
}
