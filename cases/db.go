package cases

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
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
	var domain *Error
	if errors.As(err, &domain) {
		return err
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "23505":
			return &Error{Code: Conflict, Message: what + " already exists", Field: constraintField(pqErr), Err: err}
		case "23503":
			return &Error{Code: Invalid, Message: what + " refers to something that does not exist", Field: constraintField(pqErr), Err: err}
		case "23514", "23502", "22001", "22P02", "22003", "22007", "22008":
			return &Error{Code: Invalid, Message: what + " is not valid: " + pqErr.Message, Field: constraintField(pqErr), Err: err}
		case "40001", "40P01":
			return &Error{Code: Conflict, Message: what + " was changed concurrently; try again", Err: err}
		case "57014":
			return &Error{Code: Unavailable, Message: "the database took too long", Err: err}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: Unavailable, Message: "request cancelled", Err: err}
	}
	return Internalf(err, "%s failed", what)
}

// constraintField names the column behind a constraint when the schema's
// naming convention (<table>_<column>_<suffix>) reveals it.
func constraintField(e *pq.Error) string {
	if e.Column != "" {
		return e.Column
	}
	return ""
}
