package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// Option adjusts a Server at construction, for what the environment does
// not configure.
type Option func(*options)

type options struct {
	access cases.AccessPolicy
}

// WithAccessPolicy replaces the default sign-in policy; tests use it for
// cheap password hashing (cases.InsecureTestPasswordParams).
func WithAccessPolicy(p cases.AccessPolicy) Option {
	return func(o *options) { o.access = p }
}

// principal is who a request runs for, and how they proved it.
type principal struct {
	user    cases.User
	session *cases.Session // nil when a bearer token authenticated the request
	tokenID int64          // 0 when a session did
}

const principalKey = "redress.principal"

// principalOf returns who the request runs for; every route above public
// has one.
func principalOf(c echo.Context) (principal, bool) {
	p, ok := c.Get(principalKey).(principal)
	return p, ok
}

// currentUser returns the signed-in user of a route above public.
func currentUser(c echo.Context) cases.User {
	p, _ := principalOf(c)
	return p.user
}

// allows reports whether a user with role may call a route of this level.
func (a access) allows(role cases.Role) bool {
	switch a {
	case public, signedIn:
		return true
	case supervisor:
		return role.Supervises()
	case admin:
		return role == cases.RoleAdmin
	}
	return false
}

// authorize enforces a route's access level in one place: it authenticates
// the request by bearer token or session cookie (401 when neither opens a
// live session of an active user), checks the role (403), checks the CSRF
// token of cookie-authenticated unsafe requests (403), and puts the actor
// on the request context for the store and the principal on the echo
// context for handlers.
func (s *Server) authorize(a access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if a == public {
			return next
		}
		return func(c echo.Context) error {
			p, err := s.authenticate(c)
			if err != nil {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="redress"`)
				return err
			}
			if !a.allows(p.user.Role) {
				return cases.Errorf(cases.Forbidden, "this needs the %s role; you are %s", a, p.user.Role)
			}
			if p.session != nil && !safeMethod(c.Request().Method) {
				if err := checkCSRF(c, p.session.CSRFToken); err != nil {
					return err
				}
			}
			c.Set(principalKey, p)
			req := c.Request()
			c.SetRequest(req.WithContext(cases.WithActor(req.Context(), p.user.Actor())))
			return next(c)
		}
	}
}

// authenticate resolves the request's credentials. A request with an
// Authorization header is judged by it alone, never by a cookie it may
// also carry.
func (s *Server) authenticate(c echo.Context) (principal, error) {
	ctx := c.Request().Context()
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return principal{}, cases.Errorf(cases.Unauthorized, `the Authorization header must be "Bearer <token>"`)
		}
		ta, err := s.people.ResolveToken(ctx, strings.TrimSpace(token))
		if err != nil {
			return principal{}, err
		}
		return principal{user: ta.User, tokenID: ta.TokenID}, nil
	}
	ck, err := c.Cookie(sessionCookieName)
	if err != nil || ck.Value == "" {
		return principal{}, cases.Errorf(cases.Unauthorized, "sign in first")
	}
	sess, err := s.people.ResolveSession(ctx, ck.Value)
	if err != nil {
		if cases.ErrorCode(err) == cases.Unauthorized {
			c.SetCookie(s.clearedSessionCookie()) // let the browser forget it
		}
		return principal{}, err
	}
	return principal{user: sess.User, session: &sess}, nil
}

// requireSession refuses requests authenticated by an API token where only
// a person at a browser should act: minting tokens (a leaked token must not
// be able to mint a successor that outlives its revocation) and changing
// the password.
func requireSession(c echo.Context) (principal, error) {
	p, ok := principalOf(c)
	if !ok {
		return p, cases.Errorf(cases.Unauthorized, "sign in first")
	}
	if p.session == nil {
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
