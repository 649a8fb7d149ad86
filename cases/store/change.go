package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// LockCaseTx reads a case under its row lock, with its ledger position and
// the database's clock, in one round trip. The lock holds until tx ends:
// a caller may then append to the ledger (AppendEventsTx) knowing that
// nobody else does.
func LockCaseTx(ctx context.Context, tx *sqlx.Tx, id int64) (cases.Case, cases.Ledger, time.Time, error) {
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

// ChangeTx is Change inside a transaction the caller owns (see InTx), so
// that other writes (evidence, a handover's other cases) commit or fail
// together with the case's events. A nil actor is the system (the
// scheduler): it may act on any case and its events have no actor.
//
// It returns the case as changed and the events this change appended, in
// order. A decision with no events that keeps the version changes nothing:
// no write at all, not even updated_at.
func (s *Store) ChangeTx(ctx context.Context, tx *sqlx.Tx, id int64, actor *cases.Actor, ifVersion *int64, decide cases.Decide) (cases.Case, []cases.Event, error) {
	return s.changeTx(ctx, tx, id, actor, false, ifVersion, decide)
}

// changeTx is ChangeTx; granted skips the check that the actor may act on
// the case, for a change another rule allowed (the incoming agent of a
// handover takes a case assigned to the outgoing one).
func (s *Store) changeTx(ctx context.Context, tx *sqlx.Tx, id int64, actor *cases.Actor, granted bool, ifVersion *int64, decide cases.Decide) (cases.Case, []cases.Event, error) {
	cur, l, dbNow, err := LockCaseTx(ctx, tx, id)
	if err != nil {
		return cases.Case{}, nil, err
	}
	now := ledgerTime(s.RecordTime(dbNow))
	facts := cases.Facts{Now: now}
	var actorID *int64
	if actor != nil {
		if !granted && !actor.CanActOn(cur.AssigneeID) {
			return cases.Case{}, nil, cases.Errorf(cases.Forbidden, "case %s is assigned to someone else; ask a supervisor to reassign it", cur.Ref)
		}
		facts.Actor, actorID = *actor, &actor.ID
	}
	if ifVersion != nil && *ifVersion != cur.Version {
		return cases.Case{}, nil, staleError(cur, *ifVersion)
	}
	if facts.Shop, err = getShopTx(ctx, tx, cur.ShopID); err != nil {
		return cases.Case{}, nil, err
	}
	if cur.State == cases.StateListen {
		if facts.HasAbuseEvidence, err = s.hasAbuseEvidenceTx(ctx, tx, id); err != nil {
			return cases.Case{}, nil, err
		}
	}
	ch, err := decide(cur, facts)
	if err != nil {
		return cases.Case{}, nil, err
	}
	if ch.KeepVersion && len(ch.Events) == 0 {
		return cur, nil, nil
	}
	next := ch.Case
	next.ID, next.Ref, next.CreatedAt = cur.ID, cur.Ref, cur.CreatedAt
	if err := next.Validate(); err != nil {
		return cases.Case{}, nil, err
	}
	if next.AssigneeID != nil && (cur.AssigneeID == nil || *cur.AssigneeID != *next.AssigneeID) {
		if err := checkAssigneeTx(ctx, tx, *next.AssigneeID); err != nil {
			return cases.Case{}, nil, err
		}
	}
	evs, err := l.Chain(actorID, now, ch.Events)
	if err != nil {
		return cases.Case{}, nil, err
	}
	bump := int64(1)
	if ch.KeepVersion {
		bump = 0
	}
	args := append(caseArgs(next), id, cur.Version, bump, l.Seq, l.Head, now)
	var r caseRow
	err = tx.QueryRowxContext(ctx, s.sql.updateCase, args...).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Case{}, nil, staleError(cur, cur.Version)
	}
	if err != nil {
		return cases.Case{}, nil, formatError(err, "case")
	}
	if err := insertEventsTx(ctx, tx, evs); err != nil {
		return cases.Case{}, nil, err
	}
	changed, err := r.toCase()
	return changed, evs, err
}

// staleError refuses a write based on version sent: a version the case
// has passed was changed by someone else meanwhile; one it never reached
// is a client's mistake, and is told so.
func staleError(cur cases.Case, sent int64) *cases.Error {
	msg := fmt.Sprintf("case %s was changed by someone else (now version %d); reload it and try again", cur.Ref, cur.Version)
	if sent > cur.Version {
		msg = fmt.Sprintf("case %s has no version %d: it is at version %d; send the ETag you read", cur.Ref, sent, cur.Version)
	}
	return &cases.Error{
		Code:    cases.Conflict,
		Message: msg,
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

// hasAbuseEvidenceTx reports whether the case holds an item that backs a
// suspicion of abuse. The rule is cases.Evidence.BacksAbuse, asked of each
// item the database returns, so that store and pages never disagree: a chat
// excerpt counts only when its parse holds a buyer's line, and the parse
// lives in Go.
func (s *Store) hasAbuseEvidenceTx(ctx context.Context, tx *sqlx.Tx, caseID int64) (bool, error) {
	var rows []evidenceRow
	if err := sqlx.SelectContext(ctx, tx, &rows, evidenceSelect+` WHERE e.case_id = $1 AND e.kind = ANY($2) AND v.evidence_id IS NULL ORDER BY e.id`,
		caseID, pq.Array(cases.AbuseEvidenceKinds())); err != nil {
		return false, formatError(err, "evidence")
	}
	for _, r := range rows {
		ev, err := r.toEvidence(s.loc)
		if err != nil {
			return false, err
		}
		if ev.BacksAbuse() {
			return true, nil
		}
	}
	return false, nil
}
