package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
)

// ErrorPage answers a failed page request: a visitor who is not signed in
// is sent to sign in and brought back afterwards; anything else gets an
// error page in the user's language with the same status the API would
// give.
func (h *UI) ErrorPage(c echo.Context, status int, de *cases.Error) {
	req := c.Request()
	if de.Code == cases.Unauthorized {
		next := req.URL.RequestURI()
		if req.Method != http.MethodGet {
			next = refererPath(req)
		}
		to := "/login"
		if next != "/" && next != "" {
			to += "?next=" + url.QueryEscape(next)
		}
		_ = c.Redirect(http.StatusSeeOther, to)
		return
	}
	var v *view
	if _, ok := auth.PrincipalOf(c); ok {
		v, _ = h.view(c, "", "status."+strconv.Itoa(status))
	}
	if v == nil {
		v = h.anonymousView(c, "status."+strconv.Itoa(status))
	}
	if req.Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	detail := de.Message
	if de.Code == cases.Internal {
		detail = ""
	}
	v.D = errorPage{Status: status, Message: h.t(v, "err.code."+string(de.Code)), Detail: detail,
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
	if err := h.render(c, status, "error", v); err != nil {
		h.log.ErrorContext(req.Context(), "render error page", "error", err.Error())
		_ = c.String(status, http.StatusText(status))
	}
}

// errorPage is the error page's data.
type errorPage struct {
	Status    int
	Message   string
	Detail    string
	RequestID string
}

// refererPath is the path of the page a form was posted from, when it is
// on this site; "/" otherwise.
func refererPath(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host {
		return "/"
	}
	return localPath(ref.RequestURI())
}

// localPath returns p when it is a path on this site, and "/" for anything
// that would lead elsewhere ("//evil.example", "https://…", "/\evil").
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}
