package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// bindJSON decodes the request's JSON body into v, strictly, and returns a
// cases.Error that a client can act on:
//
//   - a body that is not JSON (by Content-Type) is Unsupported (415);
//   - an empty body, invalid UTF-8, a syntax error, a second value after the
//     first, or a body that is not an object is Malformed (400);
//   - a member v has no field for, or a value of the wrong JSON type, is
//     Malformed with Field naming it ("remedy.amount");
//   - a body over the size limit is TooLarge (413).
//
// Validation of the values themselves is the domain's job, not bindJSON's.
func bindJSON(c echo.Context, v any) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); !isJSONMediaType(ct) {
		return cases.Errorf(cases.Unsupported, "the request body must be JSON (Content-Type: application/json), not %q", ct)
	}
	if req.Body == nil {
		return cases.Errorf(cases.Malformed, "the request body is empty; send a JSON object")
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return bodyReadError(err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return cases.Errorf(cases.Malformed, "the request body is empty; send a JSON object")
	}
	if !utf8.Valid(body) {
		return cases.Errorf(cases.Malformed, "the request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if field := badTimeField(body, reflect.TypeOf(v)); field != "" {
			return &cases.Error{Code: cases.Malformed, Field: field, Err: err,
				Message: "must be an RFC 3339 time such as 2026-11-20T10:01:02+08:00"}
		}
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return cases.Errorf(cases.Malformed, "the request body holds more than one JSON value")
	}
	if field := request.NULField(v); field != "" {
		return &cases.Error{Code: cases.Malformed, Field: field, Message: "must not contain the NUL character (\\u0000)"}
	}
	return nil
}

// timeType is the type of the time members a body may carry.
var timeType = reflect.TypeFor[time.Time]()

// badTimeField names the first time member of a body of type t whose value
// is not a time (encoding/json's own error does not say which member it
// was), or "" when every one parses.
func badTimeField(body []byte, t reflect.Type) string {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	return badTimeIn(doc, t, "")
}

func badTimeIn(doc any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		str, ok := doc.(string)
		if !ok {
			return "" // a type mismatch, which decodeError names
		}
		if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
			return path
		}
		return ""
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := doc.(map[string]any)
		if !ok {
			return ""
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, inline := request.JSONName(f)
			switch {
			case inline:
				if bad := badTimeIn(doc, f.Type, path); bad != "" {
					return bad
				}
			case name != "":
				if val, ok := obj[name]; ok && val != nil {
					if bad := badTimeIn(val, f.Type, request.JoinPath(path, name)); bad != "" {
						return bad
					}
				}
			}
		}
	case reflect.Slice:
		arr, _ := doc.([]any)
		for _, el := range arr {
			if bad := badTimeIn(el, t.Elem(), path); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// isJSONMediaType accepts application/json and any application/*+json.
func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

func bodyReadError(err error) error {
	var maxErr *http.MaxBytesError
	var he *echo.HTTPError
	if errors.As(err, &maxErr) || errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
		return &cases.Error{Code: cases.TooLarge, Message: "the request body is larger than the limit", Err: err}
	}
	return &cases.Error{Code: cases.Malformed, Message: "the request body could not be read", Err: err}
}

// decodeError turns encoding/json's errors into problems that name the
// member at fault.
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &cases.Error{Code: cases.Malformed, Err: err,
			Message: fmt.Sprintf("the request body is not valid JSON: %s (at byte %d)", syntax.Error(), syntax.Offset)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &cases.Error{Code: cases.Malformed, Message: "the request body is not valid JSON: it ends too early", Err: err}
	case errors.As(err, &typ):
		if typ.Field == "" {
			return &cases.Error{Code: cases.Malformed, Err: err,
				Message: fmt.Sprintf("the request body must be a JSON object, not %s", article(typ.Value))}
		}
		want := jsonKind(typ.Type.Kind().String())
		if want == "an integer" && strings.HasPrefix(typ.Value, "number") {
			return &cases.Error{Code: cases.Malformed, Field: typ.Field, Err: err,
				Message: "must be a whole number within range"}
		}
		return &cases.Error{Code: cases.Malformed, Field: typ.Field, Err: err,
			Message: fmt.Sprintf("must be %s, not %s", want, article(typ.Value))}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &cases.Error{Code: cases.Malformed, Field: name, Err: err,
			Message: "is not a field of this request"}
	}
	return &cases.Error{Code: cases.Malformed, Message: "the request body does not fit this request", Err: err}
}

// jsonKind names a Go kind as the JSON type that decodes into it.
func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "a different type"
}

// article phrases encoding/json's description of the value it found.
func article(v string) string {
	switch {
	case v == "array" || v == "object":
		return "an " + v
	case strings.HasPrefix(v, "number"):
		return "a number"
	case v == "":
		return "that"
	}
	return "a " + v
}
