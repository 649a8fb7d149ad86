package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// Limits bound how long the service waits on PostgreSQL. The zero value is
// no limit, for migrations and the command line, whose index builds may
// rightly run for minutes.
type Limits struct {
	// Statement is PostgreSQL's statement_timeout for every statement of
	// the pool; a lock wait or a runaway query ends there.
	Statement time.Duration
	// IdleInTransaction ends a session that holds a transaction open and
	// does nothing (idle_in_transaction_session_timeout).
	IdleInTransaction time.Duration
	// Read bounds each wait for the server's answer on the wire. A server
	// that is frozen (not slow: statement_timeout covers slow) never
	// answers a cancel either; this is what unblocks the request then.
	Read time.Duration
	// AsyncCommit turns synchronous_commit off for the pool: a commit
	// returns before its WAL reaches the disk. Only for loading data that
	// a crash may lose whole (the demo's thousands of small transactions
	// take half the time); never for the service.
	AsyncCommit bool
}

// Open connects to PostgreSQL at dsn and checks that it answers. The pool is
// sized for a small machine: the database, not Go, is the bottleneck.
func Open(ctx context.Context, dsn string, lim Limits) (*sqlx.DB, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if cfg.Runtime == nil {
		cfg.Runtime = map[string]string{}
	}
	if lim.Statement > 0 {
		cfg.Runtime["statement_timeout"] = strconv.FormatInt(lim.Statement.Milliseconds(), 10)
		cfg.Runtime["lock_timeout"] = strconv.FormatInt(lim.Statement.Milliseconds(), 10)
	}
	if lim.AsyncCommit {
		cfg.Runtime["synchronous_commit"] = "off"
	}
	if lim.IdleInTransaction > 0 {
		cfg.Runtime["idle_in_transaction_session_timeout"] = strconv.FormatInt(lim.IdleInTransaction.Milliseconds(), 10)
	}
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if lim.Read > 0 {
		conn.Dialer(deadlineDialer{read: lim.Read})
	}
	db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
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

// deadlineDialer dials as pq would and gives every read on the connection
// a deadline, so that no answer within read breaks the connection (which
// the pool then drops) instead of hanging its goroutine for good.
type deadlineDialer struct{ read time.Duration }

func (d deadlineDialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

func (d deadlineDialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, address)
}

func (d deadlineDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return &deadlineConn{Conn: c, read: d.read}, nil
}

type deadlineConn struct {
	net.Conn
	read time.Duration
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.read)); err != nil {
		return 0, err
	}
	return c.Conn.Read(b)
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
		case "57014", "55P03": // statement or lock timeout
			return unavailable("the database took too long; try again", err)
		}
		if strings.HasPrefix(string(pqErr.Code), "08") || strings.HasPrefix(string(pqErr.Code), "57P") || pqErr.Code == "53300" {
			// Connection failures, admin shutdown, "the database system is
			// starting up" (57P03), too many connections.
			return unavailable("the database is not available; try again shortly", err)
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return unavailable("the request took too long and was stopped", err)
	}
	var netErr net.Error
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &netErr) {
		return unavailable("the database is not available; try again shortly", err)
	}
	return cases.Internalf(err, "%s failed", what)
}

// retryAfter is how long a client is asked to wait when the database is
// away: long enough for a restart or a failover, short enough for a person.
const retryAfter = 5

// unavailable is the 503 of a database that is down, starting, frozen or
// too slow: not a bug, so it is not logged as one, and the client is told
// when to try again.
func unavailable(msg string, err error) *cases.Error {
	return &cases.Error{Code: cases.Unavailable, Message: msg, Err: err, Extra: map[string]any{"retry_after": retryAfter}}
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
// transaction, but for an EvidenceDraft's, whose transaction outlives the call.
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
