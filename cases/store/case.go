package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// Create inserts a new case in state respond, due dueIn from now by the
// database's clock, with its "created" event.
func (s *Store) Create(ctx context.Context, c cases.Case, dueIn time.Duration) (cases.Case, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Case{}, err
	}
	if err := c.Validate(); err != nil {
		return cases.Case{}, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return cases.Case{}, formatError(err, "case")
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	c.State, c.DueAt, c.ClosedAt = cases.StateRespond, nil, nil
	if c.AssigneeID != nil {
		if err := checkAssigneeTx(ctx, tx, *c.AssigneeID); err != nil {
			return cases.Case{}, err
		}
	}
	args := caseArgs(c)
	args[dueAtArg] = dueIn.Microseconds()
	args = append(args, actor.ID)
	var id int64
	var now time.Time
	err = tx.QueryRowxContext(ctx, s.sql.insertCase, args...).Scan(&id, &now)
	if err != nil {
		return cases.Case{}, formatError(err, "case")
	}
	created, err := getCaseTx(ctx, tx, id)
	if err != nil {
		return cases.Case{}, err
	}
	l := cases.Ledger{CaseID: id}
	evs, err := l.Chain(&actor.ID, ledgerTime(now), []cases.NewEvent{{Kind: cases.EventCreated, Payload: cases.CreatedPayload(created)}})
	if err != nil {
		return cases.Case{}, err
	}
	if err := insertEventsTx(ctx, tx, evs); err != nil {
		return cases.Case{}, err
	}
	// The search document includes the ref, known only now.
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET ledger_seq = $2, ledger_head = $3,
		search = to_tsvector('simple', $4) WHERE id = $1`, id, l.Seq, l.Head, SearchDocument(created)); err != nil {
		return cases.Case{}, formatError(err, "case")
	}
	if err := tx.Commit(); err != nil {
		return cases.Case{}, formatError(err, "case")
	}
	return created, nil
}

// Get returns one case.
func (s *Store) Get(ctx context.Context, id int64) (cases.Case, error) {
	return getCaseTx(ctx, s.db, id)
}

func getCaseTx(ctx context.Context, q sqlx.QueryerContext, id int64) (cases.Case, error) {
	var r caseRow
	err := q.QueryRowxContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, id).Scan(r.dest()...)
	if err != nil {
		return cases.Case{}, caseError(err, id)
	}
	return r.toCase()
}

// lockCaseTx reads a case under its row lock, with its ledger position and
// the database's clock, in one round trip.
func lockCaseTx(ctx context.Context, tx *sqlx.Tx, id int64) (cases.Case, cases.Ledger, time.Time, error) {
	var r caseRow
	l := cases.Ledger{CaseID: id}
	var now time.Time
	err := tx.QueryRowxContext(ctx, `SELECT `+caseColumns+`, c.ledger_seq, c.ledger_head, now()
		FROM cases c WHERE c.id = $1 FOR UPDATE`, id).Scan(append(r.dest(), &l.Seq, &l.Head, &now)...)
	if err != nil {
		return cases.Case{}, l, now, caseError(err, id)
	}
	c, err := r.toCase()
	return c, l, now, err
}

func caseError(err error, id int64) error {
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Errorf(cases.NotFound, "case %d not found", id)
	}
	return formatError(err, "case")
}

func (s *Store) caseExists(ctx context.Context, id int64) error {
	var ok bool
	if err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM cases WHERE id = $1)`, id); err != nil {
		return formatError(err, "case")
	}
	if !ok {
		return cases.Errorf(cases.NotFound, "case %d not found", id)
	}
	return nil
}

// Change applies decide to a case in one transaction: lock the row, check
// the actor may act on it and that ifVersion (when given) is current, decide,
// write the case conditionally on its version and append the events.
func (s *Store) Change(ctx context.Context, id int64, ifVersion *int64, decide cases.Decide) (cases.Case, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Case{}, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return cases.Case{}, formatError(err, "case")
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	updated, err := s.changeTx(ctx, tx, id, &actor, ifVersion, decide)
	if err != nil {
		return cases.Case{}, err
	}
	if err := tx.Commit(); err != nil {
		return cases.Case{}, formatError(err, "case")
	}
	return updated, nil
}

// changeTx is Change inside a transaction the caller owns, so that other
// writes (evidence, reminders) commit or fail together with the case's
// events. A nil actor is the system (the scheduler): it may act on any case
// and its events have no actor.
func (s *Store) changeTx(ctx context.Context, tx *sqlx.Tx, id int64, actor *cases.Actor, ifVersion *int64, decide cases.Decide) (cases.Case, error) {
	cur, l, now, err := lockCaseTx(ctx, tx, id)
	if err != nil {
		return cases.Case{}, err
	}
	facts := cases.Facts{Now: now}
	var actorID *int64
	if actor != nil {
		if !actor.CanActOn(cur.AssigneeID) {
			return cases.Case{}, cases.Errorf(cases.Forbidden, "case %s is assigned to someone else; ask a supervisor to reassign it", cur.Ref)
		}
		facts.Actor, actorID = *actor, &actor.ID
	}
	if ifVersion != nil && *ifVersion != cur.Version {
		return cases.Case{}, staleError(cur)
	}
	if cur.State == cases.StateListen {
		if facts.HasAbuseEvidence, err = hasAbuseEvidenceTx(ctx, tx, id); err != nil {
			return cases.Case{}, err
		}
	}
	ch, err := decide(cur, facts)
	if err != nil {
		return cases.Case{}, err
	}
	next := ch.Case
	next.ID, next.Ref, next.CreatedAt = cur.ID, cur.Ref, cur.CreatedAt
	if err := next.Validate(); err != nil {
		return cases.Case{}, err
	}
	if next.AssigneeID != nil && (cur.AssigneeID == nil || *cur.AssigneeID != *next.AssigneeID) {
		if err := checkAssigneeTx(ctx, tx, *next.AssigneeID); err != nil {
			return cases.Case{}, err
		}
	}
	evs, err := l.Chain(actorID, ledgerTime(now), ch.Events)
	if err != nil {
		return cases.Case{}, err
	}
	bump := int64(1)
	if ch.KeepVersion {
		bump = 0
	}
	args := append(caseArgs(next), id, cur.Version, bump, l.Seq, l.Head)
	var r caseRow
	err = tx.QueryRowxContext(ctx, s.sql.updateCase, args...).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Case{}, staleError(cur)
	}
	if err != nil {
		return cases.Case{}, formatError(err, "case")
	}
	if err := insertEventsTx(ctx, tx, evs); err != nil {
		return cases.Case{}, err
	}
	return r.toCase()
}

func staleError(cur cases.Case) *cases.Error {
	return &cases.Error{
		Code:    cases.Conflict,
		Message: fmt.Sprintf("case %s was changed by someone else (now version %d); reload it and try again", cur.Ref, cur.Version),
		Field:   "If-Match",
		Extra:   map[string]any{"current_version": cur.Version},
	}
}

// checkAssigneeTx refuses assigning a case to a user who does not exist or
// is deactivated.
func checkAssigneeTx(ctx context.Context, tx *sqlx.Tx, userID int64) error {
	var active bool
	err := tx.GetContext(ctx, &active, `SELECT active FROM users WHERE id = $1`, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.FieldError("assignee_id", "user %d does not exist", userID)
	}
	if err != nil {
		return formatError(err, "assignee")
	}
	if !active {
		return cases.FieldError("assignee_id", "user %d is deactivated", userID)
	}
	return nil
}

// hasAbuseEvidenceTx reports whether the case holds a chat excerpt or a
// delivery signature that has not been voided.
func hasAbuseEvidenceTx(ctx context.Context, tx *sqlx.Tx, caseID int64) (bool, error) {
	var exists bool
	err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM evidence e WHERE e.case_id = $1
		AND e.kind IN ('chat_excerpt', 'delivery_signature')
		AND NOT EXISTS (SELECT 1 FROM evidence_voids v WHERE v.evidence_id = e.id))`, caseID)
	return exists, formatError(err, "evidence")
}

// dueAtArg is the position of due_at among caseArgs.
const dueAtArg = 17

// statements are the case statements built once from the column list.
type statements struct {
	insertCase string
	updateCase string
}

func buildStatements() statements {
	cols := caseWriteColumns()
	n := len(cols)
	ins := make([]string, n)
	set := make([]string, n)
	for i, col := range cols {
		p := fmt.Sprintf("$%d", i+1)
		switch col {
		case "search":
			p = fmt.Sprintf("to_tsvector('simple', $%d)", i+1)
		}
		ins[i], set[i] = p, col+" = "+p
		if col == "due_at" {
			// On creation the argument is the time allowed, in microseconds,
			// and the clock is the database's.
			ins[i] = fmt.Sprintf("now() + $%d::bigint * interval '1 microsecond'", i+1)
		}
	}
	insert := fmt.Sprintf(`INSERT INTO cases (%s, created_by) VALUES (%s, $%d) RETURNING id, created_at`,
		strings.Join(cols, ", "), strings.Join(ins, ", "), n+1)
	// The update returns the case as written: no second read.
	update := fmt.Sprintf(`UPDATE cases AS c SET %s, version = version + $%d, ledger_seq = $%d, ledger_head = $%d, updated_at = now()
		WHERE id = $%d AND version = $%d RETURNING `+caseColumns, strings.Join(set, ", "), n+3, n+4, n+5, n+1, n+2)
	return statements{insertCase: insert, updateCase: update}
}
