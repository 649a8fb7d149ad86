package cases

// ImportColumns are the columns of Redress's own import template, in the
// order Redress writes it; platform, external_id, shop and kind are
// required. Marketplaces' native exports are read by their own headers
// (package intake).
func ImportColumns() []string {
	return []string{"platform", "external_id", "shop", "kind", "severity", "order_ref", "order_amount",
		"order_currency", "buyer_handle", "buyer_contact", "summary", "review_rating", "review_text",
		"review_posted_at", "review_url", "platform_due_at"}
}

// ImportError is one problem of one line of an export: a line with three
// bad cells has three.
type ImportError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"` // the column as the file names it
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail"`
}

// ImportReport says what an import did with every line: cases created,
// cases updated (a review that changed since the last export), lines
// skipped (already imported and unchanged, or describing no case), the
// columns no field reads, and every problem of every line.
type ImportReport struct {
	Profile        string        `json:"profile"`
	Created        int           `json:"created"`
	Updated        int           `json:"updated"`
	Skipped        int           `json:"skipped"`
	IgnoredColumns []string      `json:"ignored_columns"`
	Errors         []ImportError `json:"errors"`
	Warnings       []ImportError `json:"warnings"`
}

// NewImportError reports err about one line of an export: a domain error's
// field and message, else the error's text.
func NewImportError(line int, err error) ImportError {
	if e, ok := err.(*Error); ok {
		return ImportError{Line: line, Field: e.Field, Detail: e.Message}
	}
	return ImportError{Line: line, Detail: err.Error()}
}

// FailedLines counts the lines with at least one error.
func (r ImportReport) FailedLines() int {
	lines := map[int]bool{}
	for _, e := range r.Errors {
		lines[e.Line] = true
	}
	return len(lines)
}
