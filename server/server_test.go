package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
	"redress/server"
	"redress/server/config"
)

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is one test's server on its own fresh database.
type env struct {
	t      *testing.T
	db     *sqlx.DB
	srv    *server.Server
	logs   *syncBuffer
	people *store.People // the same store the server uses, for arranging users
}

// testAccessPolicy is the production sign-in policy with password hashing
// cheap enough for tests.
func testAccessPolicy() cases.AccessPolicy {
	p := cases.DefaultAccessPolicy()
	p.Password = cases.InsecureTestPasswordParams()
	return p
}

func testConfig(tb testing.TB, vars map[string]string) config.Config {
	tb.Helper()
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		tb.Fatalf("config: %v", err)
	}
	return cfg
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with extra environment variables for the config.
func newEnvWith(t *testing.T, vars map[string]string) *env {
	t.Helper()
	db, srv, logs := newServer(t, vars)
	return &env{t: t, db: db, srv: srv, logs: logs, people: store.NewPeople(db, testAccessPolicy())}
}

// newServer builds a server on a fresh database, for tests and benchmarks.
func newServer(tb testing.TB, vars map[string]string) (*sqlx.DB, *server.Server, *syncBuffer) {
	tb.Helper()
	logs := &syncBuffer{}
	db, srv := newServerLoggingTo(tb, vars, logs)
	return db, srv, logs
}

// newServerLoggingTo is newServer with the JSON log written to w.
func newServerLoggingTo(tb testing.TB, vars map[string]string, w io.Writer) (*sqlx.DB, *server.Server) {
	tb.Helper()
	db := testdb.New(tb)
	log := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := map[string]string{"DATABASE_URL": "postgres://unused@localhost/x"}
	for k, v := range vars {
		env[k] = v
	}
	srv, err := server.New(testConfig(tb, env), db, log, server.WithAccessPolicy(testAccessPolicy()))
	if err != nil {
		tb.Fatal(err)
	}
	return db, srv
}

// do sends a request through the real router and returns the recorder.
func (e *env) do(method, path string, body io.Reader, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.doFrom("192.0.2.1", method, path, body, headers...)
}

// doFrom is do from the client address ip.
func (e *env) doFrom(ip, method, path string, body io.Reader, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = net.JoinHostPort(ip, "40000")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// problemOf decodes a problem+json response, failing the test otherwise.
func problemOf(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, rec.Body)
	}
	var p map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, rec.Body)
	}
	if p["type"] == nil || p["title"] == nil || int(p["status"].(float64)) != rec.Code {
		t.Fatalf("problem lacks type/title/status matching %d: %v", rec.Code, p)
	}
	return p
}

func TestHealth(t *testing.T) {
	e := newEnv(t)
	t.Run("HealthzAnswers", func(t *testing.T) {
		if rec := e.do(http.MethodGet, "/healthz", nil); rec.Code != http.StatusOK {
			t.Fatalf("healthz = %d", rec.Code)
		}
	})
	t.Run("ReadyWithCurrentSchema", func(t *testing.T) {
		if rec := e.do(http.MethodGet, "/readyz", nil); rec.Code != http.StatusOK {
			t.Fatalf("readyz = %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("RequestIDInResponse", func(t *testing.T) {
		rec := e.do(http.MethodGet, "/healthz", nil)
		if rec.Header().Get("X-Request-Id") == "" {
			t.Fatal("no X-Request-Id header")
		}
	})
	t.Run("NotReadyWithDatabaseGone", func(t *testing.T) {
		// Terminate every connection and forbid new ones: the database is
		// as good as stopped for this server.
		name := ""
		if err := e.db.Get(&name, `SELECT current_database()`); err != nil {
			t.Fatal(err)
		}
		admin := testdb.New(t)
		if _, err := admin.Exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS false`); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
			t.Fatal(err)
		}
		rec := e.do(http.MethodGet, "/readyz", nil)
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("readyz = %d, want 503", rec.Code)
		}
		problemOf(t, rec)
		if rec := e.do(http.MethodGet, "/healthz", nil); rec.Code != http.StatusOK {
			t.Fatalf("healthz = %d with the database gone; want 200 (process up)", rec.Code)
		}
		if _, err := admin.Exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS true`); err != nil {
			t.Fatal(err)
		}
	})
}

func TestNotReadyWithPendingMigrations(t *testing.T) {
	e := newEnv(t)
	if _, err := e.db.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	rec := e.do(http.MethodGet, "/readyz", nil)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("readyz = %d with a migration pending, want 503", rec.Code)
	}
	if p := problemOf(t, rec); !strings.Contains(p["detail"].(string), "migrations pending") {
		t.Fatalf("detail %q does not say why", p["detail"])
	}
}

func TestUnknownRouteIsProblem(t *testing.T) {
	e := newEnv(t)
	rec := e.do(http.MethodGet, "/api/v1/nothing-here", nil)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status %d", rec.Code)
	}
	p := problemOf(t, rec)
	if p["type"] != "urn:redress:problem:not_found" {
		t.Fatalf("type %v", p["type"])
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	e.do(http.MethodGet, "/healthz", nil)
	e.do(http.MethodGet, "/api/v1/nothing-here", nil)
	rec := e.doFrom("127.0.0.1", http.MethodGet, "/metrics", nil)
	body := rec.Body.String()
	for _, want := range []string{
		`redress_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`redress_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200"`,
		`go_sql_max_open_connections{db_name="redress"}`,
		`status="404"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "nothing-here") {
		t.Error("metrics label a raw unmatched path: one series per URL would explode cardinality")
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t)
	big := bytes.Repeat([]byte("a"), 2<<20)
	rec := e.do(http.MethodPost, "/api/v1/nothing-here", bytes.NewReader(big))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", rec.Code)
	}
	problemOf(t, rec)
}
