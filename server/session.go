package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// sessionCookieName is the cookie that carries a browser's session token.
const sessionCookieName = "redress_session"

// loginRequest is the body of POST /api/v1/auth/login.
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// loginResponse is what a successful sign-in returns beside the cookie.
type loginResponse struct {
	User      cases.User `json:"user"`
	CSRFToken string     `json:"csrf_token"`
}

// login signs a person in: a new session every time (a session cookie sent
// with the request is ended, never reused), so a token planted before
// sign-in is worthless after it.
func (s *Server) login(c echo.Context) error {
	if err := s.checkLoginOrigin(c); err != nil {
		return err
	}
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	attempt := cases.LoginAttempt{
		Email:     req.Email,
		Password:  req.Password,
		Address:   c.RealIP(),
		UserAgent: c.Request().UserAgent(),
	}
	if ck, err := c.Cookie(sessionCookieName); err == nil {
		attempt.PreviousToken = ck.Value
	}
	ns, err := s.people.Login(c.Request().Context(), attempt)
	if err != nil {
		s.logLoginFailure(c, req.Email, err)
		return err
	}
	s.log.InfoContext(c.Request().Context(), "signed in",
		"user_id", ns.User.ID, "session_id", ns.ID, "remote_ip", attempt.Address)
	c.SetCookie(s.sessionCookie(ns.Token, ns.ExpiresAt))
	noStore(c)
	return c.JSON(http.StatusOK, loginResponse{User: ns.User, CSRFToken: ns.CSRFToken})
}

// logout ends the request's session and clears the cookie. With a bearer
// token there is no session to end; revoke the token instead.
func (s *Server) logout(c echo.Context) error {
	p, _ := principalOf(c)
	if p.session != nil {
		if err := s.people.EndSession(c.Request().Context(), p.session.ID); err != nil {
			return err
		}
		c.SetCookie(s.clearedSessionCookie())
	}
	return c.NoContent(http.StatusNoContent)
}

// sessionCookie is the cookie that carries token until the session's
// absolute expiry. HttpOnly keeps it from scripts; SameSite=Lax keeps it off
// cross-site POSTs; Secure whenever the base URL is https.
func (s *Server) sessionCookie(token string, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     sessionCookieName,
		Value:    token,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		Secure:   s.cfg.SecureCookies(),
		SameSite: http.SameSiteLaxMode,
	}
}

// clearedSessionCookie tells the browser to drop the session cookie.
func (s *Server) clearedSessionCookie() *http.Cookie {
	ck := s.sessionCookie("", time.Unix(0, 0))
	ck.MaxAge = -1
	return ck
}

// noStore keeps responses that carry secrets out of caches.
func noStore(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
}
