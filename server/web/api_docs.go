package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiDocsPolicy is the Content-Security-Policy of the API reference page.
// It differs from the workspace's in three ways, each for Redoc: styles
// may be inline (its styled-components write <style> elements and style
// attributes; scripts stay 'self' only), images may be data: URLs (the
// page's empty icon, and the vendored bundle's patched logo), and workers
// may come from blob: URLs (its search index runs in a worker built from
// the bundle). TestBrowserAPIDocs fails on anything the policy blocks.
const apiDocsPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; worker-src blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// renderAPIDocs renders the API reference page once: it names only the
// hashed URL of the vendored Redoc bundle, which is fixed for the process.
func renderAPIDocs(templates fs.FS, as *assets) ([]byte, error) {
	t, err := template.New("api_docs.html").Funcs(template.FuncMap{"asset": as.url}).ParseFS(templates, "api_docs.html")
	if err != nil {
		return nil, fmt.Errorf("page api_docs: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, nil); err != nil {
		return nil, fmt.Errorf("page api_docs: %w", err)
	}
	return buf.Bytes(), nil
}

// APIDocs handles GET /api/docs, the API reference page. It is public like
// the description it renders (GET /api/openapi.yaml): an integrator reads
// it before having an account, and it shows nothing of the instance's data.
func (w *UI) APIDocs(c echo.Context) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentSecurityPolicy, apiDocsPolicy)
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	h.Set(echo.HeaderXFrameOptions, "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set(echo.HeaderCacheControl, "no-cache")
	return c.HTMLBlob(http.StatusOK, w.apiDocs)
}
