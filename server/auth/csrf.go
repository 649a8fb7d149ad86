package auth

import (
	"crypto/subtle"
	"io"
	"mime"
	"mime/multipart"
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
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf_token"
)

// checkCSRF compares the request's CSRF token with the session's in
// constant time.
func checkCSRF(c echo.Context, want string, streamsBody bool) error {
	got := c.Request().Header.Get(CSRFHeader)
	if got == "" && streamsBody && IsMultipart(c) {
		// Parsing the form here would buffer a whole upload before the
		// handler streams it; the handler checks the first part instead.
		c.Set(csrfPendingKey, want)
		return nil
	}
	if got == "" && isURLEncodedForm(c) {
		got = c.FormValue(CSRFField)
	}
	if got == "" {
		return cases.Errorf(cases.Forbidden, "the %s header is missing: send the csrf_token given at sign-in", CSRFHeader)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return cases.Errorf(cases.Forbidden, "the %s header does not match this session; sign in again", CSRFHeader)
	}
	return nil
}

// csrfPendingKey holds, on the echo context, the CSRF token a streaming
// multipart handler must find in the body's first part.
const csrfPendingKey = "redress.csrf_pending"

// CheckStreamCSRF is the CSRF check of a streaming multipart handler: when
// the header was missing, the first part must be csrf_token and match.
func CheckStreamCSRF(c echo.Context, first *multipart.Part) (consumed bool, err error) {
	want, pending := c.Get(csrfPendingKey).(string)
	if !pending {
		return false, nil
	}
	if first == nil || first.FormName() != CSRFField {
		return false, cases.Errorf(cases.Forbidden, "send the %s header, or csrf_token as the form's first field", CSRFHeader)
	}
	got, err := io.ReadAll(io.LimitReader(first, 256))
	if err != nil || subtle.ConstantTimeCompare(got, []byte(want)) != 1 {
		return true, cases.Errorf(cases.Forbidden, "the csrf_token does not match this session; sign in again")
	}
	c.Set(csrfPendingKey, nil)
	return true, nil
}

func mediaType(c echo.Context) string {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	return mt
}

// isURLEncodedForm reports whether the body is a plain HTML form, the only
// kind whose csrf_token field the middleware reads.
func isURLEncodedForm(c echo.Context) bool {
	return mediaType(c) == "application/x-www-form-urlencoded"
}

func IsMultipart(c echo.Context) bool { return mediaType(c) == "multipart/form-data" }

// checkLoginOrigin refuses sign-in requests sent by another site's page
// (login CSRF: signing the victim in as the attacker). Browsers send Origin
// on cross-site POSTs; clients without one (curl, scripts) pass.
func (g *Gate) checkLoginOrigin(c echo.Context) error {
	origin := c.Request().Header.Get(echo.HeaderOrigin)
	if origin == "" {
		return nil
	}
	if !sameOrigin(origin, g.cfg.BaseURL) {
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
