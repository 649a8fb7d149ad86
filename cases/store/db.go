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

// Open connects to PostgreSQL at dsn and checks that it answers. The pool is
// sized for a small machine: the database, not Go, is the bottleneck.
func Open(ctx context.Context, dsn string) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// formatError maps PostgreSQL errors to domain errors, once for every store
// method: unique violations are conflicts, foreign-key and check violations
// are invalid input. Anything else is internal.
func formatError(err error, what string) error {
	if err == nil {
		return nil
	}
	var domain *cases.Error
	if errors.As(err, &domain) {
		return err
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "23505":
			return &cases.Error{Code: cases.Conflict, Message: what + " already exists", Field: constraintField(pqErr), Err: err}
		case "23503":
			return &cases.Error{Code: cases.Invalid, Message: what + " refers to something that does not exist", Field: constraintField(pqErr), Err: err}
		case "23514", "23502", "22001", "22P02", "22003", "22007", "22008":
			return &cases.Error{Code: cases.Invalid, Message: what + " is not valid: " + pqErr.Message, Field: constraintField(pqErr), Err: err}
		case "40001", "40P01":
			return &cases.Error{Code: cases.Conflict, Message: what + " was changed concurrently; try again", Err: err}
		case "57014":
			return &cases.Error{Code: cases.Unavailable, Message: "the database took too long", Err: err}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &cases.Error{Code: cases.Unavailable, Message: "request cancelled", Err: err}
	}
	return cases.Internalf(err, "%s failed", what)
}

// constraintField is the column PostgreSQL names with a violation. It names
// one for NOT NULL violations only; unique, foreign-key and check violations
// name their constraint instead, and the field stays empty unless the caller
// knows which input the constraint is about (as emailConflict does).
func constraintField(e *pq.Error) string { return e.Column }

// inTx runs fn in one transaction on db (opts nil: read committed,
// read-write) and commits it when fn succeeds. Every error, fn's included,
// is mapped once by formatError with what naming the thing written; domain
// errors pass through unchanged. It is the only place that begins a
// transaction, but for BeginEvidence, whose transaction outlives the call.
func inTx(ctx context.Context, db *sqlx.DB, opts *sql.TxOptions, what string, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, opts)
	if err != nil {
		return formatError(err, what)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return formatError(err, what)
	}
	return formatError(tx.Commit(), what)
}
