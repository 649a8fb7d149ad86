package intake

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"time"
	"unicode/utf8"

	"redress/cases"
)

// DefaultMaxLines bounds one import; larger exports are split.
const DefaultMaxLines = 20000

// maxPreamble is how many lines before the header an export may have (a
// title such as "评价管理导出 2026-11-20").
const maxPreamble = 5

// Options say how Read reads a file.
type Options struct {
	// Mapping names the columns; nil recognises the header (Redress's own
	// columns or a known export).
	Mapping *Mapping
	// Platform is the platform of lines that name none. It also settles
	// between exports that look alike, and makes a Taobao export Tmall's.
	Platform cases.Platform
	// Shop is the shop of lines that name none.
	Shop string
	// Location is the shop's time zone, for times written without one;
	// nil is Asia/Shanghai.
	Location *time.Location
	// DayFirst reads 03/04/2026 as 3 April (UK and European exports); a
	// number above 12 settles the order either way.
	DayFirst bool
	// MaxLines bounds the lines read; 0 is DefaultMaxLines.
	MaxLines int
}

// LineError is one problem of one line: a line with three bad cells has
// three.
type LineError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"` // the column as the file names it
	Field  string `json:"field,omitempty"`  // the Redress field
	Detail string `json:"detail"`
}

// Key identifies a case across imports: the platform and its id there.
type Key struct {
	Platform   cases.Platform `json:"platform"`
	ExternalID string         `json:"external_id"`
}

// Row is one line of an export that reads without error.
type Row struct {
	Line int `json:"line"`
	Key  Key `json:"key"`
	// Case is the case the line describes; it validates (Case() succeeds)
	// unless UpdateOnly.
	Case cases.CaseInput `json:"case"`
	// Review is the review as this export shows it, when the file has one:
	// compare it with the case's last snapshot to learn what changed.
	Review *ReviewSnapshot `json:"review,omitempty"`
	// OpenedAt is when the buyer raised the matter on the platform.
	OpenedAt *time.Time `json:"opened_at,omitempty"`
	// Claimed is the amount the buyer asks back (申请金额, refund amount).
	Claimed *cases.MoneyInput `json:"claimed,omitempty"`
	// Status is the platform's own status of the request, as written.
	Status string `json:"status,omitempty"`
	// Escalated: the platform intervened (客服介入, an A-to-z claim); the
	// case is high severity unless the file says otherwise.
	Escalated bool `json:"escalated,omitempty"`
	// UpdateOnly lines describe no case by themselves (a positive review,
	// an order without refund): they update the case of the same key, if
	// any, and create none. Note says why.
	UpdateOnly bool   `json:"update_only,omitempty"`
	Note       string `json:"note,omitempty"`
}

// Batch is what Read found in a file.
type Batch struct {
	// Profile names how the file was read: "redress", a profile name, or
	// "" for a mapping of no profile.
	Profile string `json:"profile"`
	Title   string `json:"title,omitempty"`
	// Columns is the column each field was read from.
	Columns map[Field]string `json:"columns"`
	// Ignored are the file's columns no field reads, in file order.
	Ignored    []string    `json:"ignored_columns"`
	HeaderLine int         `json:"header_line"`
	Rows       []Row       `json:"rows"`
	Errors     []LineError `json:"errors"`
	// Warnings are doubts that refuse nothing (an id that may have been
	// rounded by Excel).
	Warnings []LineError `json:"warnings"`
}

// Read reads a UTF-8 CSV or TSV export (an Excel byte order mark allowed;
// the caller decodes GB18030 first). It finds the header among the first
// lines, reads it with opts.Mapping or as the export it recognises, and
// returns a row for every good line and every problem of every bad line;
// columns it does not need are listed, not refused. The file is refused
// whole, with a *cases.Error, when it is not UTF-8, is empty, or its header
// is neither recognised nor fits the mapping; the error then carries a
// suggested mapping (Extra["suggested_mapping"]).
func Read(r io.Reader, opts Options) (Batch, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return Batch{}, &cases.Error{Code: cases.Malformed, Field: "body", Message: "the file could not be read", Err: err}
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")) // Excel's UTF-8 byte order mark
	if !utf8.Valid(body) {
		line := 1 + bytes.Count(body[:firstInvalidUTF8(body)], []byte("\n"))
		return Batch{}, &cases.Error{Code: cases.Invalid, Field: "body", Message: fmt.Sprintf(
			"the file is not UTF-8 (first bad byte on line %d); export it as UTF-8, or send Content-Type: text/csv; charset=gb18030", line)}
	}
	limit := opts.MaxLines
	if limit <= 0 {
		limit = DefaultMaxLines
	}
	recs := records(body, limit+maxPreamble+1)
	if len(recs) == 0 {
		return Batch{}, &cases.Error{Code: cases.Invalid, Field: "body", Message: "the file is empty; the first line must name the columns"}
	}
	p, h, err := findHeader(recs, opts)
	if err != nil {
		return Batch{}, err
	}
	b := Batch{Profile: p.name, Title: p.title, Columns: map[Field]string{}, Ignored: []string{},
		HeaderLine: recs[h].line, Rows: []Row{}, Errors: []LineError{}, Warnings: []LineError{}}
	used := map[int]bool{}
	for f, i := range p.cols {
		b.Columns[f] = clean(p.header[i])
		used[i] = true
	}
	for i, name := range p.header {
		if name = clean(name); name != "" && !used[i] && !slices.Contains(b.Ignored, name) {
			b.Ignored = append(b.Ignored, name)
		}
	}
	seen := map[Key]int{}
	lastID, lastRow := "\x00", -1
	n := 0
	for _, rec := range recs[h+1:] {
		if rec.err == nil && isBlank(rec.fields) {
			continue
		}
		if n++; n > limit {
			b.Errors = append(b.Errors, LineError{Line: rec.line, Detail: fmt.Sprintf(
				"only %d lines are imported at a time; split the file and import the rest", limit)})
			break
		}
		if rec.err != nil {
			b.Errors = append(b.Errors, LineError{Line: rec.line, Detail: "not a CSV line: " + rec.err.Error()})
			lastID, lastRow = "\x00", -1
			continue
		}
		if badFieldCount(rec.fields, len(p.header)) {
			b.Errors = append(b.Errors, LineError{Line: rec.line, Detail: fmt.Sprintf(
				"has %d fields; the header has %d", len(rec.fields), len(p.header))})
			lastID, lastRow = "\x00", -1
			continue
		}
		if p.continuation() {
			id := p.cell(rec.fields, FieldExternalID)
			if id == lastID {
				if lastRow >= 0 {
					p.addItem(&b.Rows[lastRow], rec.fields)
				}
				continue
			}
			lastID, lastRow = id, -1
		}
		row, errs, warns := p.row(rec.fields, rec.line)
		b.Warnings = append(b.Warnings, warns...)
		if len(errs) > 0 {
			b.Errors = append(b.Errors, errs...)
			continue
		}
		if first, dup := seen[row.Key]; dup {
			b.Errors = append(b.Errors, LineError{Line: rec.line, Column: p.column(FieldExternalID), Field: string(FieldExternalID),
				Detail: fmt.Sprintf("repeats line %d (same platform and external_id); not imported twice", first)})
			continue
		}
		seen[row.Key] = rec.line
		b.Rows = append(b.Rows, row)
		lastRow = len(b.Rows) - 1
	}
	return b, nil
}
