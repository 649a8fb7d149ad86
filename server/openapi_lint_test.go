package server_test

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// lintProblem is a problem line of Redocly's stylish output ("52:7
// warning  rule-id  message"); its banners are not problems.
var lintProblem = regexp.MustCompile(`(?m)^\s*\d+:\d+\s+(error|warning)\s`)

// TestOpenAPILinters runs the outside validators, Redocly CLI (its
// recommended rules) and Spectral (spectral:oas), pinned in
// tools/openapi/package-lock.json, on the description the server serves.
// Either one's error or warning fails the test with its output; the
// exceptions, each with its reason, are in tools/openapi/redocly.yaml and
// tools/openapi/.spectral.yaml. The tools must be installed: without them
// the test fails and says how to install them (make test does it).
func TestOpenAPILinters(t *testing.T) {
	tools := filepath.Join(repoRoot(t), "tools", "openapi")
	bin := filepath.Join(tools, "node_modules", ".bin")
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("the OpenAPI linters need Node.js 20 or later and npm (%v); install them, then run: npm ci --prefix tools/openapi", err)
	}
	for _, name := range []string{"redocly", "spectral"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			t.Fatalf("the OpenAPI linter %s is not installed (%v); run: npm ci --prefix tools/openapi", name, err)
		}
	}

	e := newEnv(t)
	rec := e.do(http.MethodGet, "/api/openapi.yaml", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.yaml = %d", rec.Code)
	}
	doc := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(doc, rec.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	lint := func(name string, args ...string) ([]byte, error) {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = tools
		// No usage reports, no update checks: the suite talks to nobody.
		cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
		return cmd.CombinedOutput()
	}

	t.Run("Redocly", func(t *testing.T) {
		out, err := lint("redocly", "lint", "--config", "redocly.yaml", "--format", "stylish", doc)
		if err != nil || lintProblem.Match(out) {
			t.Errorf("redocly lint (%v):\n%s", err, out)
		} else if !bytes.Contains(out, []byte("Your API description is valid")) {
			t.Errorf("redocly lint did not say the description is valid:\n%s", out)
		}
	})
	t.Run("Spectral", func(t *testing.T) {
		out, err := lint("spectral", "lint", "--ruleset", ".spectral.yaml", "--fail-severity", "warn", doc)
		if err != nil {
			t.Errorf("spectral lint (%v):\n%s", err, out)
		} else if !bytes.Contains(out, []byte("No results with a severity of 'warn' or higher found")) {
			t.Errorf("spectral lint found problems:\n%s", out)
		}
	})
}
