package pgembed

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"github.com/lib/pq"
)

// The roles Redress connects as: the schema's owner runs migrations; the
// application role reads and writes rows but cannot alter a table or turn
// its triggers off, so not even a bug or a leaked connection string lets it
// rewrite the append-only ledger.
const (
	OwnerRole = "redress_owner"
	AppRole   = "redress_app"
)

// ensureRoles creates the two roles (with the cluster's password) unless
// they exist, gives the owner the database and its public schema, and hands
// it the tables an earlier version created as the superuser. It runs as
// the superuser, on database db through superDSN.
func ensureRoles(ctx context.Context, superDSN, db, password string) error {
	conn, err := sql.Open("postgres", superDSN)
	if err != nil {
		return fmt.Errorf("pgembed: open: %w", err)
	}
	defer conn.Close()
	for _, role := range []string{OwnerRole, AppRole} {
		var exists bool
		if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
			return fmt.Errorf("pgembed: look up role %s: %w", role, err)
		}
		verb := "ALTER"
		if !exists {
			verb = "CREATE"
		}
		// The password is the cluster's own, read from its file; it is a
		// literal because utility statements take no parameters.
		if _, err := conn.ExecContext(ctx, verb+" ROLE "+pq.QuoteIdentifier(role)+" LOGIN PASSWORD "+pq.QuoteLiteral(password)); err != nil {
			return fmt.Errorf("pgembed: %s role %s: %w", verb, role, err)
		}
	}
	owner := pq.QuoteIdentifier(OwnerRole)
	for _, stmt := range []string{
		"ALTER DATABASE " + pq.QuoteIdentifier(db) + " OWNER TO " + owner,
		"ALTER SCHEMA public OWNER TO " + owner,
		// Objects an earlier version created as the superuser (extension
		// members stay the extension's).
		`DO $$ DECLARE r record; BEGIN
		  FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
		      AND c.relowner <> '` + OwnerRole + `'::regrole
		      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') LOOP
		    EXECUTE format('ALTER TABLE %s OWNER TO ` + OwnerRole + `', r.name);
		  END LOOP;
		  FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		    WHERE n.nspname = 'public' AND p.proowner <> '` + OwnerRole + `'::regrole
		      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
		    EXECUTE format('ALTER ROUTINE %s OWNER TO ` + OwnerRole + `', r.name);
		  END LOOP;
		END $$`,
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("pgembed: give %s its schema: %w", OwnerRole, err)
		}
	}
	return nil
}

// withRole is a copy of a connection URL that logs in as role.
func withRole(dsn, role, password string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.User = url.UserPassword(role, password)
	return u.String()
}
