package pgembed

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"
)

// requireBinaries fails the test, with how to fix it, when this machine has
// no PostgreSQL server binaries.
func requireBinaries(t *testing.T) {
	t.Helper()
	if _, err := FindBinaries(nil); err != nil {
		t.Fatalf("these tests need the PostgreSQL server binaries: install PostgreSQL 15+ (apt-get install postgresql / brew install postgresql@15): %v", err)
	}
}

// newFolder returns a fresh folder the postgres user can search, removed
// when the test ends. t.TempDir's parents are mode 0700, which the postgres
// user cannot cross when the tests run as root.
func newFolder(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgembed-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testLogger logs to the test's output and to buf.
func testLogger(t *testing.T, buf *bytes.Buffer) *slog.Logger {
	var w io.Writer = t.Output()
	if buf != nil {
		w = io.MultiWriter(w, buf)
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// start starts a server on dataDir and stops it when the test ends, before
// the folder is removed.
func start(t *testing.T, dataDir string) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	s, err := Start(ctx, Options{DataDir: dataDir, Logger: testLogger(t, nil)})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(context.Background()); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return s
}

// queryOne runs q on the database at url and returns the one value.
func queryOne(t *testing.T, url, q string) string {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(t.Context(), q).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// postmasterPID reads the server's process ID from dataDir's postmaster.pid.
func postmasterPID(t *testing.T, dataDir string) int {
	t.Helper()
	pf, ok, err := readPidFile(dataDir)
	if err != nil || !ok {
		t.Fatalf("postmaster.pid: ok=%v err=%v", ok, err)
	}
	return pf.pid
}

// childPIDs lists the processes whose parent is pid.
func childPIDs(t *testing.T, pid int) []int {
	t.Helper()
	var kids []int
	if entries, err := os.ReadDir("/proc"); err == nil {
		for _, e := range entries {
			n, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
			if err != nil {
				continue
			}
			// Fields after the parenthesised command: state, ppid, ...
			f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
			if len(f) > 1 && f[1] == strconv.Itoa(pid) {
				kids = append(kids, n)
			}
		}
		return kids
	}
	out, _ := exec.Command("pgrep", "-P", strconv.Itoa(pid)).Output()
	for _, f := range strings.Fields(string(out)) {
		if n, err := strconv.Atoi(f); err == nil {
			kids = append(kids, n)
		}
	}
	return kids
}

// waitGone waits until none of pids is alive.
func waitGone(t *testing.T, pids ...int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, pid := range pids {
		for processAlive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d still alive", pid)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func TestStartsAndServes(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dataDir := filepath.Join(newFolder(t), "data", "postgres")
	var logs bytes.Buffer
	began := time.Now()
	s, err := Start(t.Context(), Options{DataDir: dataDir, Logger: testLogger(t, &logs)})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { s.Stop(context.Background()) })
	t.Logf("first start (initdb) took %v", time.Since(began).Round(time.Millisecond))
	if !s.Owned() || !s.initialized {
		t.Errorf("Owned() = %v, initialized = %v; want both true", s.Owned(), s.initialized)
	}
	if !strings.HasPrefix(s.URL(), "postgres://redress_app:") || !strings.HasSuffix(s.URL(), "/redress?sslmode=disable") {
		t.Errorf("URL() has an unexpected shape")
	}
	// Two roles: the application's, and the schema owner's for migrations.
	if got := queryOne(t, s.URL(), "SELECT current_user"); got != AppRole {
		t.Errorf("URL() logs in as %q, want %s", got, AppRole)
	}
	if got := queryOne(t, s.OwnerURL(), "SELECT current_user"); got != OwnerRole {
		t.Errorf("OwnerURL() logs in as %q, want %s", got, OwnerRole)
	}
	if got := queryOne(t, s.URL(), "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'redress'"); got != OwnerRole {
		t.Errorf("the database belongs to %q, want %s", got, OwnerRole)
	}
	if got := queryOne(t, s.URL(), "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user"); got != "false" {
		t.Errorf("the application role has powers it must not: %q", got)
	}
	if got := queryOne(t, s.URL(), "SELECT 1"); got != "1" {
		t.Errorf("SELECT 1 = %q", got)
	}
	if got := queryOne(t, s.URL(), "SELECT current_database()"); got != "redress" {
		t.Errorf("current_database() = %q", got)
	}
	ctype := queryOne(t, s.URL(), "SHOW lc_ctype")
	if l := strings.ToLower(ctype); !strings.Contains(l, "utf8") && !strings.Contains(l, "utf-8") {
		t.Errorf("lc_ctype = %q, want a UTF-8 locale", ctype)
	}
	t.Logf("lc_ctype = %s", ctype)

	pw, err := readPassword(filepath.Join(filepath.Dir(dataDir), "postgres.password"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pw) != 64 {
		t.Errorf("password has %d characters, want 64 hex", len(pw))
	}
	if fi, err := os.Stat(filepath.Join(filepath.Dir(dataDir), "postgres.password")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("password file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	if strings.Contains(logs.String(), pw) {
		t.Errorf("the log holds the password")
	}

	pid := postmasterPID(t, dataDir)
	if err := s.Stop(t.Context()); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if err := s.Stop(t.Context()); err != nil {
		t.Errorf("second stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("postmaster.pid remains after Stop: %v", err)
	}
	if processAlive(pid) {
		t.Errorf("postmaster %d still alive after Stop", pid)
	}
}

func TestReusesCluster(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dataDir := filepath.Join(newFolder(t), "postgres")
	a := start(t, dataDir)
	before, err := os.Stat(filepath.Join(dataDir, "PG_VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Stop(t.Context()); err != nil {
		t.Fatalf("stop: %v", err)
	}

	began := time.Now()
	b := start(t, dataDir)
	took := time.Since(began)
	t.Logf("second start (reuse) took %v", took.Round(time.Millisecond))
	if b.initialized {
		t.Errorf("second start ran initdb")
	}
	after, err := os.Stat(filepath.Join(dataDir, "PG_VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("PG_VERSION rewritten: %v, then %v", before.ModTime(), after.ModTime())
	}
	if got := queryOne(t, b.URL(), "SELECT 1"); got != "1" {
		t.Errorf("SELECT 1 = %q", got)
	}
}

func TestAttachesToRunningCluster(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dataDir := filepath.Join(newFolder(t), "postgres")
	a := start(t, dataDir)
	b := start(t, dataDir)
	if !a.Owned() {
		t.Errorf("A.Owned() = false")
	}
	if b.Owned() {
		t.Errorf("B.Owned() = true for a server A runs")
	}
	if got := queryOne(t, b.URL(), "SELECT 1"); got != "1" {
		t.Errorf("B: SELECT 1 = %q", got)
	}
	if err := b.Stop(t.Context()); err != nil {
		t.Errorf("B.Stop: %v", err)
	}
	if got := queryOne(t, a.URL(), "SELECT 1"); got != "1" {
		t.Errorf("A after B.Stop: SELECT 1 = %q", got)
	}
	pid := postmasterPID(t, dataDir)
	if err := a.Stop(t.Context()); err != nil {
		t.Fatalf("A.Stop: %v", err)
	}
	if processAlive(pid) {
		t.Errorf("postmaster %d still alive after A.Stop", pid)
	}
}

func TestHandlesStalePid(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dataDir := filepath.Join(newFolder(t), "postgres")
	a := start(t, dataDir)
	pid := postmasterPID(t, dataDir)
	kids := childPIDs(t, pid)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d: %v", pid, err)
	}
	// The server's children exit once they see the postmaster gone; a new
	// server cannot start while they hold the old shared memory.
	waitGone(t, append([]int{pid}, kids...)...)
	if _, err := os.Stat(filepath.Join(dataDir, "postmaster.pid")); err != nil {
		t.Fatalf("want a stale postmaster.pid after kill -9: %v", err)
	}

	b := start(t, dataDir)
	if !b.Owned() {
		t.Errorf("Owned() = false after a stale pid file")
	}
	if got := queryOne(t, b.URL(), "SELECT 1"); got != "1" {
		t.Errorf("SELECT 1 = %q", got)
	}
	if err := a.Stop(t.Context()); err != nil { // A's server is gone: a no-op
		t.Errorf("A.Stop: %v", err)
	}
	if got := queryOne(t, b.URL(), "SELECT 1"); got != "1" {
		t.Errorf("after A.Stop: SELECT 1 = %q", got)
	}
}

func TestNoBinaries(t *testing.T) {
	t.Parallel()
	dir := newFolder(t)
	empty := filepath.Join(dir, "bin")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(dir, "data", "postgres")
	_, err := Start(t.Context(), Options{DataDir: dataDir, BinDirs: []string{empty}})
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	msg := err.Error()
	for _, want := range []string{"install PostgreSQL", "docker compose up", "DATABASE_URL", empty} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans lines: %q", msg)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Start made %s/data without binaries", dir)
	}
	t.Log(msg)
}

func TestUnwritableDataDir(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dir := newFolder(t)
	file := filepath.Join(dir, "afile")
	if err := os.WriteFile(file, []byte("not a folder\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(file, "postgres")
	_, err := Start(t.Context(), Options{DataDir: dataDir})
	if err == nil {
		t.Fatal("Start succeeded under a regular file")
	}
	msg := err.Error()
	if !strings.Contains(msg, dataDir) || strings.Contains(msg, "\n") {
		t.Errorf("error %q should name %s on one line", msg, dataDir)
	}
	if fe := (*FolderError)(nil); !errors.As(err, &fe) || fe.Dir != dataDir {
		t.Errorf("error %q is not a FolderError about %s, which lets the caller name its setting", msg, dataDir)
	}
	t.Log(msg)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("Start left files behind: %v", entries)
	}
	if b, _ := os.ReadFile(file); string(b) != "not a folder\n" {
		t.Errorf("Start changed %s", file)
	}
}

// TestUnreachableDataDir starts in a folder under one of mode 0000: root
// runs PostgreSQL as the postgres user, who cannot enter it (and a user
// other than root cannot either). The error is a FolderError for the
// user PostgreSQL runs as, and names the folder to open up.
func TestUnreachableDataDir(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	locked := filepath.Join(newFolder(t), "locked")
	if err := os.Mkdir(locked, 0o000); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	dataDir := filepath.Join(locked, "data", "postgres")
	_, err := Start(t.Context(), Options{DataDir: dataDir})
	fe := (*FolderError)(nil)
	if !errors.As(err, &fe) || fe.Dir != dataDir {
		t.Fatalf("error %v is not a FolderError about %s", err, dataDir)
	}
	if os.Geteuid() == 0 && (fe.User != "postgres" || !strings.Contains(err.Error(), locked+" is mode 0000")) {
		t.Fatalf("started by root: error %q (user %q) should say the postgres user cannot enter %s", err, fe.User, locked)
	}
	t.Log(err)
}

func TestFailedInitdbLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := newFolder(t)
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		script := "#!/bin/sh\nexit 0\n"
		if name == "initdb" {
			script = "#!/bin/sh\n[ \"$1\" = --help ] && exit 0\necho 'initdb: error: simulated failure' >&2\nexit 1\n"
		}
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dataDir := filepath.Join(dir, "data", "postgres")
	_, err := Start(t.Context(), Options{DataDir: dataDir, BinDirs: []string{bin}})
	if err == nil || !strings.Contains(err.Error(), "simulated failure") {
		t.Fatalf("err = %v, want initdb's failure", err)
	}
	t.Log(err)
	if _, err := os.Stat(filepath.Join(dir, "data")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed first start left %s/data behind", dir)
	}
}

func TestGlobByVersion(t *testing.T) {
	t.Parallel()
	dir := newFolder(t)
	for _, name := range []string{"postgresql", "postgresql@9.6", "postgresql@15", "postgresql@16", "postgresql@14"} {
		if err := os.MkdirAll(filepath.Join(dir, name, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, d := range globByVersion(filepath.Join(dir, "postgresql*", "bin")) {
		got = append(got, filepath.Base(filepath.Dir(d)))
	}
	want := "postgresql@16 postgresql@15 postgresql@14 postgresql@9.6 postgresql"
	if strings.Join(got, " ") != want {
		t.Errorf("order = %v, want %s", got, want)
	}
}
