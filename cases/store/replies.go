package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// Replies keeps the team's reply library; the uses and outcomes of a reply
// are read from the case ledgers (payload "reply_used").
type Replies struct{ db *sqlx.DB }

// NewReplies returns the reply library kept in db.
func NewReplies(db *sqlx.DB) *Replies { return &Replies{db: db} }

const replyColumns = `id, stage, kind, lang, title, body, status, tone_warnings, created_by, created_at,
	updated_by, updated_at, approved_by, approved_at, archived_at`

// maxReplies bounds a list: a team's library is hundreds of replies, ranked
// as a whole.
const maxReplies = 1000

// List returns the replies f selects that are not archived, newest first;
// ranking is the caller's.
func (s *Replies) List(ctx context.Context, f cases.ReplyFilter) ([]cases.Reply, error) {
	where := []string{"archived_at IS NULL"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	status := f.Status
	if status == "" {
		status = cases.ReplyApproved
	}
	where = append(where, "status = "+arg(status))
	if f.Stage != "" {
		where = append(where, "stage = "+arg(string(f.Stage)))
	}
	if f.Kind != "" {
		where = append(where, "(kind IS NULL OR kind = "+arg(string(f.Kind))+")")
	}
	if f.Lang != "" {
		where = append(where, "lang = "+arg(string(f.Lang)))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := arg("%" + likeEscape(q) + "%")
		where = append(where, "(title ILIKE "+p+" OR body ILIKE "+p+")")
	}
	if f.CreatedBy != nil {
		where = append(where, "created_by = "+arg(*f.CreatedBy))
	}
	var out []cases.Reply
	err := s.db.SelectContext(ctx, &out, `SELECT `+replyColumns+` FROM replies WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id DESC LIMIT `+strconv.Itoa(maxReplies), args...)
	return out, formatError(err, "replies")
}

// Stats returns the uses and outcomes of the replies ids, by id; a reply
// never used has none.
func (s *Replies) Stats(ctx context.Context, ids []int64) (map[int64]cases.ReplyStats, error) {
	out := map[int64]cases.ReplyStats{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []cases.ReplyStats
	if err := s.db.SelectContext(ctx, &rows, replyStats, pq.Array(ids)); err != nil {
		return nil, formatError(err, "reply stats")
	}
	for _, r := range rows {
		out[r.ReplyID] = r
	}
	return out, nil
}

// Get returns one reply, archived or not.
func (s *Replies) Get(ctx context.Context, id int64) (cases.Reply, error) {
	var r cases.Reply
	err := s.db.GetContext(ctx, &r, `SELECT `+replyColumns+` FROM replies WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return r, cases.Errorf(cases.NotFound, "reply %d does not exist", id)
	}
	return r, formatError(err, "reply")
}

// Create adds a reply as r describes it (Status set by the caller; an
// approved one is approved by its author).
func (s *Replies) Create(ctx context.Context, r cases.Reply) (cases.Reply, error) {
	var out cases.Reply
	err := s.db.GetContext(ctx, &out, `INSERT INTO replies (stage, kind, lang, title, body, status, tone_warnings,
			created_by, updated_by, approved_by, approved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, CASE WHEN $6 = 'approved' THEN $8::bigint END,
			CASE WHEN $6 = 'approved' THEN now() END)
		RETURNING `+replyColumns,
		r.Stage, r.Kind, r.Lang, r.Title, r.Body, r.Status, jsonOrEmpty(r.ToneWarnings), r.CreatedBy)
	return out, formatError(err, "reply")
}

// Update writes a reply's stage, kind, language, title, body and tone
// warnings, as edited by by; status is left as it is unless demote is
// true, which sends it back for approval.
func (s *Replies) Update(ctx context.Context, r cases.Reply, by int64, demote bool) (cases.Reply, error) {
	var out cases.Reply
	err := s.db.GetContext(ctx, &out, `UPDATE replies SET stage = $2, kind = $3, lang = $4, title = $5, body = $6,
			tone_warnings = $7, updated_by = $8, updated_at = now(),
			status = CASE WHEN $9 THEN 'proposed' ELSE status END,
			approved_by = CASE WHEN $9 THEN NULL ELSE approved_by END,
			approved_at = CASE WHEN $9 THEN NULL ELSE approved_at END
		WHERE id = $1 AND archived_at IS NULL RETURNING `+replyColumns,
		r.ID, r.Stage, r.Kind, r.Lang, r.Title, r.Body, jsonOrEmpty(r.ToneWarnings), by, demote)
	if errors.Is(err, sql.ErrNoRows) {
		return out, cases.Errorf(cases.NotFound, "reply %d does not exist", r.ID)
	}
	return out, formatError(err, "reply")
}

// Approve approves a proposed reply; approving one that is approved is a
// Conflict.
func (s *Replies) Approve(ctx context.Context, id, by int64) (cases.Reply, error) {
	var out cases.Reply
	err := s.db.GetContext(ctx, &out, `UPDATE replies SET status = 'approved', approved_by = $2, approved_at = now()
		WHERE id = $1 AND archived_at IS NULL AND status = 'proposed' RETURNING `+replyColumns, id, by)
	if errors.Is(err, sql.ErrNoRows) {
		cur, gerr := s.Get(ctx, id)
		if gerr != nil {
			return out, gerr
		}
		if cur.ArchivedAt != nil {
			return out, cases.Errorf(cases.NotFound, "reply %d was removed", id)
		}
		return out, &cases.Error{Code: cases.Conflict, Field: "status", Message: "the reply is approved already"}
	}
	return out, formatError(err, "reply")
}

// Archive removes a reply from the library; its uses stay in the ledgers.
func (s *Replies) Archive(ctx context.Context, id, by int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE replies SET archived_at = now(), updated_by = $2, updated_at = now()
		WHERE id = $1 AND archived_at IS NULL`, id, by)
	if err != nil {
		return formatError(err, "reply")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return cases.Errorf(cases.NotFound, "reply %d does not exist", id)
	}
	return nil
}

func jsonOrEmpty(b []byte) []byte {
	if len(b) == 0 {
		return []byte("[]")
	}
	return b
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
