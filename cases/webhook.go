package cases

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// WebhookFormat is the message shape a webhook's receiver expects.
type WebhookFormat string

// The webhook formats: generic JSON signed with HMAC-SHA256, and the group
// robots of WeCom, DingTalk and Slack.
const (
	FormatJSON     WebhookFormat = "json"
	FormatWeCom    WebhookFormat = "wecom"
	FormatDingTalk WebhookFormat = "dingtalk"
	FormatSlack    WebhookFormat = "slack"
)

// WebhookFormats returns every format.
func WebhookFormats() []WebhookFormat {
	return []WebhookFormat{FormatJSON, FormatWeCom, FormatDingTalk, FormatSlack}
}

// Valid reports whether f is a known format.
func (f WebhookFormat) Valid() bool { return slices.Contains(WebhookFormats(), f) }

// WebhookEvents returns the ledger events a webhook may subscribe to.
func WebhookEvents() []EventKind {
	return []EventKind{EventReminded, EventEscalated, EventApprovalRequested, EventHandoverReminded,
		EventReportDaily, EventReportWeekly}
}

// Limits on webhook fields, shared with the schema.
const (
	MaxWebhookName   = 100
	MaxWebhookURL    = 2000
	MaxWebhookSecret = 200
	MinJSONSecret    = 16
)

// Webhook is an outbound channel an admin configured. Its secret is kept to
// sign requests and never leaves the server.
type Webhook struct {
	ID        int64         `json:"id"`
	Name      string        `json:"name"`
	URL       string        `json:"url"`
	Format    WebhookFormat `json:"format"`
	Secret    string        `json:"-"`
	HasSecret bool          `json:"has_secret"`
	Events    []EventKind   `json:"events"`
	Language  Language      `json:"language"`
	Active    bool          `json:"active"`
	CreatedBy *int64        `json:"created_by"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// WebhookInput is a webhook as an admin creates it. Omitted events mean
// all of them; an omitted language is Chinese; omitted active is true.
type WebhookInput struct {
	Name     string        `json:"name"`
	URL      string        `json:"url"`
	Format   WebhookFormat `json:"format"`
	Secret   string        `json:"secret"`
	Events   []EventKind   `json:"events"`
	Language Language      `json:"language"`
	Active   *bool         `json:"active"`
}

// Webhook validates the input and returns the webhook it describes.
func (in WebhookInput) Webhook() (Webhook, error) {
	w := Webhook{Name: in.Name, URL: in.URL, Format: in.Format, Secret: in.Secret, Events: in.Events,
		Language: in.Language, Active: true}
	if in.Active != nil {
		w.Active = *in.Active
	}
	if w.Events == nil {
		// approval_requested is opted into, so that existing receivers of
		// reminders are not sent a new kind of message unasked.
		w.Events = []EventKind{EventReminded, EventEscalated}
	}
	if w.Language == "" {
		w.Language = DefaultLanguage
	}
	return w.Normalize()
}

// WebhookPatch changes some of a webhook's fields; nil means unchanged. An
// empty secret removes it.
type WebhookPatch struct {
	Name     *string        `json:"name"`
	URL      *string        `json:"url"`
	Format   *WebhookFormat `json:"format"`
	Secret   *string        `json:"secret"`
	Events   []EventKind    `json:"events"`
	Language *Language      `json:"language"`
	Active   *bool          `json:"active"`
}

// Apply returns w with the patch applied and validated.
func (p WebhookPatch) Apply(w Webhook) (Webhook, error) {
	if p.Name != nil {
		w.Name = *p.Name
	}
	if p.URL != nil {
		w.URL = *p.URL
	}
	if p.Format != nil {
		w.Format = *p.Format
	}
	if p.Secret != nil {
		w.Secret = *p.Secret
	}
	if p.Events != nil {
		w.Events = p.Events
	}
	if p.Language != nil {
		w.Language = *p.Language
	}
	if p.Active != nil {
		w.Active = *p.Active
	}
	return w.Normalize()
}

// Normalize checks every field and returns the webhook as it is stored.
// Whether the URL's host may be reached is the HTTP layer's check (it
// resolves the name); this one is about the text.
func (w Webhook) Normalize() (Webhook, error) {
	w.Name = strings.TrimSpace(w.Name)
	if w.Name == "" {
		return w, FieldError("name", "name is required")
	}
	if err := checkText("name", w.Name, MaxWebhookName); err != nil {
		return w, err
	}
	w.URL = strings.TrimSpace(w.URL)
	if _, err := ParseWebhookURL(w.URL); err != nil {
		return w, err
	}
	if !w.Format.Valid() {
		return w, FieldError("format", "format must be one of %s", list(WebhookFormats()))
	}
	if err := w.checkSecret(); err != nil {
		return w, err
	}
	if len(w.Events) == 0 {
		return w, FieldError("events", "events must name at least one of %s", list(WebhookEvents()))
	}
	seen := map[EventKind]bool{}
	for _, e := range w.Events {
		if !slices.Contains(WebhookEvents(), e) {
			return w, FieldError("events", "%q is not an event webhooks receive; use %s", e, list(WebhookEvents()))
		}
		if seen[e] {
			return w, FieldError("events", "%q is listed twice", e)
		}
		seen[e] = true
	}
	if !w.Language.Valid() {
		return w, FieldError("language", "language must be one of %s", list(Languages()))
	}
	w.HasSecret = w.Secret != ""
	return w, nil
}

func (w Webhook) checkSecret() error {
	if !utf8.ValidString(w.Secret) || strings.TrimSpace(w.Secret) != w.Secret {
		return FieldError("secret", "secret must be printable text without surrounding spaces")
	}
	if utf8.RuneCountInString(w.Secret) > MaxWebhookSecret {
		return FieldError("secret", "secret is longer than %d characters", MaxWebhookSecret)
	}
	switch w.Format {
	case FormatJSON:
		if len(w.Secret) < MinJSONSecret {
			return FieldError("secret", "json webhooks are signed: give a secret of at least %d characters", MinJSONSecret)
		}
	case FormatWeCom, FormatSlack:
		if w.Secret != "" {
			return FieldError("secret", "%s robots do not sign requests; leave secret empty (the URL carries the key)", w.Format)
		}
	}
	return nil
}

// ParseWebhookURL checks that s is an absolute http(s) URL with a host and
// no credentials, and returns it parsed.
func ParseWebhookURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, FieldError("url", "url is required")
	}
	if len(s) > MaxWebhookURL {
		return nil, FieldError("url", "url is longer than %d characters", MaxWebhookURL)
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, FieldError("url", "url is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, FieldError("url", "url must start with https:// or http://")
	}
	if u.Hostname() == "" {
		return nil, FieldError("url", "url has no host")
	}
	if u.User != nil {
		return nil, FieldError("url", "url must not carry a user name or password")
	}
	return u, nil
}

// RedactURL returns the part of a webhook URL that is safe to log: scheme
// and host. Robot URLs carry their access token in the path or the query.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "(invalid url)"
	}
	return u.Scheme + "://" + u.Host
}
