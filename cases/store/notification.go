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

// Notifications is the in-app inbox. Every method acts on the inbox of the
// actor on the context: nobody reads or marks another user's notices.
type Notifications struct {
	db *sqlx.DB
}

// NewNotifications returns the inbox store on db.
func NewNotifications(db *sqlx.DB) *Notifications { return &Notifications{db: db} }

const notificationColumns = `n.id, n.kind, n.case_id, c.ref AS case_ref, n.message, n.created_at, n.read_at`

// List returns a page of the actor's notices, newest first, and the unread
// count of the whole inbox.
func (s *Notifications) List(ctx context.Context, f cases.NotificationFilter) (cases.NotificationPage, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.NotificationPage{}, err
	}
	if err := f.Validate(); err != nil {
		return cases.NotificationPage{}, err
	}
	before, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return cases.NotificationPage{}, err
	}
	page := cases.NotificationPage{Items: []cases.Notification{}}
	err = s.db.SelectContext(ctx, &page.Items, `SELECT `+notificationColumns+`
		FROM notifications n LEFT JOIN cases c ON c.id = n.case_id
		WHERE n.user_id = $1 AND ($2::bigint = 0 OR n.id < $2::bigint) AND (NOT $3 OR n.read_at IS NULL)
		  AND (coalesce(cardinality($5::text[]), 0) = 0 OR n.kind = ANY($5::text[]))
		ORDER BY n.id DESC LIMIT $4`, actor.ID, before, f.UnreadOnly, f.Limit+1, pq.Array(f.Kinds))
	if err != nil {
		return cases.NotificationPage{}, formatError(err, "notifications")
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		page.NextCursor = encodeIDCursor(page.Items[f.Limit-1].ID)
	}
	if page.Unread, err = s.unread(ctx, s.db, actor.ID); err != nil {
		return cases.NotificationPage{}, err
	}
	return page, nil
}

// Unread returns how many of the actor's notices are unread: one
// index-only count over notifications_unread_idx.
func (s *Notifications) Unread(ctx context.Context) (int64, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	return s.unread(ctx, s.db, actor.ID)
}

func (s *Notifications) unread(ctx context.Context, q sqlx.QueryerContext, userID int64) (int64, error) {
	var n int64
	err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID)
	return n, formatError(err, "notifications")
}

// UnreadByKind returns how many of the actor's notices of each kind are
// unread (kinds with none are absent).
func (s *Notifications) UnreadByKind(ctx context.Context) (map[string]int64, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Kind string `db:"kind"`
		N    int64  `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT kind, count(*) AS n FROM notifications
		WHERE user_id = $1 AND read_at IS NULL GROUP BY kind`, actor.ID); err != nil {
		return nil, formatError(err, "notifications")
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Kind] = r.N
	}
	return out, nil
}

// MarkRead marks one of the actor's notices read and returns it. Marking a
// read notice again changes nothing; someone else's notice is not found.
func (s *Notifications) MarkRead(ctx context.Context, id int64) (cases.Notification, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Notification{}, err
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE notifications SET read_at = now()
		WHERE id = $1 AND user_id = $2 AND read_at IS NULL`, id, actor.ID); err != nil {
		return cases.Notification{}, formatError(err, "notification")
	}
	var n cases.Notification
	err = s.db.GetContext(ctx, &n, `SELECT `+notificationColumns+`
		FROM notifications n LEFT JOIN cases c ON c.id = n.case_id
		WHERE n.id = $1 AND n.user_id = $2`, id, actor.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Notification{}, cases.Errorf(cases.NotFound, "notification %d not found", id)
	}
	return n, formatError(err, "notification")
}

// MarkAllRead marks every unread notice of the actor read and returns how
// many it marked.
func (s *Notifications) MarkAllRead(ctx context.Context) (int64, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE notifications SET read_at = now()
		WHERE user_id = $1 AND read_at IS NULL`, actor.ID)
	if err != nil {
		return 0, formatError(err, "notifications")
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// MarkSeen marks read, as of now, the actor's notices that a desk keeping
// up with its inbox would have read: those older than within, and those
// about a case someone has acted on since the notice came (the reader, or
// a colleague who took the unassigned case it was about). Each is read
// when someone next acted on its case, or within after it came.
// It is for seeding a past (the demo walks a fortnight, then starts with
// the inbox a working desk would have); people mark notices read
// themselves.
func (s *Notifications) MarkSeen(ctx context.Context, now time.Time, within time.Duration) (int64, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	res, err := s.db.ExecContext(ctx, `WITH seen AS (
			SELECT n.id, LEAST(n.created_at + $3 * interval '1 microsecond',
				(SELECT min(e.at) FROM case_events e WHERE e.case_id = n.case_id AND e.actor_id IS NOT NULL AND e.at >= n.created_at)) AS at
			FROM notifications n WHERE n.user_id = $1 AND n.read_at IS NULL)
		UPDATE notifications n SET read_at = seen.at FROM seen
		WHERE n.id = seen.id AND seen.at <= $2`, actor.ID, now, within.Microseconds())
	if err != nil {
		return 0, formatError(err, "notifications")
	}
	n, _ := res.RowsAffected()
	return n, nil
}
