// Package web is the agents' workspace: pages rendered on the server from
// the templates in ui/, in the user's language and time zone, and the
// forms they post. Handlers are thin: they call the same case actions and
// stores as the JSON API and render the result, or the refusal next to the
// field it names.
package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/store"
	"redress/server/actions"
	"redress/server/auth"
	"redress/server/config"
	"redress/ui/i18n"
	"redress/workflows"
)

// pageFiles lists, for every page, the templates it is made of besides the
// shared layout and partials. A page whose file is missing or does not
// parse stops the server at start.
var pageFiles = map[string][]string{
	"login":          {"login.html"},
	"queue":          {"queue.html"},
	"case":           {"case.html", "case_evidence.html", "case_timeline.html"},
	"new_case":       {"new_case.html"},
	"notifications":  {"notifications.html"},
	"import":         {"import.html"},
	"users":          {"users.html"},
	"handover":       {"handover.html"},
	"handovers":      {"handovers.html"},
	"replies":        {"replies.html"},
	"desk":           {"desk.html"},
	"audit":          {"audit.html"},
	"policy":         {"policy.html"},
	"platform_rules": {"platform_rules.html"},
	"tone_rules":     {"tone_rules.html"},
	"reports":        {"reports.html"},
	"daily_report":   {"daily_report.html"},
	"error":          {"error.html"},
}

// sharedFiles are parsed into every page.
var sharedFiles = []string{"layout.html", "partials.html"}

// Deps is what the pages work with.
type Deps struct {
	Config  config.Config
	Log     *slog.Logger
	Store   *store.Store
	People  *store.People
	Inbox   *store.Notifications
	Actions *actions.Cases
	// Imports and DeskPolicy are the import and the desk policy's
	// operations.
	Imports    *actions.Imports
	DeskPolicy *actions.DeskPolicy
	Gate       *auth.Gate
	Policy     workflows.Policy
	// Handovers are the shift handover's operations.
	Handovers *actions.Handovers
	Replies   *actions.Replies
	Tone      *actions.Tone
	// Reports are the report figures the reports pages show.
	Reports *actions.Reports
	// Draining is closed when the server shuts down.
	Draining <-chan struct{}
}

// UI is the parsed workspace — every page's template in every language,
// the static files and the translations — and what its handlers share.
type UI struct {
	pages  map[cases.Language]map[string]*template.Template
	assets *assets
	// apiDocs is the API reference page, rendered once at start.
	apiDocs []byte
	tr      *i18n.Catalogue
	zones   sync.Map // time zone name → *time.Location

	cfg    config.Config
	log    *slog.Logger
	store  *store.Store
	people *store.People
	inbox  *store.Notifications
	ops    *actions.Cases
	// imports and deskPolicy are the import and the desk policy's
	// operations.
	imports    *actions.Imports
	deskPolicy *actions.DeskPolicy
	gate       *auth.Gate
	policy     workflows.Policy
	// handovers are the shift handover's operations.
	handovers *actions.Handovers
	replies   *actions.Replies
	tone      *actions.Tone
	reports   *actions.Reports
	draining  <-chan struct{}
}

// Web is the workspace's handlers, one group per page or form family.
type Web struct {
	UI            *UI
	Sessions      *Sessions
	Queue         *Queue
	NewCase       *NewCase
	CasePages     *CasePages
	Notifications *Notifications
	Import        *Import
	Users         *Users
	HandoverPages *HandoverPages
	Replies       *Replies
	Desk          *Desk
	Rules         *Rules
	Reports       *Reports
}

// HandoverPages handles the end-of-shift page and the handovers inbox.
type HandoverPages struct{ *UI }

// Sessions handles sign-in, sign-out and the language switch.
type Sessions struct{ *UI }

// Queue handles the case lists.
type Queue struct{ *UI }

// NewCase handles the new-case form.
type NewCase struct{ *UI }

// CasePages handles the case page and every form on it.
type CasePages struct{ *UI }

// Notifications handles the inbox page.
type Notifications struct{ *UI }

// Import handles the CSV import page.
type Import struct{ *UI }

// Desk handles the supervisor's desk: the approvals and audit queues.
type Desk struct{ *UI }

// Users handles the admins' users page.
type Users struct{ *UI }

// Rules handles the admins' pages of rules kept as data: the platforms'
// default deadlines and the tone rules.
type Rules struct{ *UI }

// Replies handles the reply library's page.
type Replies struct{ *UI }

// New parses the workspace from templates and static files, with the
// words of tr, failing on the first one that is missing or broken.
func New(d Deps, templates, static fs.FS, tr *i18n.Catalogue) (*Web, error) {
	ui, err := newUI(templates, static, tr)
	if err != nil {
		return nil, err
	}
	ui.cfg, ui.log, ui.store, ui.people, ui.inbox = d.Config, d.Log, d.Store, d.People, d.Inbox
	ui.ops, ui.gate, ui.policy, ui.handovers, ui.replies, ui.tone, ui.draining = d.Actions, d.Gate, d.Policy, d.Handovers, d.Replies, d.Tone, d.Draining
	ui.imports, ui.deskPolicy = d.Imports, d.DeskPolicy
	ui.reports = d.Reports
	return &Web{UI: ui, Sessions: &Sessions{ui}, Queue: &Queue{ui}, NewCase: &NewCase{ui}, CasePages: &CasePages{ui},
		Notifications: &Notifications{ui}, Import: &Import{ui}, Users: &Users{ui}, HandoverPages: &HandoverPages{ui},
		Replies: &Replies{ui}, Desk: &Desk{ui}, Rules: &Rules{ui}, Reports: &Reports{ui}}, nil
}

// newUI parses every page in every language, failing on the first
// template or static file that is missing or broken. Each language gets
// its own parse so that the templates' t function is bound to it:
// rendering then needs no per-request cloning.
func newUI(templates, static fs.FS, tr *i18n.Catalogue) (*UI, error) {
	as, err := loadAssets(static)
	if err != nil {
		return nil, err
	}
	w := &UI{pages: map[cases.Language]map[string]*template.Template{}, assets: as, tr: tr}
	if w.apiDocs, err = renderAPIDocs(templates, as); err != nil {
		return nil, err
	}
	for _, lang := range cases.Languages() {
		w.pages[lang] = map[string]*template.Template{}
		for page, files := range pageFiles {
			t := template.New(page).Funcs(w.funcs(lang))
			t, err := t.ParseFS(templates, append(append([]string{}, sharedFiles...), files...)...)
			if err != nil {
				return nil, fmt.Errorf("page %s: %w", page, err)
			}
			for _, name := range []string{"layout", "title", "content"} {
				if t.Lookup(name) == nil {
					return nil, fmt.Errorf("page %s: no template %q defined", page, name)
				}
			}
			w.pages[lang][page] = t
		}
	}
	return w, nil
}

// funcs are the template functions, bound to one language.
func (w *UI) funcs(lang cases.Language) template.FuncMap {
	return template.FuncMap{
		// t translates a key, with {name} placeholders given as pairs.
		"t": func(key string, args ...any) string { return w.tr.T(lang, key, args...) },
		// te translates a domain value: te "state" .State is t "state.respond".
		"te":    func(prefix string, v any) string { return w.tr.T(lang, prefix+"."+fmt.Sprint(v)) },
		"asset": w.assets.url,
		// when formats a time in the page's time zone.
		"when": func(loc *time.Location, t any) string { return formatTime(loc, t) },
		// iso is a time for datetime attributes.
		"iso": func(t any) string {
			if tt, ok := timeOf(t); ok {
				return tt.UTC().Format(time.RFC3339)
			}
			return ""
		},
		// until says how far a time is from now: "in 25 min", "2 h overdue".
		"until": func(now time.Time, t any) string {
			tt, ok := timeOf(t)
			if !ok {
				return ""
			}
			d := tt.Sub(now)
			if d >= 0 {
				return w.tr.T(lang, "time.in", "d", w.tr.Duration(lang, d))
			}
			return w.tr.T(lang, "time.ago", "d", w.tr.Duration(lang, d))
		},
		// dur is how long from now to t, in words: "2 h 5 min".
		"dur": func(now time.Time, t any) string {
			tt, _ := timeOf(t)
			return w.tr.Duration(lang, tt.Sub(now))
		},
		// need says what field needs on form, as a refusal of it reads
		// (UI.needKey); "" when the catalogue has no sentence for it.
		"need": func(form, field string) string {
			if key := needKey(w.tr, form, field); key != "" {
				return w.tr.T(lang, key)
			}
			return ""
		},
		"mask": cases.MaskContact,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"stars": func(r *int) string {
			if r == nil {
				return ""
			}
			return strings.Repeat("★", *r) + strings.Repeat("☆", 5-*r)
		},
		// pct writes a rate as a whole percentage.
		"pct": func(r *float64) string {
			if r == nil {
				return ""
			}
			return fmt.Sprintf("%.0f%%", *r*100)
		},
		"rating": func(r *int) int {
			if r == nil {
				return 0
			}
			return *r
		},
	}
}

// timeOf accepts a time.Time or a *time.Time (nil is no time).
func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t != nil {
			return *t, true
		}
	}
	return time.Time{}, false
}

// formatTime writes a time as agents read it, in their zone.
func formatTime(loc *time.Location, v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// location returns a user's time zone, falling back to the server's.
func (w *UI) location(name string, fallback *time.Location) *time.Location {
	if loc, ok := w.zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		return fallback
	}
	w.zones.Store(name, loc)
	return loc
}

// contentSecurityPolicy keeps pages to their own scripts, styles and
// images: no inline script runs, whatever a buyer managed to write into a
// review.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// render writes a page with the security headers every page carries.
func (w *UI) render(c echo.Context, status int, page string, v *view) error {
	b, err := w.renderBytes(page, v)
	if err != nil {
		return err
	}
	w.pageHeaders(c)
	return c.HTMLBlob(status, b)
}

// renderBytes renders a page into memory.
func (w *UI) renderBytes(page string, v *view) ([]byte, error) {
	t, ok := w.pages[v.Lang][page]
	if !ok {
		return nil, cases.Internalf(nil, "no page %q", page)
	}
	v.Page = page
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, cases.Internalf(err, "render %s", page)
	}
	return buf.Bytes(), nil
}

// pageHeaders sets the security headers every page carries.
func (w *UI) pageHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentSecurityPolicy, contentSecurityPolicy)
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	h.Set(echo.HeaderXFrameOptions, "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set(echo.HeaderCacheControl, "no-store")
}

// redirect answers a form post with 303 See Other, so that reloading the
// page that follows does not post again.
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}
