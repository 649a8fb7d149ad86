package intake

import (
	"bytes"
	"io"
	"unicode/utf8"

	"redress/cases"
)

// Head returns the header of an export and up to n of the lines after it,
// as cells, for the import page's preview and mapping step. The header is
// the line a known export or Redress's own columns recognise among the
// first lines; else the widest of them (a title above the header has
// fewer cells).
func Head(r io.Reader, n int) (header []string, rows [][]string, err error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, &cases.Error{Code: cases.Malformed, Field: "body", Message: "the file could not be read", Err: err}
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(body) {
		return nil, nil, &cases.Error{Code: cases.Invalid, Field: "body",
			Message: "the file is not UTF-8; export it as UTF-8, or choose GB 18030"}
	}
	recs := records(body, maxPreamble+n+1)
	h, widest := -1, 0
	for i := 0; i < len(recs) && i < maxPreamble; i++ {
		if recs[i].err != nil || isBlank(recs[i].fields) {
			continue
		}
		if _, ok := Recognise(recs[i].fields); ok {
			h = i
			break
		}
		if w := len(nonEmpty(recs[i].fields)); w > widest {
			h, widest = i, w
		}
	}
	if h < 0 {
		return nil, nil, &cases.Error{Code: cases.Invalid, Field: "body", Message: "the file is empty; the first line must name the columns"}
	}
	for i := range recs[h].fields {
		recs[h].fields[i] = clean(recs[h].fields[i])
	}
	rows = [][]string{}
	for _, rec := range recs[h+1:] {
		if len(rows) == n {
			break
		}
		if rec.err == nil && !isBlank(rec.fields) {
			rows = append(rows, rec.fields)
		}
	}
	return recs[h].fields, rows, nil
}
