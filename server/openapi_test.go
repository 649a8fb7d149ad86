package server_test

import (
	"context"
	"net/http"
	"redress/server/api"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

var echoParam = regexp.MustCompile(`:([a-z_]+)`)

// TestOpenAPIDescribesEveryRoute fails when a registered route is missing
// from the document, when the document lists a route that does not exist,
// or when the document is not valid OpenAPI 3.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document does not validate: %v", err)
	}
	e := newEnv(t)
	pages := map[string]bool{} // web pages are not part of the API
	for _, r := range e.srv.RouteAccess() {
		pages[r.Method+" "+r.Path] = r.Page
	}
	registered := map[string]bool{}
	for _, r := range e.srv.Echo().Routes() {
		if !strings.HasPrefix(r.Path, "/") || r.Method == "echo_route_not_found" || pages[r.Method+" "+r.Path] {
			continue
		}
		path := echoParam.ReplaceAllString(r.Path, "{$1}")
		key := r.Method + " " + path
		registered[key] = true
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("route %s is not in openapi.yaml", key)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !registered[method+" "+path] {
				t.Errorf("openapi.yaml lists %s %s, which is not a route", method, path)
			}
		}
	}
	rec := e.do(http.MethodGet, "/api/openapi.yaml", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "openapi: 3") {
		t.Fatalf("GET /api/openapi.yaml = %d", rec.Code)
	}
}
