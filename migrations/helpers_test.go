package migrations_test

import (
	"database/sql"
	"testing"

	_ "github.com/lib/pq"
)

func openPlain(dsn string) (*sql.DB, error) { return sql.Open("postgres", dsn) }

func mustOpen(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
