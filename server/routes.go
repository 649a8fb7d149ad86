package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// access says who may call a route. Case-level rules (an agent acts on cases
// assigned to them or unassigned) are enforced by the store on top of this.
type access int

const (
	public     access = iota // anyone, no credentials
	signedIn                 // any active user, by session cookie or bearer token
	supervisor               // supervisors and admins
	admin                    // admins only
)

func (a access) String() string {
	return [...]string{"public", "signed-in", "supervisor", "admin"}[a]
}

// route is one line of the routes table.
type route struct {
	method string
	path   string
	access access
	handle echo.HandlerFunc
}

// routes is the whole HTTP surface of Redress, in one table.
func (s *Server) routes() []route {
	return []route{
		{http.MethodGet, "/healthz", public, s.healthz},
		{http.MethodGet, "/readyz", public, s.readyz},
		{http.MethodGet, "/metrics", public, s.metrics.handler()},
		{http.MethodGet, "/api/openapi.yaml", public, s.openAPI},

		// People and access.
		{http.MethodPost, "/api/v1/auth/login", public, s.login},
		{http.MethodPost, "/api/v1/auth/logout", signedIn, s.logout},
		{http.MethodGet, "/api/v1/me", signedIn, s.me},
		{http.MethodPatch, "/api/v1/me", signedIn, s.updateMe},
		{http.MethodPost, "/api/v1/me/password", signedIn, s.changeMyPassword},
		{http.MethodGet, "/api/v1/tokens", signedIn, s.listTokens},
		{http.MethodPost, "/api/v1/tokens", signedIn, s.createToken},
		{http.MethodDelete, "/api/v1/tokens/:id", signedIn, s.revokeToken},
		{http.MethodGet, "/api/v1/people", signedIn, s.listPeople},
		{http.MethodGet, "/api/v1/users", admin, s.listUsers},
		{http.MethodPost, "/api/v1/users", admin, s.createUser},
		{http.MethodGet, "/api/v1/users/:id", admin, s.getUser},
		{http.MethodPatch, "/api/v1/users/:id", admin, s.updateUser},
		{http.MethodPost, "/api/v1/users/:id/deactivate", admin, s.deactivateUser},
		{http.MethodPost, "/api/v1/users/:id/reactivate", admin, s.reactivateUser},

		// Cases and the handling protocol.
		{http.MethodPost, "/api/v1/cases", signedIn, s.createCase},
		{http.MethodGet, "/api/v1/cases", signedIn, s.listCases},
		{http.MethodPost, "/api/v1/cases/import", signedIn, s.importCases},
		{http.MethodGet, "/api/v1/cases/:id", signedIn, s.getCase},
		{http.MethodPatch, "/api/v1/cases/:id", signedIn, s.patchCase},
		{http.MethodPost, "/api/v1/cases/:id/transitions", signedIn, s.transitionCase},
		{http.MethodPost, "/api/v1/cases/:id/assignment", signedIn, s.assignCase},
		{http.MethodPost, "/api/v1/cases/:id/comments", signedIn, s.commentCase},
		{http.MethodPost, "/api/v1/cases/:id/remedy", signedIn, s.proposeRemedy},
		{http.MethodPost, "/api/v1/cases/:id/approvals", supervisor, s.approveRemedy},
		{http.MethodGet, "/api/v1/cases/:id/events", signedIn, s.caseEvents},
		{http.MethodGet, "/api/v1/cases/:id/events/verify", signedIn, s.verifyCase},

		// Reminders: my notification inbox; webhooks (admins).
		{http.MethodGet, "/api/v1/notifications", signedIn, s.listNotifications},
		{http.MethodGet, "/api/v1/notifications/unread-count", signedIn, s.unreadNotifications},
		{http.MethodPost, "/api/v1/notifications/read-all", signedIn, s.readAllNotifications},
		{http.MethodPost, "/api/v1/notifications/:id/read", signedIn, s.readNotification},
		{http.MethodGet, "/api/v1/webhooks", admin, s.listWebhooks},
		{http.MethodPost, "/api/v1/webhooks", admin, s.createWebhook},
		{http.MethodGet, "/api/v1/webhooks/:id", admin, s.getWebhook},
		{http.MethodPatch, "/api/v1/webhooks/:id", admin, s.patchWebhook},
		{http.MethodDelete, "/api/v1/webhooks/:id", admin, s.deleteWebhook},
		{http.MethodGet, "/api/v1/webhooks/:id/deliveries", admin, s.webhookDeliveries},

		// Evidence: immutable, hashed, voided only by a supervisor.
		{http.MethodPost, "/api/v1/cases/:id/evidence", signedIn, s.addEvidence},
		{http.MethodGet, "/api/v1/cases/:id/evidence", signedIn, s.listEvidence},
		{http.MethodGet, "/api/v1/cases/:id/evidence.zip", signedIn, s.evidencePack},
		{http.MethodPost, "/api/v1/evidence/parse", signedIn, s.parseChat},
		{http.MethodGet, "/api/v1/evidence/:id", signedIn, s.getEvidence},
		{http.MethodGet, "/api/v1/evidence/:id/content", signedIn, s.evidenceContent},
		{http.MethodPost, "/api/v1/evidence/:id/void", supervisor, s.voidEvidence},

		// The web workspace (web*.go): pages and their forms, under the same
		// access levels. A visitor is sent to /login instead of a 401.
		{http.MethodGet, "/static/:name", public, s.staticFile},
		{http.MethodGet, "/login", public, s.loginPage},
		{http.MethodPost, "/login", public, s.loginForm},
		{http.MethodPost, "/logout", signedIn, s.logoutForm},
		{http.MethodPost, "/settings/language", signedIn, s.languageForm},
		{http.MethodGet, "/", signedIn, s.queuePage},
		{http.MethodGet, "/cases", supervisor, s.allCasesPage},
		{http.MethodGet, "/cases/new", signedIn, s.newCasePage},
		{http.MethodPost, "/cases", signedIn, s.newCaseForm},
		{http.MethodGet, "/cases/:id", signedIn, s.casePage},
		{http.MethodPost, "/cases/:id/transitions", signedIn, s.transitionForm},
		{http.MethodPost, "/cases/:id/assignment", signedIn, s.assignForm},
		{http.MethodPost, "/cases/:id/comments", signedIn, s.commentForm},
		{http.MethodPost, "/cases/:id/remedy", signedIn, s.remedyForm},
		{http.MethodPost, "/cases/:id/approvals", supervisor, s.approveForm},
		{http.MethodPost, "/cases/:id/evidence", signedIn, s.evidenceForm},
		{http.MethodPost, "/evidence/:id/void", supervisor, s.voidForm},
		{http.MethodGet, "/notifications", signedIn, s.notificationsPage},
		{http.MethodPost, "/notifications/read-all", signedIn, s.readAllForm},
		{http.MethodPost, "/notifications/:id/read", signedIn, s.readForm},
		{http.MethodGet, "/import", signedIn, s.importPage},
		{http.MethodPost, "/import", signedIn, s.importForm},
		{http.MethodGet, "/users", admin, s.usersPage},
		{http.MethodPost, "/users", admin, s.createUserForm},
		{http.MethodPost, "/users/:id/deactivate", admin, s.deactivateUserForm},
		{http.MethodPost, "/users/:id/reactivate", admin, s.reactivateUserForm},
	}
}

func (s *Server) registerRoutes() {
	for _, r := range s.routes() {
		s.echo.Add(r.method, r.path, r.handle, s.authorize(r.access))
	}
}

// RouteInfo is one route's method, echo path and access level
// ("public", "signed-in", "supervisor" or "admin"). Page is true for the
// web pages, which are not part of the API's OpenAPI document and send
// visitors to sign in rather than answer 401.
type RouteInfo struct {
	Method, Path, Access string
	Page                 bool
}

// RouteAccess lists the routes table's access levels, so that tests can
// check every registered route against the level it claims.
func (s *Server) RouteAccess() []RouteInfo {
	var out []RouteInfo
	for _, r := range s.routes() {
		out = append(out, RouteInfo{Method: r.method, Path: r.path, Access: r.access.String(), Page: !isAPIPath(r.path)})
	}
	return out
}
