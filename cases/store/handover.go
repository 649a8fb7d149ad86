package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// Queries of handovers, from sql/.
var (
	handoverView        = query("handover_view")
	handoverCasesInsert = query("handover_cases_insert")
	handoverCasesSelect = query("handover_cases_select")
)

// HandoverRules are the decisions a handover's writes ask of the protocol
// (package workflows), under the locks of the cases they are about.
type HandoverRules struct {
	// Incoming refuses the incoming user (nil when there is none).
	Incoming func(actor cases.Actor, toID int64, to *cases.User) error
	// Handed refuses one case to hand over; pendingIn is the handover it
	// already waits in, or 0.
	Handed func(actor cases.Actor, i int, c cases.Case, pendingIn int64) error
	// Event is the ledger event of a handed case (to is nil for a team).
	Event func(handoverID, from int64, to *int64, toShift string, hc cases.HandoverCaseInput) cases.NewEvent
	// Plan decides which cases an acknowledgement takes.
	Plan func(actor cases.Actor, h cases.Handover, in cases.AckInput) ([]cases.AckCase, error)
	// Take is what acknowledging one case by the user by does to it.
	Take func(c cases.Case, h cases.Handover, a cases.AckCase, by int64) (cases.Case, []cases.NewEvent)
}

// CreateHandover records a handover from the signed-in agent: it locks the
// cases (in id order, so that two handovers of overlapping cases cannot
// deadlock), checks each under its lock, writes the handover and appends a
// handed_over event to each case's ledger, all in one transaction. Of two
// agents handing the same case at once, the second waits for the first's
// lock and then finds the case already handed.
func (s *Shifts) CreateHandover(ctx context.Context, in cases.HandoverInput, ackWithin time.Duration, rules HandoverRules) (cases.Handover, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Handover{}, err
	}
	var id int64
	err = inTx(ctx, s.db, nil, "handover", func(tx *sqlx.Tx) error {
		var toUser *int64
		if in.ToShift == "" {
			to, err := userTx(ctx, tx, in.ToUserID)
			if err != nil {
				return err
			}
			if err := rules.Incoming(actor, in.ToUserID, to); err != nil {
				return err
			}
			toUser = &in.ToUserID
		}
		order := make([]int, len(in.Cases))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return int(in.Cases[a].CaseID - in.Cases[b].CaseID) })
		locked := make([]cases.Case, len(in.Cases))
		ledgers := make([]cases.Ledger, len(in.Cases))
		var now time.Time
		for _, i := range order {
			c, l, at, err := LockCaseTx(ctx, tx, in.Cases[i].CaseID)
			if cases.ErrorCode(err) == cases.NotFound {
				return cases.FieldError(fmt.Sprintf("cases[%d].case_id", i), "case %d does not exist", in.Cases[i].CaseID)
			}
			if err != nil {
				return err
			}
			locked[i], ledgers[i], now = c, l, at
		}
		pending, err := pendingHandoversTx(ctx, tx, caseIDs(in.Cases))
		if err != nil {
			return err
		}
		for i, c := range locked {
			if err := rules.Handed(actor, i, c, pending[c.ID]); err != nil {
				return err
			}
		}
		doc := handoverSearch(in, locked)
		err = tx.QueryRowxContext(ctx, `INSERT INTO handovers (from_user_id, to_user_id, to_shift, note, created_at, ack_due_at, search)
			VALUES ($1, $2, $3, $4, $5, $6, to_tsvector('simple', $7)) RETURNING id`,
			actor.ID, toUser, in.ToShift, in.Note, now, now.Add(ackWithin), doc).Scan(&id)
		if err != nil {
			return err
		}
		if err := insertHandoverCasesTx(ctx, tx, id, in.Cases); err != nil {
			return err
		}
		appends := make([]LedgerAppend, len(in.Cases))
		for i, hc := range in.Cases {
			appends[i] = LedgerAppend{Ledger: ledgers[i], Events: []cases.NewEvent{rules.Event(id, actor.ID, toUser, in.ToShift, hc)}}
		}
		return AppendEventsTx(ctx, tx, &actor.ID, now, appends)
	})
	if err != nil {
		return cases.Handover{}, err
	}
	return s.Handover(ctx, id)
}

func caseIDs(in []cases.HandoverCaseInput) []int64 {
	ids := make([]int64, len(in))
	for i, c := range in {
		ids[i] = c.CaseID
	}
	return ids
}

// handoverSearch is the search document of a handover: its notes and the
// refs of its cases.
func handoverSearch(in cases.HandoverInput, cs []cases.Case) string {
	var b strings.Builder
	add := func(s string) {
		for _, t := range SearchTerms(s) {
			b.WriteString(t)
			b.WriteByte(' ')
		}
	}
	add(in.Note)
	for i, hc := range in.Cases {
		add(cs[i].Ref)
		add(hc.Note)
		add(hc.NextAction)
		add(hc.Contingency)
		add(hc.Promise)
	}
	return b.String()
}

// userTx returns a user, or nil when there is none.
func userTx(ctx context.Context, q sqlx.QueryerContext, id int64) (*cases.User, error) {
	var u cases.User
	err := sqlx.GetContext(ctx, q, &u, `SELECT id, email, display_name, role, language, time_zone, active, created_at, updated_at
		FROM users WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, formatError(err, "user")
	}
	return &u, nil
}

// pendingHandoversTx maps each of the cases that waits in an
// unacknowledged handover to that handover.
func pendingHandoversTx(ctx context.Context, tx *sqlx.Tx, ids []int64) (map[int64]int64, error) {
	var rows []struct {
		CaseID     int64 `db:"case_id"`
		HandoverID int64 `db:"handover_id"`
	}
	err := tx.SelectContext(ctx, &rows, `SELECT case_id, handover_id FROM handover_cases
		WHERE case_id = ANY($1) AND acknowledged_at IS NULL`, pq.Array(ids))
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.CaseID] = r.HandoverID
	}
	return out, formatError(err, "handover")
}

func insertHandoverCasesTx(ctx context.Context, tx *sqlx.Tx, id int64, in []cases.HandoverCaseInput) error {
	n := len(in)
	ids, pos := make([]int64, n), make([]int64, n)
	status, note, action, cont, promise := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	actionDue, promiseDue := make([]sql.NullString, n), make([]sql.NullString, n)
	ts := func(t *time.Time) sql.NullString {
		if t == nil {
			return sql.NullString{}
		}
		return sql.NullString{String: t.UTC().Format(time.RFC3339Nano), Valid: true}
	}
	for i, c := range in {
		ids[i], pos[i] = c.CaseID, int64(i)
		status[i], note[i], action[i], cont[i], promise[i] = string(c.Status), c.Note, c.NextAction, c.Contingency, c.Promise
		actionDue[i], promiseDue[i] = ts(c.NextActionDueAt), ts(c.PromiseDueAt)
	}
	_, err := tx.ExecContext(ctx, handoverCasesInsert, id, pq.Array(ids), pq.Array(pos), pq.Array(status), pq.Array(note),
		pq.Array(action), pq.Array(actionDue), pq.Array(cont), pq.Array(promise), pq.Array(promiseDue))
	if err != nil {
		err = formatError(err, "handover")
		var e *cases.Error
		if errors.As(err, &e) && e.Code == cases.Conflict {
			e.Field, e.Message = "cases", "a case of this handover was handed over by someone else at the same time; reload and try again"
		}
	}
	return err
}

// AckHandover records the signed-in agent's acknowledgement of handover id:
// under the handover's lock, rules.Plan decides which cases it takes, and
// each case changes as rules.Take says (its assignee, with ledger events),
// in one transaction.
func (s *Shifts) AckHandover(ctx context.Context, id int64, in cases.AckInput, rules HandoverRules) (cases.Handover, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Handover{}, err
	}
	err = inTx(ctx, s.db, nil, "handover", func(tx *sqlx.Tx) error {
		var locked int64
		err := tx.GetContext(ctx, &locked, `SELECT id FROM handovers WHERE id = $1 FOR UPDATE`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Errorf(cases.NotFound, "handover %d not found", id)
		}
		if err != nil {
			return err
		}
		hs, err := handoversTx(ctx, tx, []int64{id})
		if err != nil {
			return err
		}
		h := hs[0]
		items, err := rules.Plan(actor, h, in)
		if err != nil {
			return err
		}
		slices.SortFunc(items, func(a, b cases.AckCase) int { return int(a.CaseID - b.CaseID) })
		ids, reads := make([]int64, len(items)), make([]string, len(items))
		for i, a := range items {
			ids[i], reads[i] = a.CaseID, a.ReadBack
			_, _, err := s.changeTx(ctx, tx, a.CaseID, &actor, true, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
				next, evs := rules.Take(cur, h, a, actor.ID)
				return cases.Change{Case: next, Events: evs, KeepVersion: sameAssignee(cur.AssigneeID, next.AssigneeID)}, nil
			})
			if err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE handover_cases hc SET read_back = u.read_back, acknowledged_at = now(), acknowledged_by = $2
			FROM unnest($3::bigint[], $4::text[]) AS u(case_id, read_back)
			WHERE hc.handover_id = $1 AND hc.case_id = u.case_id AND hc.acknowledged_at IS NULL`,
			id, actor.ID, pq.Array(ids), pq.Array(reads))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE handovers SET acknowledged_at = now() WHERE id = $1
			AND NOT EXISTS (SELECT 1 FROM handover_cases WHERE handover_id = $1 AND acknowledged_at IS NULL)`, id)
		return err
	})
	if err != nil {
		return cases.Handover{}, err
	}
	return s.Handover(ctx, id)
}

func sameAssignee(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// Handover returns one handover with its cases.
func (s *Shifts) Handover(ctx context.Context, id int64) (cases.Handover, error) {
	hs, err := handoversTx(ctx, s.db, []int64{id})
	if err != nil {
		return cases.Handover{}, err
	}
	return hs[0], nil
}

const handoverColumns = `h.id, h.from_user_id, h.to_user_id, h.to_shift, h.note, h.created_at, h.ack_due_at, h.acknowledged_at`

type handoverRow struct {
	ID             int64         `db:"id"`
	FromUserID     int64         `db:"from_user_id"`
	ToUserID       sql.NullInt64 `db:"to_user_id"`
	ToShift        string        `db:"to_shift"`
	Note           string        `db:"note"`
	CreatedAt      time.Time     `db:"created_at"`
	AckDueAt       time.Time     `db:"ack_due_at"`
	AcknowledgedAt sql.NullTime  `db:"acknowledged_at"`
}

func (r handoverRow) handover() cases.Handover {
	var to *int64
	if r.ToUserID.Valid {
		to = &r.ToUserID.Int64
	}
	return cases.Handover{ID: r.ID, FromUserID: r.FromUserID, ToUserID: to, ToShift: r.ToShift, Note: r.Note,
		CreatedAt: r.CreatedAt, AckDueAt: r.AckDueAt, AcknowledgedAt: timePtr(r.AcknowledgedAt), Cases: []cases.HandoverCase{}}
}

type handoverCaseRow struct {
	HandoverID      int64         `db:"handover_id"`
	CaseID          int64         `db:"case_id"`
	Ref             string        `db:"ref"`
	ShopID          int64         `db:"shop_id"`
	Shop            string        `db:"shop"`
	Status          string        `db:"status"`
	Note            string        `db:"note"`
	NextAction      string        `db:"next_action"`
	NextActionDueAt sql.NullTime  `db:"next_action_due_at"`
	Contingency     string        `db:"contingency"`
	Promise         string        `db:"promise"`
	PromiseDueAt    sql.NullTime  `db:"promise_due_at"`
	CaseState       string        `db:"case_state"`
	CaseDueAt       sql.NullTime  `db:"case_due_at"`
	PlatformDueAt   sql.NullTime  `db:"case_platform_due_at"`
	ReadBack        string        `db:"read_back"`
	AcknowledgedAt  sql.NullTime  `db:"acknowledged_at"`
	AcknowledgedBy  sql.NullInt64 `db:"acknowledged_by"`
}

// handoversTx reads handovers by id, in the order of ids, with their cases.
func handoversTx(ctx context.Context, q sqlx.QueryerContext, ids []int64) ([]cases.Handover, error) {
	var rows []handoverRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+handoverColumns+` FROM handovers h WHERE h.id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, formatError(err, "handovers")
	}
	byID := make(map[int64]*cases.Handover, len(rows))
	for _, r := range rows {
		h := r.handover()
		byID[h.ID] = &h
	}
	var crs []handoverCaseRow
	if err := sqlx.SelectContext(ctx, q, &crs, handoverCasesSelect, pq.Array(ids)); err != nil {
		return nil, formatError(err, "handover cases")
	}
	for _, r := range crs {
		h := byID[r.HandoverID]
		hc := cases.HandoverCase{CaseID: r.CaseID, Ref: r.Ref, ShopID: r.ShopID, Shop: r.Shop, Status: cases.HandoverStatus(r.Status),
			Note: r.Note, NextAction: r.NextAction, NextActionDueAt: timePtr(r.NextActionDueAt), Contingency: r.Contingency,
			Promise: r.Promise, PromiseDueAt: timePtr(r.PromiseDueAt), CaseState: cases.State(r.CaseState),
			CaseDueAt: timePtr(r.CaseDueAt), PlatformDueAt: timePtr(r.PlatformDueAt), ReadBack: r.ReadBack,
			AcknowledgedAt: timePtr(r.AcknowledgedAt)}
		if r.AcknowledgedBy.Valid {
			hc.AcknowledgedBy = &r.AcknowledgedBy.Int64
		}
		h.Cases = append(h.Cases, hc)
	}
	out := make([]cases.Handover, 0, len(ids))
	for _, id := range ids {
		h, ok := byID[id]
		if !ok {
			return nil, cases.Errorf(cases.NotFound, "handover %d not found", id)
		}
		out = append(out, *h)
	}
	return out, nil
}

// DefaultHandoverLimit and MaxHandoverLimit bound a page of the history.
const (
	DefaultHandoverLimit = 50
	MaxHandoverLimit     = 200
)

// Handovers lists handovers newest first, keyset-paginated by id.
func (s *Shifts) Handovers(ctx context.Context, f cases.HandoverFilter) (cases.HandoverPage, error) {
	page := cases.HandoverPage{Items: []cases.Handover{}}
	limit := f.Limit
	switch {
	case limit == 0:
		limit = DefaultHandoverLimit
	case limit < 0 || limit > MaxHandoverLimit:
		return page, &cases.Error{Code: cases.Invalid, Field: "limit", Message: fmt.Sprintf("limit must be 1 to %d", MaxHandoverLimit)}
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Cursor != "" {
		after, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || after <= 0 {
			return page, &cases.Error{Code: cases.Malformed, Field: "cursor", Message: "cursor is not one this list gave out; start again without it"}
		}
		where = append(where, "h.id < "+arg(after))
	}
	if f.AgentID != nil {
		p := arg(*f.AgentID)
		where = append(where, "(h.from_user_id = "+p+" OR h.to_user_id = "+p+
			" OR (h.to_user_id IS NULL AND EXISTS (SELECT 1 FROM handover_cases hc WHERE hc.handover_id = h.id AND hc.acknowledged_by = "+p+")))")
	}
	if f.ToUser != nil {
		// Handed to the user, or to a team the user may take from.
		p := arg(*f.ToUser)
		where = append(where, "(h.to_user_id = "+p+" OR (h.to_user_id IS NULL AND h.from_user_id <> "+p+"))")
	}
	if f.Pending {
		where = append(where, "h.acknowledged_at IS NULL")
	}
	if f.ShopID != nil {
		where = append(where, "EXISTS (SELECT 1 FROM handover_cases hc WHERE hc.handover_id = h.id AND hc.shop_id = "+arg(*f.ShopID)+")")
	}
	if f.CaseID != nil {
		where = append(where, "EXISTS (SELECT 1 FROM handover_cases hc WHERE hc.handover_id = h.id AND hc.case_id = "+arg(*f.CaseID)+")")
	}
	if f.From != nil {
		where = append(where, "h.created_at >= "+arg(*f.From))
	}
	if f.To != nil {
		where = append(where, "h.created_at < "+arg(*f.To))
	}
	if q := SearchQuery(f.Q); q != "" {
		where = append(where, "h.search @@ to_tsquery('simple', "+arg(q)+")")
	}
	query := `SELECT h.id FROM handovers h`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY h.id DESC LIMIT " + arg(limit+1)
	var ids []int64
	if err := s.db.SelectContext(ctx, &ids, query, args...); err != nil {
		return page, formatError(err, "handovers")
	}
	if len(ids) > limit {
		ids = ids[:limit]
		page.NextCursor = strconv.FormatInt(ids[len(ids)-1], 10)
	}
	if len(ids) == 0 {
		return page, nil
	}
	items, err := handoversTx(ctx, s.db, ids)
	if err != nil {
		return page, err
	}
	page.Items = items
	return page, nil
}

// MaxViewCases bounds the handover view: an agent's open cases.
const MaxViewCases = 5000

// HandoverView reads what agentID holds for the handover view: the open
// cases with their latest handover notes, and the handovers still waiting
// to and from the agent. The protocol then classifies them
// (workflows.ClassifyView).
func (s *Shifts) HandoverView(ctx context.Context, agentID int64) (cases.HandoverView, error) {
	v := cases.HandoverView{AgentID: agentID, Open: []cases.HandoverItem{}, Incoming: []cases.Handover{}, Outgoing: []cases.Handover{}}
	rows, err := s.db.QueryxContext(ctx, handoverView, agentID, MaxViewCases)
	if err != nil {
		return v, formatError(err, "handover view")
	}
	defer rows.Close()
	for rows.Next() {
		var it cases.HandoverItem
		var due, pdue, promiseDue sql.NullTime
		var status string
		if err := rows.Scan(&it.CaseID, &it.Ref, &it.ShopID, &it.Shop, &it.Platform, &it.Kind, &it.Severity, &it.State,
			&it.Summary, &it.BuyerHandle, &due, &pdue, &it.UpdatedAt, &it.PendingApproval,
			&status, &it.LastNote, &it.LastNextAction, &it.LastContingency, &it.LastPromise, &promiseDue); err != nil {
			return v, formatError(err, "handover view")
		}
		it.DueAt, it.PlatformDueAt, it.LastPromiseDueAt = timePtr(due), timePtr(pdue), timePtr(promiseDue)
		it.LastStatus = cases.HandoverStatus(status)
		v.Open = append(v.Open, it)
	}
	if err := rows.Err(); err != nil {
		return v, formatError(err, "handover view")
	}
	var in, out []int64
	err = s.db.SelectContext(ctx, &in, `SELECT id FROM handovers WHERE to_user_id = $1 AND acknowledged_at IS NULL
		UNION SELECT id FROM handovers WHERE to_user_id IS NULL AND acknowledged_at IS NULL AND from_user_id <> $1
		ORDER BY id`, agentID)
	if err != nil {
		return v, formatError(err, "handovers")
	}
	err = s.db.SelectContext(ctx, &out, `SELECT id FROM handovers WHERE from_user_id = $1 AND acknowledged_at IS NULL ORDER BY id`, agentID)
	if err != nil {
		return v, formatError(err, "handovers")
	}
	if len(in) > 0 {
		if v.Incoming, err = handoversTx(ctx, s.db, in); err != nil {
			return v, err
		}
	}
	if len(out) > 0 {
		if v.Outgoing, err = handoversTx(ctx, s.db, out); err != nil {
			return v, err
		}
	}
	return v, nil
}

// ShopOf returns a shop for the view's shift windows.
func (s *Shifts) ShopOf(ctx context.Context, id int64) (cases.Shop, error) {
	return getShopTx(ctx, s.db, id)
}
