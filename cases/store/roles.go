package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// appendOnly are the tables of the ledger and the evidence locker: the
// application role may add rows to them, never change or remove one.
var appendOnly = []string{"case_events", "evidence", "evidence_blobs", "evidence_chunks", "evidence_voids", "webhook_attempts"}

// GrantApp gives the application role what the service needs on the
// schema's tables, as the owner that just migrated them (owner): reading
// and writing rows, but only adding to the append-only tables. The role
// owns nothing, so it can neither alter a table nor turn its triggers off.
// It runs after every migration, so tables added later are covered.
func GrantApp(ctx context.Context, owner *sqlx.DB, role string) error {
	r := pq.QuoteIdentifier(role)
	stmts := []string{
		"GRANT USAGE ON SCHEMA public TO " + r,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + r,
		"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + r,
	}
	for _, t := range appendOnly {
		stmts = append(stmts, "REVOKE UPDATE, DELETE, TRUNCATE ON "+pq.QuoteIdentifier(t)+" FROM "+r)
	}
	return inTx(ctx, owner, nil, "grants", func(tx *sqlx.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	})
}

// RoleOf is the role a connection URL logs in as.
func RoleOf(dsn string) (string, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return "", err
	}
	return cfg.User, nil
}
