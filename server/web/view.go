package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
	"redress/server/problem"
	"redress/ui/i18n"
	"redress/workflows"
)

// view is what every page template gets: who is looking, in which
// language and zone, the header's unread count, and the page's own data D.
type view struct {
	Page   string
	Title  string // translated
	User   *cases.User
	CSRF   string
	Lang   cases.Language
	Loc    *time.Location
	Now    time.Time
	Unread int64
	Path   string // this page's URL, for the language switch to come back to
	Nav    string // the header's current item
	Flash  string // translated note of what the last post did
	D      any
}

// Supervises reports whether the viewer is a supervisor or admin.
func (v *view) Supervises() bool { return v.User != nil && v.User.Role.Supervises() }

// IsAdmin reports whether the viewer is an admin.
func (v *view) IsAdmin() bool { return v.User != nil && v.User.Role == cases.RoleAdmin }

// t translates in the view's language.
func (h *UI) t(v *view, key string, args ...any) string { return h.tr.T(v.Lang, key, args...) }

// view builds the view of a signed-in page.
func (h *UI) view(c echo.Context, nav, titleKey string) (*view, error) {
	p, _ := auth.PrincipalOf(c)
	u := p.User
	lang := u.Language
	if !lang.Valid() {
		lang = cases.DefaultLanguage
	}
	v := &view{User: &u, Lang: lang, Loc: h.location(u.TimeZone, h.cfg.Location), Now: time.Now(),
		Path: c.Request().URL.RequestURI(), Nav: nav}
	if p.Session != nil {
		v.CSRF = p.Session.CSRFToken
	}
	n, err := h.inbox.Unread(c.Request().Context())
	if err != nil {
		return nil, err
	}
	v.Unread = n
	v.Title = h.t(v, titleKey)
	if done := c.QueryParam("done"); slices.Contains(flashes(), done) {
		v.Flash = h.t(v, "flash."+done)
	}
	return v, nil
}

// anonymousView builds the view of a page for a visitor who is not signed
// in (sign-in, error pages).
func (h *UI) anonymousView(c echo.Context, titleKey string) *view {
	v := &view{Lang: h.tr.Negotiate(c.Request()), Loc: h.cfg.Location, Now: time.Now(),
		Path: c.Request().URL.RequestURI()}
	v.Title = h.t(v, titleKey)
	return v
}

// flashes are the notes a page shows after a post redirected to it with
// ?done=<name>.
func flashes() []string {
	return []string{"created", "moved", "assigned", "commented", "evidence_added", "evidence_voided",
		"remedy_proposed", "return_received", "remedy_approved", "remedy_declined", "verdict_given", "verdict_disputed",
		"policy_saved", "rate_saved", "checklist_saved", "checklist_retired", "checklist_deleted", "settings_saved", "user_created", "user_deactivated", "user_reactivated",
		"read", "all_read", "language", "handed", "acknowledged", "reply_added", "reply_proposed", "reply_approved", "reply_removed", "reply_saved",
		"platform_rule_saved", "tone_rule_saved", "tone_rule_removed"}
}

// fieldErr is a refusal shown next to the field it is about: what the
// field needs, in the user's language, and the server's exact reason
// (English, the domain's words): shown under the message to a reader of
// English, kept folded away (Folded) for a reader of another language.
type fieldErr struct {
	Message string
	Detail  string
	Folded  bool
}

// refusalOf is what a page shows of a refusal de on form (the form's name
// without its record's id; "" for a page's own filters): the sentence
// the catalogue has for the field it names, else for its kind of problem,
// with the server's reason as secondary detail.
func (h *UI) refusalOf(v *view, form string, de *cases.Error) *fieldErr {
	fe := &fieldErr{Message: h.errorMessage(v, form, de), Detail: de.Message, Folded: v.Lang != cases.LanguageEnglish}
	if fe.Detail == fe.Message {
		fe.Detail = ""
	}
	return fe
}

// formState is a posted form shown again after a refusal: what the agent
// typed, and the errors by field. Top holds an error that no field of the
// form shows; Stale says someone else changed the case meanwhile.
type formState struct {
	Name   string
	Values url.Values
	Errors map[string]*fieldErr
	Top    *fieldErr
	Stale  bool
	// NeedsApproval says the refusal was a remedy that needs a
	// supervisor's approval first: the form then offers to ask for it.
	NeedsApproval bool
}

// Get returns the value typed into name.
func (f *formState) Get(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Err returns the error of field name, or nil.
func (f *formState) Err(name string) *fieldErr {
	if f == nil {
		return nil
	}
	return f.Errors[name]
}

// Failed reports whether the form was refused.
func (f *formState) Failed() bool {
	return f != nil && (len(f.Errors) > 0 || f.Top != nil || f.Stale)
}

// refusal turns a domain error into the form state that shows it: next to
// the field it names when the form has that field (or a field inside it:
// "remedy" is shown at "remedy.type"), else above the form.
func (h *UI) refusal(v *view, name string, values url.Values, fields []string, err error) (*formState, int) {
	de := problem.From(err)
	f := &formState{Name: name, Values: values, Errors: map[string]*fieldErr{}}
	status := problem.Status(de)
	if de.Code == cases.Conflict && de.Field == "If-Match" {
		f.Stale = true
		return f, status
	}
	f.NeedsApproval = de.Field == "remedy" && de.Extra["needs_approval"] == true
	// A form's refusals are worded by the form named without its record's
	// id ("decide-12" is form "decide").
	form, _, _ := strings.Cut(name, "-")
	fe := h.refusalOf(v, form, de)
	if target := fieldFor(de.Field, fields); target != "" {
		f.Errors[target] = fe
	} else {
		f.Top = fe
	}
	return f, status
}

// errorMessage says in the user's language what a refusal on form is
// about: a refusal that says something of its own (a tone rule that
// blocks, a variable left unfilled, a remedy that needs approval) says
// it; one about a field says what the field needs (needKey); else the
// kind of problem.
func (h *UI) errorMessage(v *view, form string, de *cases.Error) string {
	if _, ok := de.Extra["tone_warnings"]; ok {
		return h.t(v, "tone.blocked")
	}
	if _, ok := de.Extra["unfilled_variables"]; ok {
		return h.t(v, "reply.unfilled")
	}
	if de.Code == cases.Invalid || de.Code == cases.Malformed {
		if de.Field == "remedy" && de.Extra["needs_approval"] == true {
			return h.t(v, "need.remedy_approval")
		}
		if key := h.needKey(form, de.Field); key != "" {
			return h.t(v, key)
		}
	}
	return h.t(v, "err.code."+string(de.Code))
}

// needKey is the catalogue key of the sentence saying what field needs
// on form: need.<form>.<field> when the form words it its own way
// ("need.decide.comment"), else need.<field>; "" when the catalogue has
// neither (the refusal is then worded by its code).
func (h *UI) needKey(form, field string) string { return needKey(h.tr, form, field) }

// needKey is UI.needKey on catalogue tr. A field of a list item is worded
// as the list's field: "cases[2].note" and "cases[case_id=7].note" are
// "cases.note".
func needKey(tr *i18n.Catalogue, form, field string) string {
	field = withoutIndexes(field)
	if field == "" {
		return ""
	}
	keys := []string{"need." + field}
	if form != "" {
		keys = []string{"need." + form + "." + field, "need." + field}
	}
	for _, key := range keys {
		if tr.Has(key) {
			return key
		}
	}
	return ""
}

// withoutIndexes drops the indexes of list items from a field's name
// ("[2]", "[case_id=7]").
func withoutIndexes(field string) string {
	var b strings.Builder
	depth := 0
	for _, r := range field {
		switch {
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fieldFor finds the field of a form that shows an error about field.
func fieldFor(field string, fields []string) string {
	if field == "" {
		return ""
	}
	if slices.Contains(fields, field) {
		return field
	}
	for _, f := range fields {
		if strings.HasPrefix(f, field+".") {
			return f
		}
	}
	return ""
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// enumOptions offers domain values, labelled by their translations.
func enumOptions[T ~string](h *UI, v *view, prefix string, values []T, selected string, blank string) []option {
	var out []option
	if blank != "" {
		out = append(out, option{Value: "", Label: blank, Selected: selected == ""})
	}
	for _, val := range values {
		out = append(out, option{Value: string(val), Label: h.t(v, prefix+"."+string(val)), Selected: string(val) == selected})
	}
	return out
}

// directory is every user by id, deactivated ones included, for the names
// in lists and timelines. Teams are small: a few pages of the users list.
// (The assignment select offers only active people: People.Directory.)
type directory map[int64]cases.User

func (h *UI) directory(c echo.Context) (directory, error) {
	d := directory{}
	f := cases.UserFilter{Limit: 200}
	for {
		page, err := h.people.Users(c.Request().Context(), f)
		if err != nil {
			return nil, err
		}
		for _, u := range page.Items {
			d[u.ID] = u
		}
		if page.NextCursor == "" {
			return d, nil
		}
		f.Cursor = page.NextCursor
	}
}

// name is a user's display name, or "" for nobody.
func (d directory) name(id *int64) string {
	if id == nil {
		return ""
	}
	if u, ok := d[*id]; ok {
		return u.DisplayName
	}
	return "#" + strconv.FormatInt(*id, 10)
}

// eventKinds lists the ledger's event kinds, for their translations.
func eventKinds() []cases.EventKind {
	return []cases.EventKind{cases.EventCreated, cases.EventEdited, cases.EventTransitioned, cases.EventAssigned,
		cases.EventCommented, cases.EventRemedyProposed, cases.EventRemedyApproved, cases.EventEvidenceAdded,
		cases.EventEvidenceVoided, cases.EventReminded, cases.EventEscalated, cases.EventHandedOver, cases.EventHandoverAcknowledged, cases.EventAudited,
		cases.EventRemedyDeclined, cases.EventVerdictDisputed, cases.EventFlagged, cases.EventContactViewed}
}

// moveKinds lists the protocol's moves, for their translations.
func moveKinds() []workflows.MoveKind {
	return []workflows.MoveKind{workflows.MoveForward, workflows.MoveSkipApology, workflows.MoveRework,
		workflows.MoveCloseEarly, workflows.MoveReopen}
}

// stageFields lists the stage-data fields of the protocol's moves, as
// forms name them: each has a label (stage.<name>) and a sentence saying
// what it needs (need.<name>).
func stageFields() []string {
	return []string{"first_response", "account", "root_cause", "skip_apology_reason", "apology",
		"remedy", "remedy.type", "remedy.amount", "remedy.currency", "remedy.note", "reason",
		"outcome", "outcome.buyer_satisfied", "outcome.review", "outcome.note",
		"close_reason", "note", "reopen_reason"}
}

// errorCodes lists the domain's error codes, for their translations.
func errorCodes() []string {
	var out []string
	for code := range problem.Statuses() {
		out = append(out, string(code))
	}
	sort.Strings(out)
	return out
}

// httpStatusKeys lists the statuses an error page may have a title for.
func httpStatusKeys() []string {
	var out []string
	for _, st := range problem.Statuses() {
		out = append(out, strconv.Itoa(st))
	}
	out = append(out, strconv.Itoa(http.StatusMethodNotAllowed))
	sort.Strings(out)
	return slices.Compact(out)
}
