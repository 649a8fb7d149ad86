package intake

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"
)

// record is one CSV record, or the error that made its line unreadable.
type record struct {
	fields []string
	line   int
	err    error
}

// records splits the body into CSV records with their line numbers, at
// most limit of them. The delimiter is sniffed (comma, tab or semicolon).
// Quotes are read strictly unless the file has bare quotes, as exports that
// guard ids with ="…" do.
func records(body []byte, limit int) []record {
	comma := sniffDelimiter(body)
	recs, bare := readRecords(body, comma, false, limit)
	if bare {
		recs, _ = readRecords(body, comma, true, limit)
	}
	return recs
}

func readRecords(body []byte, comma rune, lazy bool, limit int) ([]record, bool) {
	cr := csv.NewReader(bytes.NewReader(body))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = lazy
	var out []record
	bare := false
	for len(out) < limit {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			bare = bare || errors.Is(err, csv.ErrBareQuote)
			out = append(out, record{line: pe.StartLine, err: pe.Err})
		case err != nil:
			out = append(out, record{err: err})
		default:
			line, _ := cr.FieldPos(0)
			out = append(out, record{fields: fields, line: line})
		}
	}
	return out, bare
}

// sniffDelimiter picks the delimiter that appears most often on one of the
// first lines: Amazon's reports are tab-separated, European Excel writes
// semicolons, everything else commas.
func sniffDelimiter(body []byte) rune {
	lines := bytes.SplitN(body, []byte("\n"), maxPreamble+2)
	best, bestN := ',', 0
	for _, d := range []byte{',', '\t', ';'} {
		for _, l := range lines[:min(len(lines), maxPreamble+1)] {
			if n := countUnquoted(l, d); n > bestN {
				best, bestN = rune(d), n
			}
		}
	}
	return best
}

// countUnquoted counts d in a line outside double quotes.
func countUnquoted(line []byte, d byte) int {
	n, quoted := 0, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == d && !quoted:
			n++
		}
	}
	return n
}

// badFieldCount reports whether a record does not fit a header of n
// columns: fewer fields, or more that are not empty.
func badFieldCount(rec []string, n int) bool {
	if len(rec) < n {
		return true
	}
	for _, v := range rec[n:] { // trailing empty fields of a trailing delimiter are fine
		if clean(v) != "" {
			return true
		}
	}
	return false
}

func isBlank(rec []string) bool {
	for _, v := range rec {
		if clean(v) != "" {
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
