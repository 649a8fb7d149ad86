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

// Webhooks keeps the outbound webhooks admins configure and their outbox.
type Webhooks struct {
	db *sqlx.DB
}

// NewWebhooks returns the webhook store on db.
func NewWebhooks(db *sqlx.DB) *Webhooks { return &Webhooks{db: db} }

const webhookColumns = `w.id, w.name, w.url, w.format, w.secret, w.events, w.language, w.active,
	w.created_by, w.created_at, w.updated_at`

// webhookRow is a webhooks row as the database returns it.
type webhookRow struct {
	ID        int64               `db:"id"`
	Name      string              `db:"name"`
	URL       string              `db:"url"`
	Format    cases.WebhookFormat `db:"format"`
	Secret    string              `db:"secret"`
	Events    pq.StringArray      `db:"events"`
	Language  cases.Language      `db:"language"`
	Active    bool                `db:"active"`
	CreatedBy sql.NullInt64       `db:"created_by"`
	CreatedAt time.Time           `db:"created_at"`
	UpdatedAt time.Time           `db:"updated_at"`
}

func (r webhookRow) webhook() cases.Webhook {
	w := cases.Webhook{ID: r.ID, Name: r.Name, URL: r.URL, Format: r.Format, Secret: r.Secret, HasSecret: r.Secret != "",
		Language: r.Language, Active: r.Active, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Events: make([]cases.EventKind, len(r.Events))}
	for i, e := range r.Events {
		w.Events[i] = cases.EventKind(e)
	}
	if r.CreatedBy.Valid {
		id := r.CreatedBy.Int64
		w.CreatedBy = &id
	}
	return w
}

func eventStrings(evs []cases.EventKind) pq.StringArray {
	out := make(pq.StringArray, len(evs))
	for i, e := range evs {
		out[i] = string(e)
	}
	return out
}

// Create stores a new webhook, validated by the caller (WebhookInput.Webhook
// and the HTTP layer's reachability check).
func (s *Webhooks) Create(ctx context.Context, w cases.Webhook) (cases.Webhook, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Webhook{}, err
	}
	if w, err = w.Normalize(); err != nil {
		return cases.Webhook{}, err
	}
	var r webhookRow
	err = s.db.GetContext(ctx, &r, `INSERT INTO webhooks AS w (name, url, format, secret, events, language, active, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+webhookColumns,
		w.Name, w.URL, w.Format, w.Secret, eventStrings(w.Events), w.Language, w.Active, actor.ID)
	if err != nil {
		return cases.Webhook{}, formatError(err, "webhook")
	}
	return r.webhook(), nil
}

// Get returns a webhook that is not deleted.
func (s *Webhooks) Get(ctx context.Context, id int64) (cases.Webhook, error) {
	return getWebhookTx(ctx, s.db, id, false)
}

func getWebhookTx(ctx context.Context, q sqlx.QueryerContext, id int64, forUpdate bool) (cases.Webhook, error) {
	query := `SELECT ` + webhookColumns + ` FROM webhooks w WHERE w.id = $1 AND w.deleted_at IS NULL`
	if forUpdate {
		query += ` FOR UPDATE`
	}
	var r webhookRow
	if err := sqlx.GetContext(ctx, q, &r, query, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Webhook{}, cases.Errorf(cases.NotFound, "webhook %d not found", id)
		}
		return cases.Webhook{}, formatError(err, "webhook")
	}
	return r.webhook(), nil
}

// List returns a page of webhooks that are not deleted, in id order.
func (s *Webhooks) List(ctx context.Context, limit int, cursor string) (cases.Page[cases.Webhook], error) {
	if limit == 0 {
		limit = cases.DefaultPageSize
	}
	if limit < 1 || limit > cases.MaxPageSize {
		return cases.Page[cases.Webhook]{}, cases.FieldError("limit", "limit must be from 1 to %d", cases.MaxPageSize)
	}
	after, err := decodeIDCursor(cursor)
	if err != nil {
		return cases.Page[cases.Webhook]{}, err
	}
	var rows []webhookRow
	err = s.db.SelectContext(ctx, &rows, `SELECT `+webhookColumns+` FROM webhooks w
		WHERE w.deleted_at IS NULL AND w.id > $1 ORDER BY w.id LIMIT $2`, after, limit+1)
	if err != nil {
		return cases.Page[cases.Webhook]{}, formatError(err, "webhooks")
	}
	page := cases.Page[cases.Webhook]{Items: make([]cases.Webhook, 0, len(rows))}
	for i, r := range rows {
		if i == limit {
			page.NextCursor = encodeIDCursor(rows[i-1].ID)
			break
		}
		page.Items = append(page.Items, r.webhook())
	}
	return page, nil
}

// Update applies a patch to a webhook under its row lock and returns it. A
// webhook that stops being active has its pending deliveries cancelled, so
// that turning it on again does not flood the channel with stale reminders.
// Whether a new URL's host may be reached is the caller's check, made
// before: it resolves a name, which must not happen under the row lock.
func (s *Webhooks) Update(ctx context.Context, id int64, p cases.WebhookPatch) (cases.Webhook, error) {
	var out cases.Webhook
	err := inTx(ctx, s.db, nil, "webhook", func(tx *sqlx.Tx) error {
		cur, err := getWebhookTx(ctx, tx, id, true)
		if err != nil {
			return err
		}
		next, err := p.Apply(cur)
		if err != nil {
			return err
		}
		var r webhookRow
		err = tx.GetContext(ctx, &r, `UPDATE webhooks w SET name = $2, url = $3, format = $4, secret = $5, events = $6,
			language = $7, active = $8, updated_at = now()
			WHERE w.id = $1 RETURNING `+webhookColumns,
			id, next.Name, next.URL, next.Format, next.Secret, eventStrings(next.Events), next.Language, next.Active)
		if err != nil {
			return formatError(err, "webhook")
		}
		out = r.webhook()
		if !out.Active {
			return cancelPendingTx(ctx, tx, id)
		}
		return nil
	})
	return out, err
}

// Delete removes a webhook from use: it stays on record, with its
// deliveries, for the audit trail; its pending deliveries are cancelled.
func (s *Webhooks) Delete(ctx context.Context, id int64) error {
	return inTx(ctx, s.db, nil, "webhook", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET active = false, deleted_at = now(), updated_at = now()
			WHERE id = $1 AND deleted_at IS NULL`, id)
		if err != nil {
			return formatError(err, "webhook")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return cases.Errorf(cases.NotFound, "webhook %d not found", id)
		}
		return cancelPendingTx(ctx, tx, id)
	})
}

func cancelPendingTx(ctx context.Context, tx *sqlx.Tx, webhookID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'cancelled', last_error = 'webhook disabled'
		WHERE webhook_id = $1 AND status = 'pending'`, webhookID)
	return formatError(err, "webhook deliveries")
}
