// Package cases is Redress's domain vocabulary: cases and their hash-chained
// ledger, evidence, people, reminders and webhooks, with their invariants and
// the one error type. It holds no SQL; package cases/store keeps it.
package cases

import (
	"errors"
	"fmt"
)

// Code classifies an Error; the HTTP layer maps each code to one status.
type Code string

// Error codes returned by the domain and the store.
const (
	Invalid            Code = "invalid"             // input fails validation (422)
	Malformed          Code = "malformed"           // input cannot be parsed (400)
	NotFound           Code = "not_found"           // no such thing, or not visible to the actor (404)
	Conflict           Code = "conflict"            // stale version or duplicate (409)
	Unauthorized       Code = "unauthorized"        // no valid credentials (401)
	Forbidden          Code = "forbidden"           // credentials valid, action not allowed (403)
	PreconditionNeeded Code = "precondition_needed" // a conditional write came without If-Match (428)
	TooLarge           Code = "too_large"           // body or file over the limit (413)
	Unsupported        Code = "unsupported"         // content type not allowed (415)
	TooMany            Code = "too_many"            // rate limited (429)
	Unavailable        Code = "unavailable"         // a dependency is down (503)
	Internal           Code = "internal"            // a bug or an unexpected failure (500)
)

// Error is the one error type the domain returns. Field names the input that
// is at fault (a JSON field name, or a CSV column) when there is one.
type Error struct {
	Code    Code
	Message string
	Field   string
	// Extra carries machine-readable details rendered as problem members,
	// such as the current version on a conflict.
	Extra map[string]any
	// Err is the underlying cause, logged for Internal errors and never shown.
	Err error
}

func (e *Error) Error() string {
	switch {
	case e.Field != "" && e.Err != nil:
		return fmt.Sprintf("%s: %s: %s: %v", e.Code, e.Field, e.Message, e.Err)
	case e.Field != "":
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	case e.Err != nil:
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an Invalid error about one input field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Internalf wraps an unexpected failure; its cause is logged, never shown.
func Internalf(err error, format string, args ...any) *Error {
	return &Error{Code: Internal, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of err, Internal for foreign errors and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
