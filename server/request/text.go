package request

import (
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// CheckText refuses, before any handler runs, a request whose path, query
// or form carries text PostgreSQL cannot store: invalid UTF-8 (%ff,
// overlong %c0%80) or the NUL character. The 400 names the parameter, and
// nothing is read from the database or written to it.
func CheckText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if bad(req.URL.Path) {
			return &cases.Error{Code: cases.Malformed, Field: "path", Message: "the path is not valid UTF-8 text"}
		}
		if field := badValue(req.URL.Query()); field != "" {
			return textError(field)
		}
		if strings.HasPrefix(req.Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) {
			form, err := c.FormParams()
			if err != nil {
				return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
			}
			if field := badValue(form); field != "" {
				return textError(field)
			}
		}
		return next(c)
	}
}

func textError(field string) error {
	return &cases.Error{Code: cases.Malformed, Field: field,
		Message: field + " must be UTF-8 text without the NUL character"}
}

// bad reports whether s is text PostgreSQL would refuse.
func bad(s string) bool { return !utf8.ValidString(s) || strings.ContainsRune(s, 0) }

// badValue names the first parameter of v whose name or value is bad.
func badValue(v url.Values) string {
	for name, vals := range v {
		if bad(name) {
			return "query"
		}
		for _, val := range vals {
			if bad(val) {
				return name
			}
		}
	}
	return ""
}

// NULField names, as a JSON path ("remedy.note"), the first string of a
// decoded body v that holds the NUL character, or "" when none does. JSON
// may spell NUL as \u0000, which decodes fine and PostgreSQL refuses.
func NULField(v any) string {
	return nulIn(reflect.ValueOf(v), "")
}

func nulIn(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return nulIn(v.Elem(), path)
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			return path
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, inline := JSONName(f)
			if inline {
				name = ""
			} else if name == "" {
				continue
			}
			if bad := nulIn(v.Field(i), JoinPath(path, name)); bad != "" {
				return bad
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if bad := nulIn(v.Index(i), path); bad != "" {
				return bad
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if bad := nulIn(iter.Value(), JoinPath(path, iter.Key().String())); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// JSONName is the member name of a struct field in JSON ("" for a field
// JSON skips), and whether the field is embedded inline.
func JSONName(f reflect.StructField) (name string, inline bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ = strings.Cut(tag, ",")
	if f.Anonymous && name == "" {
		return "", true
	}
	if name == "" {
		name = f.Name
	}
	return name, false
}

// JoinPath appends a member name to a JSON path.
func JoinPath(path, name string) string {
	switch {
	case path == "":
		return name
	case name == "":
		return path
	}
	return path + "." + name
}
