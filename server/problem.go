package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// problem is an RFC 9457 problem detail.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Field     string `json:"field,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// statusOf maps each domain code to its one HTTP status.
var statusOf = map[cases.Code]int{
	cases.Invalid:            http.StatusUnprocessableEntity,
	cases.Malformed:          http.StatusBadRequest,
	cases.NotFound:           http.StatusNotFound,
	cases.Conflict:           http.StatusConflict,
	cases.Unauthorized:       http.StatusUnauthorized,
	cases.Forbidden:          http.StatusForbidden,
	cases.PreconditionNeeded: http.StatusPreconditionRequired,
	cases.TooLarge:           http.StatusRequestEntityTooLarge,
	cases.Unsupported:        http.StatusUnsupportedMediaType,
	cases.TooMany:            http.StatusTooManyRequests,
	cases.Unavailable:        http.StatusServiceUnavailable,
	cases.Internal:           http.StatusInternalServerError,
}

// codeOfStatus maps statuses that echo itself produces back to domain codes.
func codeOfStatus(status int) cases.Code {
	for code, st := range statusOf {
		if st == status && code != cases.Invalid {
			return code
		}
	}
	switch status {
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusUnprocessableEntity:
		return cases.Invalid
	}
	if status >= 500 {
		return cases.Internal
	}
	return cases.Malformed
}

// toDomain turns any handler error into the domain error it stands for.
func toDomain(err error) *cases.Error {
	var de *cases.Error
	if errors.As(err, &de) {
		return de
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg, _ := he.Message.(string)
		if msg == "" {
			msg = http.StatusText(he.Code)
		}
		if he.Code == http.StatusRequestEntityTooLarge {
			msg = "the request body is larger than the limit"
		}
		return &cases.Error{Code: codeOfStatus(he.Code), Message: strings.ToLower(msg[:1]) + msg[1:], Err: he.Internal}
	}
	return cases.Internalf(err, "internal error")
}

// handleError is the one place where errors become responses: problem+json
// for the API, an HTML error page (or, for a visitor, the way to sign in)
// for the web pages (web_errors.go). Only internal errors are logged here
// (the request log carries the rest).
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	de := toDomain(err)
	status, ok := statusOf[de.Code]
	if !ok {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			status = he.Code
		} else {
			status = http.StatusInternalServerError
		}
	}
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	detail := de.Message
	if de.Code == cases.Internal {
		s.log.ErrorContext(c.Request().Context(), "internal error", "request_id", rid, "error", err.Error())
		detail = "something went wrong on our side; the request id identifies it in the logs"
	}
	if de.Code == cases.TooMany {
		if after, ok := de.Extra["retry_after"]; ok {
			c.Response().Header().Set("Retry-After", toString(after))
		}
	}
	if !isAPIPath(c.Request().URL.Path) {
		s.pageError(c, status, de)
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	p := problem{
		Type:      "urn:redress:problem:" + string(de.Code),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Field:     de.Field,
		Instance:  c.Request().URL.Path,
		RequestID: rid,
	}
	body := map[string]any{}
	for k, v := range de.Extra {
		body[k] = v
	}
	body["type"], body["title"], body["status"], body["instance"] = p.Type, p.Title, p.Status, p.Instance
	if p.Detail != "" {
		body["detail"] = p.Detail
	}
	if p.Field != "" {
		body["field"] = p.Field
	}
	if p.RequestID != "" {
		body["request_id"] = p.RequestID
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(status)
	_ = jsonEncode(c.Response(), body)
}
