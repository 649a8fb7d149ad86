// Package testdb gives every test a fresh, migrated PostgreSQL database in
// milliseconds by cloning a template database migrated once per schema.
//
// The template is named after a hash of the migrations, so checkouts with
// the same migrations share it and checkouts with different ones each have
// their own on the same server. A run drops only what no run can be using:
// templates of another hash and per-test databases unused for a day, with
// no connection open.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq" // also the PostgreSQL driver
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

	template.once.Do(func() { template.name, template.err = ensureTemplate(ctx, admin, ours, time.Now()) })
	if template.err != nil {
		t.Fatalf("testdb: prepare template database: %v", template.err)
	}
	return create(t, admin, `TEMPLATE `+pq.QuoteIdentifier(template.name))
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
	name := ours.testName(time.Now())
	if _, err := admin.Exec(fmt.Sprintf(`CREATE DATABASE %s %s`, pq.QuoteIdentifier(name), clause)); err != nil {
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
		// FORCE is right here and nowhere else: the database is this
		// test's own, and a connection it leaked must not keep it alive.
		if _, err := a.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, pq.QuoteIdentifier(name))); err != nil {
			t.Logf("testdb: drop %s: %v", name, err)
		}
	})
	return db, dsn
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
