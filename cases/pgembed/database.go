package pgembed

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// ensureDatabase connects to the "postgres" database through adminDSN and
// creates database name unless it exists. It retries the connection for a
// while, since a server may still be starting.
func ensureDatabase(ctx context.Context, adminDSN, name string, logger *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	db, err := sql.Open("postgres", adminDSN)
	if err != nil {
		return fmt.Errorf("pgembed: open: %w", err)
	}
	defer db.Close()
	for {
		err = db.PingContext(ctx)
		if err == nil {
			break
		}
		// A server that answers with an error other than "starting up"
		// (a wrong password, say) will not change its mind.
		if pqErr := pq.As(err); pqErr != nil && pqErr.Code != pqerror.CannotConnectNow {
			return fmt.Errorf("pgembed: connect: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgembed: connect: %w", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("pgembed: look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	logger.Info("creating database", "database", name)
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil && pq.As(err, pqerror.DuplicateDatabase) == nil {
		return fmt.Errorf("pgembed: create database %s: %w", name, err)
	}
	return nil
}
