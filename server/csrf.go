package server

import (
	"crypto/subtle"
	"mime"
	"net/netip"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// CSRF protection for cookie-authenticated requests. Each session carries a
// random token of its own (stored with the session, returned at sign-in and
// by GET /api/v1/me), which unsafe requests must echo in the X-CSRF-Token
// header or, from HTML forms, the csrf_token field. A per-session random
// token needs no server-wide secret shared across instances and dies with
// the session; SameSite=Lax on the cookie is a second line of defence.
const (
	csrfHeader = "X-CSRF-Token"
	csrfField  = "csrf_token"
)

// checkCSRF compares the request's CSRF token with the session's in
// constant time.
func checkCSRF(c echo.Context, want string) error {
	got := c.Request().Header.Get(csrfHeader)
	if got == "" && isForm(c) {
		got = c.FormValue(csrfField)
	}
	if got == "" {
		return cases.Errorf(cases.Forbidden, "the %s header is missing: send the csrf_token given at sign-in", csrfHeader)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return cases.Errorf(cases.Forbidden, "the %s header does not match this session; sign in again", csrfHeader)
	}
	return nil
}

// isForm reports whether the body is an HTML form, the only kind whose
// csrf_token field is read.
func isForm(c echo.Context) bool {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	return mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
}

// checkLoginOrigin refuses sign-in requests sent by another site's page
// (login CSRF: signing the victim in as the attacker). Browsers send Origin
// on cross-site POSTs; clients without one (curl, scripts) pass.
func (s *Server) checkLoginOrigin(c echo.Context) error {
	origin := c.Request().Header.Get(echo.HeaderOrigin)
	if origin == "" {
		return nil
	}
	if !sameOrigin(origin, s.cfg.BaseURL) {
		return cases.Errorf(cases.Forbidden, "sign-in from another site (Origin %q) is refused", origin)
	}
	return nil
}

// sameOrigin compares an Origin header with the base URL by scheme, host
// and port, with default ports made explicit. When the base URL is on
// loopback (the default, http://127.0.0.1:8080), any loopback name for it
// matches too: a browser opened at http://localhost:8080 is the same
// machine, and a page on another site cannot be served from it.
func sameOrigin(origin string, base *url.URL) bool {
	o, err := url.Parse(origin)
	if err != nil || o.Host == "" || (o.Path != "" && o.Path != "/") {
		return false
	}
	if !strings.EqualFold(o.Scheme, base.Scheme) || portOf(o) != portOf(base) {
		return false
	}
	return strings.EqualFold(o.Hostname(), base.Hostname()) || isLoopback(o.Hostname()) && isLoopback(base.Hostname())
}

// isLoopback reports whether host names this machine's loopback interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}
