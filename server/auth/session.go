package auth

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// sessionCookieName is the cookie that carries a browser's session token.
const sessionCookieName = "redress_session"

// SignIn is the one sign-in of the API and the pages: it refuses another
// site's request, checks the credentials under the throttle, starts a new
// session (a session cookie sent with the request is ended, never reused,
// so a token planted before sign-in is worthless after it) and sets its
// cookie.
func (g *Gate) SignIn(c echo.Context, email, password string) (cases.NewSession, error) {
	if err := g.checkLoginOrigin(c); err != nil {
		return cases.NewSession{}, err
	}
	attempt := cases.LoginAttempt{Email: email, Password: password, Address: c.RealIP(), UserAgent: c.Request().UserAgent()}
	if ck, err := c.Cookie(sessionCookieName); err == nil {
		attempt.PreviousToken = ck.Value
	}
	ns, err := g.people.Login(c.Request().Context(), attempt)
	if err != nil {
		g.logLoginFailure(c, email, err)
		return ns, err
	}
	g.log.InfoContext(c.Request().Context(), "signed in",
		"user_id", ns.User.ID, "session_id", ns.ID, "remote_ip", attempt.Address)
	c.SetCookie(g.sessionCookie(ns.Token, ns.ExpiresAt))
	return ns, nil
}

// SignOut ends the request's session and clears the cookie. With a bearer
// token there is no session to end; the token is revoked instead.
func (g *Gate) SignOut(c echo.Context) error {
	p, _ := PrincipalOf(c)
	if p.Session == nil {
		return nil
	}
	if err := g.people.EndSession(c.Request().Context(), p.Session.ID); err != nil {
		return err
	}
	c.SetCookie(g.clearedSessionCookie())
	return nil
}

// Cookie returns a first-party cookie of name that holds value until
// expires: HttpOnly, SameSite=Lax, and Secure whenever the base URL is
// https.
func (g *Gate) Cookie(name, value string, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		Secure:   g.cfg.SecureCookies(),
		SameSite: http.SameSiteLaxMode,
	}
}

// sessionCookie is the cookie that carries token until the session's
// absolute expiry. HttpOnly keeps it from scripts; SameSite=Lax keeps it off
// cross-site POSTs.
func (g *Gate) sessionCookie(token string, expires time.Time) *http.Cookie {
	return g.Cookie(sessionCookieName, token, expires)
}

// clearedSessionCookie tells the browser to drop the session cookie.
func (g *Gate) clearedSessionCookie() *http.Cookie {
	ck := g.sessionCookie("", time.Unix(0, 0))
	ck.MaxAge = -1
	return ck
}

// NoStore keeps responses that carry secrets out of caches.
func NoStore(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
}
