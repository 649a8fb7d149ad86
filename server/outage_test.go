package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
	"redress/server"
)

// outageEnv is a server whose pool has the service's limits, small enough
// for a test: 400 ms per statement, 1.5 s per request.
func outageEnv(t *testing.T) (*env, string) {
	t.Helper()
	_, dsn := testdb.NewWithURL(t)
	vars := map[string]string{"DATABASE_URL": "postgres://unused@localhost/x",
		"REDRESS_DB_STATEMENT_TIMEOUT": "400ms", "REDRESS_REQUEST_TIMEOUT": "1500ms"}
	cfg := testConfig(t, vars)
	db, err := store.Open(context.Background(), dsn, cfg.DBLimits())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	logs := &syncBuffer{}
	srv, err := server.New(cfg, db, slog.New(slog.NewJSONHandler(logs, nil)), server.WithAccessPolicy(testAccessPolicy()))
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, srv: srv, logs: logs, people: store.NewPeople(db, testAccessPolicy())}, dsn
}

func wantUnavailable(t *testing.T, rec interface {
	Result() *http.Response
}, body string) {
	t.Helper()
	res := rec.Result()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503: %s", res.StatusCode, body)
	}
	if after, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || after < 1 {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
}

// TestDatabaseDownIs503: with PostgreSQL refusing connections, requests
// get 503 problem+json with Retry-After, and the log holds no "internal
// error" (an outage is not a bug).
func TestDatabaseDownIs503(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	down, err := sqlx.Open("postgres", "postgres://postgres@127.0.0.1:1/redress?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { down.Close() })
	logs := &syncBuffer{}
	srv, err := server.New(testConfig(t, map[string]string{"DATABASE_URL": "postgres://unused@localhost/x"}), down,
		slog.New(slog.NewJSONHandler(logs, nil)), server.WithAccessPolicy(testAccessPolicy()))
	if err != nil {
		t.Fatal(err)
	}
	de := &env{t: t, db: down, srv: srv, logs: logs}
	for _, path := range []string{"/api/v1/me", "/api/v1/cases", "/readyz"} {
		rec := de.do(http.MethodGet, path, nil, "Authorization", "Bearer "+agent.token)
		wantUnavailable(t, rec, rec.Body.String())
		var p map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p["type"] != "urn:redress:problem:unavailable" {
			t.Fatalf("%s: %s", path, rec.Body)
		}
	}
	if strings.Contains(logs.String(), "internal error") {
		t.Fatalf("an outage was logged as an internal error: %s", logs.String())
	}
}

// TestSlowDatabaseIs503InTime: a statement stuck behind a lock ends at the
// statement timeout as a 503, and nothing waits forever.
func TestSlowDatabaseIs503InTime(t *testing.T) {
	e, dsn := outageEnv(t)
	agent := e.caller(cases.RoleAgent)
	cs, etag := createCase(t, agent)
	blocker, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Close()
	tx, err := blocker.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.Exec(`SELECT 1 FROM cases WHERE id = $1 FOR UPDATE`, cs.ID); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rec := agent.call(http.MethodPatch, "/api/v1/cases/"+strconv.FormatInt(cs.ID, 10), `{"summary":"x"}`,
		"Content-Type", "application/json", "If-Match", etag)
	wantUnavailable(t, rec, rec.Body.String())
	t.Logf("a write behind a held row lock answered 503 in %v (statement timeout 400 ms)", time.Since(start).Round(time.Millisecond))
	if _, err := tx.Exec(`LOCK TABLE goose_db_version IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	rec = e.do(http.MethodGet, "/readyz", nil)
	wantUnavailable(t, rec, rec.Body.String())
	took := time.Since(start)
	t.Logf("/readyz behind a lock answered 503 in %v", took.Round(time.Millisecond))
	if took > 5*time.Second {
		t.Fatalf("/readyz took %v; its limit is 2 s", took)
	}
}

// TestFrozenDatabaseIs503: a PostgreSQL backend that stops answering at all
// (SIGSTOP: it cannot even take a cancel) does not hang the request or
// /readyz for good.
func TestFrozenDatabaseIs503(t *testing.T) {
	e, _ := outageEnv(t)
	agent := e.caller(cases.RoleAgent)
	e.db.SetMaxOpenConns(1)
	var pid int
	if err := e.db.Get(&pid, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("kill", "-STOP", strconv.Itoa(pid)).CombinedOutput(); err != nil {
		t.Fatalf("freeze backend %d: %v %s (the test needs to signal PostgreSQL's processes, as root does)", pid, err, out)
	}
	t.Cleanup(func() { exec.Command("kill", "-CONT", strconv.Itoa(pid)).Run() }) //nolint:errcheck
	start := time.Now()
	rec := e.do(http.MethodGet, "/readyz", nil)
	wantUnavailable(t, rec, rec.Body.String())
	took := time.Since(start)
	t.Logf("/readyz under a frozen backend answered 503 in %v", took.Round(time.Millisecond))
	if took > 5*time.Second {
		t.Fatalf("/readyz took %v under a frozen database; its limit is 2 s", took)
	}
	start = time.Now()
	rec = agent.call(http.MethodGet, "/api/v1/cases", nil)
	wantUnavailable(t, rec, rec.Body.String())
	took = time.Since(start)
	t.Logf("GET /api/v1/cases under a frozen backend answered 503 in %v", took.Round(time.Millisecond))
	if took > 10*time.Second {
		t.Fatalf("a request took %v under a frozen database", took)
	}
}
