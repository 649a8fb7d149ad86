package main

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"redress/cases/testdb"
)

// TestTwoRoles: with REDRESS_MIGRATE_DATABASE_URL the schema's owner
// migrates and DATABASE_URL's role is granted rows only: it reads and
// writes, but cannot alter a table, turn a trigger off, or change the
// ledger even then.
func TestTwoRoles(t *testing.T) {
	owner, ownerURL := testdb.NewWithURL(t)
	role := "redress_app_" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "_"))
	owner.MustExec(`DROP ROLE IF EXISTS ` + role)
	owner.MustExec(`CREATE ROLE ` + role + ` LOGIN`)
	t.Cleanup(func() {
		owner.Exec(`DROP OWNED BY ` + role) //nolint:errcheck
		owner.Exec(`DROP ROLE ` + role)     //nolint:errcheck
	})
	u, err := url.Parse(ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	appURL := u.String()
	env := envOf(map[string]string{"DATABASE_URL": appURL, "REDRESS_MIGRATE_DATABASE_URL": ownerURL})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, env, strings.NewReader(""), &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	app, err := sqlx.Open("postgres", appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	var n int
	if err := app.Get(&n, `SELECT count(*) FROM cases`); err != nil {
		t.Fatalf("the application role cannot read: %v", err)
	}
	if _, err := app.Exec(`INSERT INTO login_failures (account, address) VALUES (decode(repeat('ab', 32), 'hex'), 'x')`); err != nil {
		t.Fatalf("the application role cannot write: %v", err)
	}
	for _, stmt := range []string{
		`ALTER TABLE case_events DISABLE TRIGGER case_events_append_only`,
		`ALTER TABLE cases ADD COLUMN x int`,
		`UPDATE case_events SET payload = '{}'`,
		`DELETE FROM evidence_chunks`,
		`TRUNCATE evidence`,
	} {
		if _, err := app.Exec(stmt); err == nil || !strings.Contains(err.Error(), "must be owner") && !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s as the application role: %v, want permission refused", stmt, err)
		}
	}
}
