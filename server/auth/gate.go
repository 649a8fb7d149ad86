// Package auth decides who a request runs for and what they may do: session
// cookies and API tokens, CSRF, sign-in and its throttling, and the access
// level of each route.
package auth

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/store"
	"redress/server/config"
)

// Level says who may call a route. Case-level rules (an agent acts on cases
// assigned to them or unassigned) are enforced by the store on top of this.
type Level int

// The access levels of the routes table.
const (
	Public     Level = iota // anyone, no credentials
	SignedIn                // any active user, by session cookie or bearer token
	Supervisor              // supervisors and admins
	Admin                   // admins only
)

func (l Level) String() string {
	return [...]string{"public", "signed-in", "supervisor", "admin"}[l]
}

// Allows reports whether a user with role may call a route of this level.
func (l Level) Allows(role cases.Role) bool {
	switch l {
	case Public, SignedIn:
		return true
	case Supervisor:
		return role.Supervises()
	case Admin:
		return role == cases.RoleAdmin
	}
	return false
}

// Gate authenticates requests and enforces each route's access level.
type Gate struct {
	people *store.People
	cfg    config.Config
	log    *slog.Logger
}

// New returns the Gate of people's sessions and tokens.
func New(people *store.People, cfg config.Config, log *slog.Logger) *Gate {
	return &Gate{people: people, cfg: cfg, log: log}
}

// Principal is who a request runs for, and how they proved it.
type Principal struct {
	User    cases.User
	Session *cases.Session // nil when a bearer token authenticated the request
	TokenID int64          // 0 when a session did
}

const principalKey = "redress.principal"

// PrincipalOf returns who the request runs for; every route above Public
// has one.
func PrincipalOf(c echo.Context) (Principal, bool) {
	p, ok := c.Get(principalKey).(Principal)
	return p, ok
}

// CurrentUser returns the signed-in user of a route above Public.
func CurrentUser(c echo.Context) cases.User {
	p, _ := PrincipalOf(c)
	return p.User
}

// Require enforces a route's access level in one place: it authenticates
// the request by bearer token or session cookie (401 when neither opens a
// live session of an active user), checks the role (403), checks the CSRF
// token of cookie-authenticated unsafe requests (403; a route that streams
// its body checks it in the body's first part, see CheckStreamCSRF), and
// puts the actor on the request context for the store and the principal on
// the echo context for handlers.
func (g *Gate) Require(l Level, streamsBody bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if l == Public {
			return next
		}
		return func(c echo.Context) error {
			p, err := g.Authenticate(c)
			if err != nil {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="redress"`)
				return err
			}
			if !l.Allows(p.User.Role) {
				return cases.Errorf(cases.Forbidden, "this needs the %s role; you are %s", l, p.User.Role)
			}
			if p.Session != nil && !safeMethod(c.Request().Method) {
				if err := checkCSRF(c, p.Session.CSRFToken, streamsBody); err != nil {
					return err
				}
			}
			c.Set(principalKey, p)
			req := c.Request()
			c.SetRequest(req.WithContext(cases.WithActor(req.Context(), p.User.Actor())))
			return next(c)
		}
	}
}

// Authenticate resolves the request's credentials. A request with an
// Authorization header is judged by it alone, never by a cookie it may
// also carry.
func (g *Gate) Authenticate(c echo.Context) (Principal, error) {
	ctx := c.Request().Context()
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return Principal{}, cases.Errorf(cases.Unauthorized, `the Authorization header must be "Bearer <token>"`)
		}
		ta, err := g.people.ResolveToken(ctx, strings.TrimSpace(token))
		if err != nil {
			return Principal{}, err
		}
		return Principal{User: ta.User, TokenID: ta.TokenID}, nil
	}
	ck, err := c.Cookie(sessionCookieName)
	if err != nil || ck.Value == "" {
		return Principal{}, cases.Errorf(cases.Unauthorized, "sign in first")
	}
	sess, err := g.people.ResolveSession(ctx, ck.Value)
	if err != nil {
		if cases.ErrorCode(err) == cases.Unauthorized {
			c.SetCookie(g.clearedSessionCookie()) // let the browser forget it
		}
		return Principal{}, err
	}
	return Principal{User: sess.User, Session: &sess}, nil
}

// RequireSession refuses requests authenticated by an API token where only
// a person at a browser should act: minting tokens (a leaked token must not
// be able to mint a successor that outlives its revocation) and changing
// the password.
func RequireSession(c echo.Context) (Principal, error) {
	p, ok := PrincipalOf(c)
	if !ok {
		return p, cases.Errorf(cases.Unauthorized, "sign in first")
	}
	if p.Session == nil {
		return p, cases.Errorf(cases.Forbidden, "this needs a signed-in session; API tokens cannot do it")
	}
	return p, nil
}

// safeMethod reports whether method cannot change anything, so needs no
// CSRF token.
func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}
