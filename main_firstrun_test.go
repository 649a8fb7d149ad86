package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"redress/cases/testdb"
)

// TestFirstRun: an empty installation says how to make the first admin,
// and REDRESS_ADMIN_EMAIL with REDRESS_ADMIN_PASSWORD makes one that can
// sign in — once, never again after anyone has an account.
func TestFirstRun(t *testing.T) {
	_, dsn := testdb.NewWithURL(t)
	serveOnce := func(vars map[string]string, signIn int) string {
		t.Helper()
		addr := freeAddr(t)
		vars["DATABASE_URL"], vars["REDRESS_ADDR"] = dsn, addr
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		var out bytes.Buffer
		go func() { errc <- run(ctx, []string{"serve"}, envOf(vars), strings.NewReader(""), &out, &bytes.Buffer{}) }()
		waitReady(t, addr, errc)
		if vars["REDRESS_ADMIN_EMAIL"] != "" {
			body := `{"email":"` + vars["REDRESS_ADMIN_EMAIL"] + `","password":"` + vars["REDRESS_ADMIN_PASSWORD"] + `"}`
			resp, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != signIn {
				t.Errorf("signing in as %s: %d, want %d", vars["REDRESS_ADMIN_EMAIL"], resp.StatusCode, signIn)
			}
		}
		cancel()
		if err := <-errc; err != nil {
			t.Fatalf("serve: %v", err)
		}
		return out.String()
	}
	if out := serveOnce(map[string]string{}, 0); !strings.Contains(out, "redress user add") || !strings.Contains(out, "REDRESS_ADMIN_EMAIL") {
		t.Fatalf("an empty installation does not say how to begin:\n%s", out)
	}
	admin := map[string]string{"REDRESS_ADMIN_EMAIL": "boss@example.com", "REDRESS_ADMIN_PASSWORD": "first admin's password"}
	if out := serveOnce(admin, http.StatusOK); !strings.Contains(out, "Created the first admin, boss@example.com") {
		t.Fatalf("no first admin:\n%s", out)
	}
	other := map[string]string{"REDRESS_ADMIN_EMAIL": "second@example.com", "REDRESS_ADMIN_PASSWORD": "another password!"}
	if out := serveOnce(other, http.StatusUnauthorized); strings.Contains(out, "Created") || strings.Contains(out, "Nobody has an account") {
		t.Fatalf("the bootstrap ran on an installation with users:\n%s", out)
	}
}
