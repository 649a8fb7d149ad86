package server_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"redress/cases"
)

var pathParam = regexp.MustCompile(`:[a-z_]+`)

// TestRoleMatrix walks every route the router serves, derived from the
// router rather than listed here so that routes added later are covered,
// and calls it as every kind of caller. Anonymous callers get 401 on
// anything above public; signed-in callers get 403 below their role's
// reach; callers the route admits get past authorization (neither 401 nor
// 403: the handler may still say 404 or 422 about the dummy request).
//
// /metrics is public to the roles but answers only allowed networks
// (TestHeadersAndMetricsAccess); the test client's network is allowed here.
func TestRoleMatrix(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_METRICS_ALLOW": "192.0.2.0/24"})
	access := map[string]string{}
	pages := map[string]bool{}
	for _, r := range e.srv.RouteAccess() {
		access[r.Method+" "+r.Path] = r.Access
		pages[r.Method+" "+r.Path] = r.Page
	}
	users := map[cases.Role]cases.User{}
	for _, role := range cases.Roles() {
		users[role] = e.addUser(role)
	}
	allowed := func(level string, role cases.Role) bool {
		switch level {
		case "public", "signed-in":
			return true
		case "supervisor":
			return role == cases.RoleSupervisor || role == cases.RoleAdmin
		case "admin":
			return role == cases.RoleAdmin
		}
		t.Fatalf("unknown access level %q", level)
		return false
	}

	routes := 0
	for _, r := range e.srv.Echo().Routes() {
		if !strings.HasPrefix(r.Path, "/") || r.Method == "echo_route_not_found" {
			continue
		}
		level, ok := access[r.Method+" "+r.Path]
		if !ok {
			t.Errorf("%s %s is served but not in the routes table", r.Method, r.Path)
			continue
		}
		routes++
		path := pathParam.ReplaceAllString(r.Path, "999999")
		var body func() *strings.Reader
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodDelete {
			body = func() *strings.Reader { return strings.NewReader(`{}`) }
		}
		page := pages[r.Method+" "+r.Path]
		send := func(headers ...string) int {
			var rec *httptest.ResponseRecorder
			if body == nil {
				rec = e.do(r.Method, path, nil, headers...)
			} else {
				rec = e.do(r.Method, path, body(), headers...)
			}
			// A web page sends a visitor to sign in where the API says 401.
			if page && len(headers) == 0 && rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/login") {
				return http.StatusUnauthorized
			}
			return rec.Code
		}
		name := r.Method + " " + r.Path
		t.Run(name+" anonymous", func(t *testing.T) {
			got := send()
			if level == "public" && (got == http.StatusUnauthorized || got == http.StatusForbidden) {
				t.Errorf("%s (public) as anonymous = %d", name, got)
			}
			if level != "public" && got != http.StatusUnauthorized {
				t.Errorf("%s (%s) as anonymous = %d, want 401", name, level, got)
			}
		})
		for _, role := range cases.Roles() {
			t.Run(name+" "+string(role), func(t *testing.T) {
				// A fresh session per request: the route may be logout.
				b := e.login(users[role].Email, testPassword)
				got := send(b.headers()...)
				switch {
				case allowed(level, role) && (got == http.StatusUnauthorized || got == http.StatusForbidden):
					t.Errorf("%s (%s) as %s = %d, want it past authorization", name, level, role, got)
				case !allowed(level, role) && got != http.StatusForbidden:
					t.Errorf("%s (%s) as %s = %d, want 403", name, level, role, got)
				}
			})
		}
	}
	if routes < len(access) {
		t.Errorf("the router serves %d routes, the table lists %d", routes, len(access))
	}
}
