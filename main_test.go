package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"redress/cases/testdb"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// waitReady polls /readyz until it answers 200 or the deadline passes.
func waitReady(t *testing.T, addr string, errc <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-errc:
			t.Fatalf("serve stopped before it was ready: %v", err)
		default:
		}
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("serve was not ready within 30 s")
}

func TestServeWithDatabaseURLStartsNoPrivateCluster(t *testing.T) {
	_, dsn := testdb.NewWithURL(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	var out, errOut bytes.Buffer
	go func() {
		errc <- run(ctx, []string{"serve"}, envOf(map[string]string{"DATABASE_URL": dsn, "REDRESS_ADDR": addr, "REDRESS_DATA_DIR": dataDir}),
			strings.NewReader(""), &out, &errOut)
	}()
	waitReady(t, addr, errc)
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Fatalf("a data folder was made although DATABASE_URL is set: %v", err)
	}
	if !strings.Contains(errOut.String(), `"msg":"shutting down`) {
		t.Fatalf("no graceful shutdown logged:\n%s", errOut.String())
	}
}

func TestServeRefusesBadInputWithOneLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(t.TempDir(), "locked")
	if err := os.Mkdir(locked, 0o000); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"InvalidDatabaseURL", map[string]string{"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"},
		{"UnreachableDatabase", map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/x?sslmode=disable&connect_timeout=2", "REDRESS_ADDR": freeAddr(t)}, "DATABASE_URL"},
		{"PortInUse", map[string]string{"REDRESS_ADDR": busy.Addr().String()}, "REDRESS_ADDR"},
		{"DataFolderNotWritable", map[string]string{"REDRESS_DATA_DIR": filepath.Join(file, "data"), "REDRESS_ADDR": freeAddr(t)}, "a-file"},
		// Started as root, Redress runs PostgreSQL as the postgres user,
		// who cannot enter a folder of mode 0000 (nor can anyone else but
		// root): the error says what to set.
		{"DataFolderUnreachable", map[string]string{"REDRESS_DATA_DIR": filepath.Join(locked, "data"), "REDRESS_ADDR": freeAddr(t)}, "REDRESS_DATA_DIR (now " + filepath.Join(locked, "data") + ")"},
		{"UnknownCommand", nil, "unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"serve"}
			if c.name == "UnknownCommand" {
				args = []string{"serv"}
			}
			var out, errOut bytes.Buffer
			err := run(context.Background(), args, envOf(c.env), strings.NewReader(""), &out, &errOut)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %q", err, c.want)
			}
			if c.name != "UnknownCommand" && strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			if strings.HasPrefix(c.name, "DataFolder") && !strings.Contains(err.Error(), "set REDRESS_DATA_DIR") {
				t.Fatalf("error %q does not say to set REDRESS_DATA_DIR", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(file, "data")); err == nil {
		t.Fatal("something was made under the unwritable data folder")
	}
}

func TestDemoAndVerify(t *testing.T) {
	db, dsn := testdb.NewWithURL(t)
	env := envOf(map[string]string{"DATABASE_URL": dsn})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"demo"}, env, strings.NewReader(""), &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("demo: %v", err)
	}
	if !strings.Contains(out.String(), "wang@redress.demo") || !strings.Contains(out.String(), "redress-demo-agent") {
		t.Fatalf("demo output lacks the accounts:\n%s", out.String())
	}
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM cases`); err != nil || n != demoCases {
		t.Fatalf("demo cases: %d %v", n, err)
	}
	var states, closed, overdue, zh, en int
	db.Get(&states, `SELECT count(DISTINCT state) FROM cases`)
	db.Get(&closed, `SELECT count(*) FROM cases WHERE state = 'closed'`)
	db.Get(&overdue, `SELECT count(*) FROM cases WHERE state <> 'closed' AND due_at < now()`)
	db.Get(&zh, `SELECT count(*) FROM cases WHERE summary ~ '[\u4e00-\u9fff]'`)
	db.Get(&en, `SELECT count(*) FROM cases WHERE platform IN ('amazon', 'shopify')`)
	if states != 6 || closed == 0 || overdue == 0 || zh == 0 || en == 0 {
		t.Fatalf("demo spread: %d states, %d closed, %d overdue, %d Chinese, %d English", states, closed, overdue, zh, en)
	}
	out.Reset()
	if err := run(context.Background(), []string{"demo"}, env, strings.NewReader(""), &out, &bytes.Buffer{}); err != nil || !strings.Contains(out.String(), "loaded already") {
		t.Fatalf("second demo: %v\n%s", err, out.String())
	}
	db.Get(&n, `SELECT count(*) FROM cases`)
	if n != demoCases {
		t.Fatalf("second demo changed the data: %d cases", n)
	}

	out.Reset()
	if err := run(context.Background(), []string{"verify"}, env, strings.NewReader(""), &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "300 intact, 0 broken") {
		t.Fatalf("verify output: %s", out.String())
	}
	tx := db.MustBegin()
	tx.MustExec(`ALTER TABLE case_events DISABLE TRIGGER case_events_append_only`)
	tx.MustExec(`UPDATE case_events SET payload = '{"forged":true}' WHERE case_id = 7 AND seq = 1`)
	tx.MustExec(`ALTER TABLE case_events ENABLE TRIGGER case_events_append_only`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := run(context.Background(), []string{"verify"}, env, strings.NewReader(""), &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(out.String(), "case 7: chain broken at event 1") {
		t.Fatalf("verify after tampering: %v\n%s", err, out.String())
	}
}
