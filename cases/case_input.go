package cases

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on case texts, in characters.
const (
	MaxShortText = 200
	MaxLongText  = 10000
)

// ReviewInput is a review as a client sends it.
type ReviewInput struct {
	Rating   *int       `json:"rating"`
	Text     string     `json:"text"`
	PostedAt *time.Time `json:"posted_at"`
	URL      string     `json:"url"`
}

// CaseInput is a new case as a client sends it (API, form or CSV line).
type CaseInput struct {
	ExternalID     string       `json:"external_id"`
	Platform       Platform     `json:"platform"`
	Shop           string       `json:"shop"`
	OrderRef       string       `json:"order_ref"`
	OrderValue     *MoneyInput  `json:"order_value"`
	BuyerHandle    string       `json:"buyer_handle"`
	BuyerContact   string       `json:"buyer_contact"`
	Kind           Kind         `json:"kind"`
	Severity       Severity     `json:"severity"`
	Summary        string       `json:"summary"`
	Review         *ReviewInput `json:"review"`
	AssigneeID     *int64       `json:"assignee_id"`
	PlatformDueAt  *time.Time   `json:"platform_due_at"`
	SuspectedAbuse bool         `json:"suspected_abuse"`
}

// Case validates the input and returns the new case it describes (state
// respond, no due time yet: the protocol sets it).
func (in CaseInput) Case() (Case, error) {
	c := Case{
		ExternalID:     strings.TrimSpace(in.ExternalID),
		Platform:       in.Platform,
		Shop:           strings.TrimSpace(in.Shop),
		OrderRef:       strings.TrimSpace(in.OrderRef),
		BuyerHandle:    strings.TrimSpace(in.BuyerHandle),
		BuyerContact:   strings.TrimSpace(in.BuyerContact),
		Kind:           in.Kind,
		Severity:       in.Severity,
		Summary:        strings.TrimSpace(in.Summary),
		AssigneeID:     in.AssigneeID,
		PlatformDueAt:  in.PlatformDueAt,
		SuspectedAbuse: in.SuspectedAbuse,
		State:          StateRespond,
	}
	if c.Severity == "" {
		c.Severity = "normal"
	}
	if in.OrderValue != nil {
		m, err := in.OrderValue.Parse("order_value")
		if err != nil {
			return Case{}, err
		}
		c.OrderValue = &m
	}
	if in.Review != nil {
		c.Review = Review{Rating: in.Review.Rating, Text: strings.TrimSpace(in.Review.Text), PostedAt: in.Review.PostedAt, URL: strings.TrimSpace(in.Review.URL)}
	}
	return c, c.Validate()
}

// Validate checks the invariants of a case's own fields and names the first
// field at fault.
func (c Case) Validate() error {
	if !c.Platform.Valid() {
		return FieldError("platform", "platform must be one of %s", list(Platforms()))
	}
	if !c.Kind.Valid() {
		return FieldError("kind", "kind must be one of %s", list(Kinds()))
	}
	if !c.Severity.Valid() {
		return FieldError("severity", "severity must be one of %s", list(Severities()))
	}
	if c.Shop == "" {
		return FieldError("shop", "shop is required")
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"external_id", c.ExternalID, MaxShortText},
		{"shop", c.Shop, MaxShortText},
		{"order_ref", c.OrderRef, MaxShortText},
		{"buyer_handle", c.BuyerHandle, MaxShortText},
		{"buyer_contact", c.BuyerContact, 500},
		{"summary", c.Summary, MaxLongText},
		{"review.text", c.Review.Text, MaxLongText},
		{"review.url", c.Review.URL, 2000},
	} {
		if err := checkText(f.name, f.value, f.max); err != nil {
			return err
		}
	}
	if r := c.Review.Rating; r != nil && (*r < 1 || *r > 5) {
		return FieldError("review.rating", "rating must be from 1 to 5")
	}
	if u := c.Review.URL; u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return FieldError("review.url", "review url must be an http(s) link")
		}
	}
	if c.AssigneeID != nil && *c.AssigneeID <= 0 {
		return FieldError("assignee_id", "assignee_id must be a user id")
	}
	return nil
}

// checkText refuses texts that are too long, not UTF-8, or that carry
// control characters other than line breaks and tabs.
func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return FieldError(field, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return FieldError(field, "%s is %d characters long; the limit is %d", field, n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return FieldError(field, "%s contains a control character", field)
		}
	}
	return nil
}

// CheckText validates a free text field such as a comment.
func CheckText(field, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return FieldError(field, "%s is required", field)
	}
	return checkText(field, s, max)
}

func list[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// CasePatch is a partial edit of a case's own fields; nil means unchanged.
// The protocol's stage data, state, due time and assignee change through
// their own moves, not through a patch.
type CasePatch struct {
	ExternalID     *string      `json:"external_id"`
	Platform       *Platform    `json:"platform"`
	Shop           *string      `json:"shop"`
	OrderRef       *string      `json:"order_ref"`
	OrderValue     *MoneyInput  `json:"order_value"`
	BuyerHandle    *string      `json:"buyer_handle"`
	BuyerContact   *string      `json:"buyer_contact"`
	Kind           *Kind        `json:"kind"`
	Severity       *Severity    `json:"severity"`
	Summary        *string      `json:"summary"`
	Review         *ReviewInput `json:"review"`
	PlatformDueAt  *time.Time   `json:"platform_due_at"`
	SuspectedAbuse *bool        `json:"suspected_abuse"`
}

// Apply returns c with the patch applied, the changes as an event payload
// ({field: {"old": …, "new": …}}), or an error naming the field at fault.
func (p CasePatch) Apply(c Case) (Case, map[string]any, error) {
	changes := map[string]any{}
	setStr := func(name string, dst *string, v *string) {
		if v != nil && strings.TrimSpace(*v) != *dst {
			changes[name] = map[string]any{"old": *dst, "new": strings.TrimSpace(*v)}
			*dst = strings.TrimSpace(*v)
		}
	}
	setStr("external_id", &c.ExternalID, p.ExternalID)
	setStr("shop", &c.Shop, p.Shop)
	setStr("order_ref", &c.OrderRef, p.OrderRef)
	setStr("buyer_handle", &c.BuyerHandle, p.BuyerHandle)
	setStr("buyer_contact", &c.BuyerContact, p.BuyerContact)
	setStr("summary", &c.Summary, p.Summary)
	if p.Platform != nil && *p.Platform != c.Platform {
		changes["platform"] = map[string]any{"old": c.Platform, "new": *p.Platform}
		c.Platform = *p.Platform
	}
	if p.Kind != nil && *p.Kind != c.Kind {
		changes["kind"] = map[string]any{"old": c.Kind, "new": *p.Kind}
		c.Kind = *p.Kind
	}
	if p.Severity != nil && *p.Severity != c.Severity {
		changes["severity"] = map[string]any{"old": c.Severity, "new": *p.Severity}
		c.Severity = *p.Severity
	}
	if p.OrderValue != nil {
		m, err := p.OrderValue.Parse("order_value")
		if err != nil {
			return c, nil, err
		}
		if c.OrderValue == nil || *c.OrderValue != m {
			changes["order_value"] = map[string]any{"old": c.OrderValue, "new": m}
			c.OrderValue = &m
		}
	}
	if r := p.Review; r != nil {
		nr := Review{Rating: r.Rating, Text: strings.TrimSpace(r.Text), PostedAt: r.PostedAt, URL: strings.TrimSpace(r.URL)}
		if fmt.Sprint(reviewView(nr)) != fmt.Sprint(reviewView(c.Review)) {
			changes["review"] = map[string]any{"old": reviewView(c.Review), "new": reviewView(nr)}
			c.Review = nr
		}
	}
	if p.PlatformDueAt != nil && (c.PlatformDueAt == nil || !c.PlatformDueAt.Equal(*p.PlatformDueAt)) {
		changes["platform_due_at"] = map[string]any{"old": c.PlatformDueAt, "new": *p.PlatformDueAt}
		t := *p.PlatformDueAt
		c.PlatformDueAt = &t
	}
	if p.SuspectedAbuse != nil && *p.SuspectedAbuse != c.SuspectedAbuse {
		changes["suspected_abuse"] = map[string]any{"old": c.SuspectedAbuse, "new": *p.SuspectedAbuse}
		c.SuspectedAbuse = *p.SuspectedAbuse
	}
	if err := c.Validate(); err != nil {
		return c, nil, err
	}
	return c, changes, nil
}

// reviewView is a review as plain values, for comparing and recording.
func reviewView(r Review) map[string]any {
	m := map[string]any{"text": r.Text, "url": r.URL, "rating": nil, "posted_at": nil}
	if r.Rating != nil {
		m["rating"] = *r.Rating
	}
	if r.PostedAt != nil {
		m["posted_at"] = r.PostedAt.UTC().Format(time.RFC3339)
	}
	return m
}
