package cases

import (
	"strings"
)

// Sort orders of case lists. Dynamic SQL comes only from this allow-list.
const (
	SortDue     = "due"     // overdue first, then by due time: the working queue
	SortCreated = "created" // newest first
)

// Page limits of case lists.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// Filter selects cases for a list. Zero values do not filter.
type Filter struct {
	States     []State
	AssigneeID *int64
	Unassigned bool
	Kind       Kind
	Platform   Platform
	Shop       string
	Overdue    bool
	// PendingApproval, when set, keeps only the cases whose remedy waits
	// for a supervisor (true) or only the others (false).
	PendingApproval *bool
	Q               string
	Sort            string
	Limit           int
	Cursor          string
}

// Page is one page of a keyset-paginated list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// Validate checks a filter and fills its defaults.
func (f *Filter) Validate() error {
	for _, s := range f.States {
		if !s.Valid() {
			return FieldError("state", "state must be one of %s", list(States()))
		}
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return FieldError("kind", "kind must be one of %s", list(Kinds()))
	}
	if f.Platform != "" && !f.Platform.Valid() {
		return FieldError("platform", "platform must be one of %s", list(Platforms()))
	}
	if f.Sort == "" {
		f.Sort = SortDue
	}
	if f.Sort != SortDue && f.Sort != SortCreated {
		return FieldError("sort", "sort must be due or created")
	}
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	if f.Limit < 1 || f.Limit > MaxPageSize {
		return FieldError("limit", "limit must be from 1 to %d", MaxPageSize)
	}
	if err := checkText("q", f.Q, MaxShortText); err != nil {
		return err
	}
	return nil
}

// MaskContact hides the middle of a buyer's phone number or address so that
// lists do not spread personal data; the case page shows it whole.
func MaskContact(s string) string {
	r := []rune(s)
	switch n := len(r); {
	case n == 0:
		return ""
	case n <= 4:
		return strings.Repeat("*", n)
	case n <= 8:
		return string(r[:1]) + strings.Repeat("*", n-2) + string(r[n-1:])
	default:
		return string(r[:3]) + strings.Repeat("*", n-7) + string(r[n-4:])
	}
}

// Masked returns the case as lists show it.
func (c Case) Masked() Case {
	c.BuyerContact = MaskContact(c.BuyerContact)
	return c
}
