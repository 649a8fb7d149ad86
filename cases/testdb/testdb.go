// Package testdb gives every test a fresh, migrated PostgreSQL database in
// milliseconds by cloning a template database migrated once per schema.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"redress/migrations"
)

const howToFix = `start PostgreSQL 15+ on 127.0.0.1:5432 with trust auth for user postgres ` +
	`(Debian: apt-get install postgresql && pg_ctlcluster 15 main start), ` +
	`or point TEST_DATABASE_URL at a server where the user may CREATE DATABASE`

// AdminURL is the server the tests use: TEST_DATABASE_URL, else
// DATABASE_URL, else the local server on 127.0.0.1:5432.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var template struct {
	once sync.Once
	name string
	err  error
}

// New returns a connection to a fresh migrated database that is dropped when
// the test ends. A missing server fails the test with how to get one.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	db, _ := NewWithURL(t)
	return db
}

// NewWithURL is New that also returns the database's URL, for tests that
// start a server process of their own against it.
func NewWithURL(t testing.TB) (*sqlx.DB, string) {
	t.Helper()
	ctx := context.Background()
	admin, err := sqlx.Open("postgres", AdminURL())
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		t.Fatalf("testdb: no PostgreSQL reachable at %s: %v\nfix: %s", redact(AdminURL()), err, howToFix)
	}
	defer admin.Close()

	template.once.Do(func() { template.name, template.err = ensureTemplate(ctx, admin) })
	if template.err != nil {
		t.Fatalf("testdb: prepare template database: %v", template.err)
	}
	return create(t, admin, fmt.Sprintf(`TEMPLATE %q`, template.name))
}

// NewEmpty returns a fresh UTF-8 database with no schema at all, for tests
// of the migrations themselves.
func NewEmpty(t testing.TB) (*sqlx.DB, string) {
	t.Helper()
	admin, err := sqlx.Open("postgres", AdminURL())
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		t.Fatalf("testdb: no PostgreSQL reachable at %s: %v\nfix: %s", redact(AdminURL()), err, howToFix)
	}
	defer admin.Close()
	return create(t, admin, `TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`)
}

func create(t testing.TB, admin *sqlx.DB, clause string) (*sqlx.DB, string) {
	t.Helper()
	name := "redress_test_" + randomHex(6)
	if _, err := admin.Exec(fmt.Sprintf(`CREATE DATABASE %q %s`, name, clause)); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	dsn := withDatabase(AdminURL(), name)
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatalf("testdb: open %s: %v", name, err)
	}
	t.Cleanup(func() {
		db.Close()
		a, err := sqlx.Open("postgres", AdminURL())
		if err != nil {
			return
		}
		defer a.Close()
		if _, err := a.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, name)); err != nil {
			t.Logf("testdb: drop %s: %v", name, err)
		}
	})
	return db, dsn
}

// ensureTemplate creates and migrates the template for the current schema
// once across all test processes (go test runs packages in parallel).
func ensureTemplate(ctx context.Context, admin *sqlx.DB) (string, error) {
	sum, err := schemaHash()
	if err != nil {
		return "", err
	}
	name := "redress_tpl_" + sum
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(72657374)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(72657374)`) //nolint:errcheck

	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, building)); err != nil {
		return "", err
	}
	// A UTF-8 ctype is what makes pg_trgm produce trigrams for Chinese text.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(
		`CREATE DATABASE %q TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`, building)); err != nil {
		return "", err
	}
	tdb, err := sql.Open("postgres", withDatabase(AdminURL(), building))
	if err != nil {
		return "", err
	}
	_, err = migrations.Up(ctx, tdb)
	tdb.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %q RENAME TO %q`, building, name)); err != nil {
		return "", err
	}
	// Templates of older schemas are no longer useful.
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'redress_tpl_%' AND datname <> $1`, name)
	if err != nil {
		return "", err
	}
	var old []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			old = append(old, n)
		}
	}
	rows.Close()
	for _, n := range old {
		conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, n)) //nolint:errcheck
	}
	return name, nil
}

// schemaHash identifies the migrations' content, so a changed migration gets
// a new template.
func schemaHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS(), path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "the configured server"
	}
	return u.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}
