package cases

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ImportColumns are the columns a platform export may have, in the order
// Redress writes its template; platform, external_id, shop and kind are
// required.
func ImportColumns() []string {
	return []string{"platform", "external_id", "shop", "kind", "severity", "order_ref", "order_amount",
		"order_currency", "buyer_handle", "buyer_contact", "summary", "review_rating", "review_text",
		"review_posted_at", "review_url", "platform_due_at"}
}

func requiredImportColumns() []string { return []string{"platform", "external_id", "shop", "kind"} }

// ImportError is one line of an export that was not imported.
type ImportError struct {
	Line   int    `json:"line"`
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail"`
}

// ImportReport says what an import did with every line.
type ImportReport struct {
	Created int           `json:"created"`
	Skipped int           `json:"skipped"`
	Errors  []ImportError `json:"errors"`
}

// MaxImportLines bounds one import; larger exports are split.
const MaxImportLines = 20000

// DueIn is the time the first protocol step allows a case of that kind and
// severity.
type DueIn func(Kind, Severity) time.Duration

// ImportLine is one line of an export as ParseImport reads it: the case it
// describes, or, when Err is set, why it is not imported.
type ImportLine struct {
	Line int
	Case Case
	Err  *ImportError
}

// ParseImport reads a UTF-8 CSV export (an Excel byte order mark allowed):
// it refuses a file whose bytes are not UTF-8 or whose header is wrong
// whole, and otherwise returns its lines, to be ranged over once. Blank
// lines are left out. A line that is not CSV, does not describe a valid
// case, or repeats the platform and external id of an earlier line comes
// with its error; a line past MaxImportLines comes with an error and ends
// the lines.
func ParseImport(body []byte) (iter.Seq[ImportLine], error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")) // Excel's UTF-8 byte order mark
	if !utf8.Valid(body) {
		line := 1 + bytes.Count(body[:firstInvalidUTF8(body)], []byte("\n"))
		return nil, &Error{Code: Invalid, Field: "body", Message: fmt.Sprintf(
			"the file is not UTF-8 (first bad byte on line %d); export it as UTF-8, or send Content-Type: text/csv; charset=gb18030", line)}
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &Error{Code: Invalid, Field: "body", Message: "the file is empty; the first line must name the columns"}
	}
	if err != nil {
		return nil, &Error{Code: Invalid, Field: "body", Message: "the header line is not CSV: " + err.Error()}
	}
	cols, err := importHeader(header)
	if err != nil {
		return nil, err
	}
	return func(yield func(ImportLine) bool) {
		fail := func(line int, e ImportError) bool {
			e.Line = line
			return yield(ImportLine{Line: line, Err: &e})
		}
		seen := map[string]int{}
		for n := 0; ; n++ {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			line, _ := r.FieldPos(0)
			if n >= MaxImportLines {
				fail(line, ImportError{Detail: fmt.Sprintf("only %d lines are imported at a time; split the file and import the rest", MaxImportLines)})
				return
			}
			if err != nil {
				if !fail(line, ImportError{Detail: "not a CSV line: " + err.Error()}) {
					return
				}
				continue
			}
			if len(rec) != len(cols) {
				if !fail(line, ImportError{Detail: fmt.Sprintf("has %d fields; the header has %d", len(rec), len(cols))}) {
					return
				}
				continue
			}
			if isBlank(rec) {
				continue
			}
			c, err := importCase(cols, rec)
			if err != nil {
				if !fail(line, NewImportError(line, err)) {
					return
				}
				continue
			}
			key := string(c.Platform) + "\x00" + c.ExternalID
			if first, dup := seen[key]; dup {
				if !fail(line, ImportError{Field: "external_id",
					Detail: fmt.Sprintf("repeats line %d (same platform and external_id); not imported twice", first)}) {
					return
				}
				continue
			}
			seen[key] = line
			if !yield(ImportLine{Line: line, Case: c}) {
				return
			}
		}
	}, nil
}

func importHeader(header []string) ([]string, error) {
	known := ImportColumns()
	cols := make([]string, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(known, h) {
			return nil, &Error{Code: Invalid, Field: "columns", Message: fmt.Sprintf(
				"unknown column %q; the columns are %s", h, strings.Join(known, ", "))}
		}
		if slices.Contains(cols[:i], h) {
			return nil, &Error{Code: Invalid, Field: "columns", Message: fmt.Sprintf("column %q appears twice", h)}
		}
		cols[i] = h
	}
	for _, req := range requiredImportColumns() {
		if !slices.Contains(cols, req) {
			return nil, &Error{Code: Invalid, Field: "columns", Message: fmt.Sprintf(
				"column %q is missing; required are %s", req, strings.Join(requiredImportColumns(), ", "))}
		}
	}
	return cols, nil
}

func importCase(cols, rec []string) (Case, error) {
	in := CaseInput{}
	var review ReviewInput
	var amount, currency string
	for i, col := range cols {
		v := strings.TrimSpace(rec[i])
		switch col {
		case "platform":
			in.Platform = Platform(strings.ToLower(v))
		case "external_id":
			in.ExternalID = v
		case "shop":
			in.Shop = v
		case "kind":
			in.Kind = Kind(v)
		case "severity":
			in.Severity = Severity(v)
		case "order_ref":
			in.OrderRef = v
		case "order_amount":
			amount = v
		case "order_currency":
			currency = strings.ToUpper(v)
		case "buyer_handle":
			in.BuyerHandle = v
		case "buyer_contact":
			in.BuyerContact = v
		case "summary":
			in.Summary = v
		case "review_rating":
			if v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					return Case{}, FieldError("review_rating", "review_rating %q is not a number from 1 to 5", v)
				}
				review.Rating = &n
			}
		case "review_text":
			review.Text = v
		case "review_url":
			review.URL = v
		case "review_posted_at", "platform_due_at":
			if v == "" {
				continue
			}
			t, err := parseImportTime(v)
			if err != nil {
				return Case{}, FieldError(col, "%s %q is not a time such as 2026-11-24T10:00:00+08:00 or 2026-11-24 10:00:00", col, v)
			}
			if col == "review_posted_at" {
				review.PostedAt = &t
			} else {
				in.PlatformDueAt = &t
			}
		}
	}
	if in.ExternalID == "" {
		return Case{}, FieldError("external_id", "external_id is required: it is what makes a second import skip the line")
	}
	if amount != "" || currency != "" {
		in.OrderValue = &MoneyInput{Amount: amount, Currency: currency}
	}
	if review != (ReviewInput{}) {
		in.Review = &review
	}
	return in.Case()
}

// parseImportTime reads RFC 3339 or the "2006-01-02 15:04:05" of platform
// exports, which are in China Standard Time.
func parseImportTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	cst := time.FixedZone("CST", 8*3600)
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, cst); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time")
}

// NewImportError reports err about one line of an export: a domain error's
// message, and its field named as the export's column.
func NewImportError(line int, err error) ImportError {
	var e *Error
	if errors.As(err, &e) {
		field := e.Field
		// Money errors name the JSON field; a CSV names its columns.
		field = strings.NewReplacer("order_value.amount", "order_amount", "order_value.currency", "order_currency",
			"review.rating", "review_rating", "review.text", "review_text", "review.url", "review_url").Replace(field)
		return ImportError{Line: line, Field: field, Detail: e.Message}
	}
	return ImportError{Line: line, Detail: err.Error()}
}

func isBlank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}
