// Package problem maps domain errors to HTTP, once for every surface: the
// status of each error code, and RFC 9457 problem+json bodies.
package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

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

// Status is the HTTP status of err: its domain code's, or an echo error's
// own, or 500.
func Status(err error) int {
	if st, ok := statusOf[From(err).Code]; ok {
		return st
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code
	}
	return http.StatusInternalServerError
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

// From turns any handler error into the domain error it stands for.
func From(err error) *cases.Error {
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

// SetRetryAfter copies a refusal's retry hint into the Retry-After header.
func SetRetryAfter(c echo.Context, de *cases.Error) {
	if after, ok := de.Extra["retry_after"]; ok {
		c.Response().Header().Set("Retry-After", fmt.Sprint(after))
	}
}

// Write answers with err as problem+json: type, title, status, detail, the
// field at fault and the request id, plus the error's extra members. The
// detail of an internal error is never shown; the request id finds it in
// the logs.
func Write(c echo.Context, err error) {
	de := From(err)
	status := Status(err)
	SetRetryAfter(c, de)
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	body := map[string]any{}
	for k, v := range de.Extra {
		body[k] = v
	}
	body["type"] = "urn:redress:problem:" + string(de.Code)
	body["title"] = http.StatusText(status)
	body["status"] = status
	body["instance"] = c.Request().URL.Path
	detail := de.Message
	if de.Code == cases.Internal {
		detail = "something went wrong on our side; the request id identifies it in the logs"
	}
	if detail != "" {
		body["detail"] = detail
	}
	if de.Field != "" {
		body["field"] = de.Field
	}
	if rid := c.Response().Header().Get(echo.HeaderXRequestID); rid != "" {
		body["request_id"] = rid
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(status)
	enc := json.NewEncoder(c.Response())
	enc.SetEscapeHTML(true)
	_ = enc.Encode(body)
}

// Statuses returns every domain code with its HTTP status.
func Statuses() map[cases.Code]int {
	out := make(map[cases.Code]int, len(statusOf))
	for code, st := range statusOf {
		out[code] = st
	}
	return out
}
