package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"redress/ui"
)

// TestAPIDocsPage checks the reference page as a client sees it: public,
// under its own Content-Security-Policy (scripts from Redress only), with
// no inline script, naming the vendored Redoc bundle by its hashed URL; the
// bundle and its licences are served, and the bundle loads nothing from a
// CDN (vendor-redoc.sh patches its one remote image).
func TestAPIDocsPage(t *testing.T) {
	e := newEnv(t)
	rec := e.do(http.MethodGet, "/api/docs", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/docs = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "http") || strings.Contains(csp, "script-src 'self' 'unsafe") {
		t.Errorf("CSP %q lets scripts or resources come from elsewhere", csp)
	}
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", rec.Header())
	}
	// Like every route, it refuses a query PostgreSQL could not store, as
	// the description says (BadText).
	if rec := e.do(http.MethodGet, "/api/docs?q=%00", nil); rec.Code != http.StatusBadRequest {
		t.Errorf("GET /api/docs?q=%%00 = %d, want 400", rec.Code)
	}
	page := rec.Body.String()
	if !strings.Contains(page, `<redoc spec-url="/api/openapi.yaml">`) {
		t.Errorf("the page does not point Redoc at the description:\n%s", page)
	}
	if m := regexp.MustCompile(`<script>|<script [^>]*>[^<]|\son[a-z]+=|https?://`).FindString(page); m != "" {
		t.Errorf("the page holds %q: inline code or a remote resource", m)
	}
	src := regexp.MustCompile(`<script src="(/static/vendor-redoc\.standalone\.[0-9a-f]{10}\.js)"></script>`).FindStringSubmatch(page)
	if src == nil {
		t.Fatalf("the page names no hashed vendored bundle:\n%s", page)
	}
	bundle := e.do(http.MethodGet, src[1], nil)
	if bundle.Code != http.StatusOK || !strings.Contains(bundle.Header().Get("Content-Type"), "javascript") {
		t.Fatalf("GET %s = %d %s", src[1], bundle.Code, bundle.Header().Get("Content-Type"))
	}
	body, _ := io.ReadAll(bundle.Body)
	if !strings.Contains(string(body), `" ReDoc Version: ","2.5.2"`) {
		t.Errorf("the bundle is not Redoc 2.5.2, which README and vendor-redoc.sh name")
	}
	if strings.Contains(string(body), "cdn.redoc.ly") {
		t.Errorf("the bundle still loads from cdn.redoc.ly: run tools/openapi/vendor-redoc.sh")
	}
	// The licences travel with the bundle, served beside it.
	for _, name := range []string{"redoc.LICENSE.txt", "redoc.standalone.js.LICENSE.txt"} {
		b, err := fs.ReadFile(ui.Static(), "vendor/"+name)
		if err != nil {
			t.Fatalf("the vendored licence %s: %v", name, err)
		}
		sum := sha256.Sum256(b)
		url := "/static/vendor-" + strings.TrimSuffix(name, ".txt") + "." + hex.EncodeToString(sum[:])[:10] + ".txt"
		if rec := e.do(http.MethodGet, url, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "MIT") {
			t.Errorf("GET %s = %d", url, rec.Code)
		}
	}
}
