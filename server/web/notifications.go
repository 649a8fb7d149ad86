package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// noticeFilter is one filter of the inbox by kind: the notice kinds it
// shows, named after what they are about.
type noticeFilter struct {
	Name  string
	Kinds []string
}

// noticeFilters are the inbox's filters by kind, in the order the page
// shows them. A kind no filter names shows under "all" only.
func noticeFilters() []noticeFilter {
	return []noticeFilter{
		{"reminders", []string{string(cases.LevelOverdue), string(cases.LevelPlatformSoon)}},
		{"escalations", []string{string(cases.LevelEscalation), string(cases.LevelPlatformPassed)}},
		{"approvals", []string{"approval_requested", "approved", "declined", "approval_overdue", "approval_escalated"}},
		{"handovers", []string{string(cases.HandoverOverdue), string(cases.HandoverEscalation)}},
		{"verdicts", []string{"verdict_rework", "verdict_disputed"}},
	}
}

// noticeKinds are every kind the filters name: the catalogue has a label
// for each (notice_kind.*).
func noticeKinds() []string {
	var out []string
	for _, f := range noticeFilters() {
		out = append(out, f.Kinds...)
	}
	return out
}

// notificationsView is the inbox page's data: the notices of one page,
// grouped by case.
type notificationsView struct {
	Groups     []noticeGroup
	Filters    []filterLink
	Unread     filterLink // only unread notices
	All        filterLink // read ones too
	Kind       string     // the filter by kind in force ("" for all)
	UnreadOnly bool
	BadKind    string // a filter by kind that does not exist, as asked
	NextURL    string
	FirstURL   string
}

// filterLink is a link that sets one filter, with the unread notices it
// would show.
type filterLink struct {
	Name    string
	URL     string
	Current bool
	Unread  int64
}

// noticeGroup is the notices of one page about one case, newest first; a
// notice about no case (a handover) is a group of its own.
type noticeGroup struct {
	CaseID  *int64
	CaseRef string
	Items   []noticeRow
	Unread  int
}

// noticeRow is a notice as its group shows it: the text without the case
// reference the group's heading already gives.
type noticeRow struct {
	cases.Notification
	Text string
}

// withoutRef drops a leading "<ref>: " (or "<ref>：") from a notice's
// text; a reference that is part of the sentence stays.
func withoutRef(msg, ref string) string {
	if ref == "" {
		return msg
	}
	for _, sep := range []string{": ", "："} {
		if rest, ok := strings.CutPrefix(msg, ref+sep); ok && rest != "" {
			return rest
		}
	}
	return msg
}

// groupByCase groups notices (newest first) by their case, the groups in
// the order of their newest notice: an agent's inbox is a list of cases
// to look at, and three notices about one case (overdue, escalated,
// platform deadline passed) are one thing to do.
func groupByCase(items []cases.Notification) []noticeGroup {
	var groups []noticeGroup
	at := map[int64]int{}
	for _, n := range items {
		i, ok := -1, false
		if n.CaseID != nil {
			i, ok = at[*n.CaseID]
		}
		if !ok {
			g := noticeGroup{CaseID: n.CaseID}
			if n.CaseRef != nil {
				g.CaseRef = *n.CaseRef
			}
			groups = append(groups, g)
			i = len(groups) - 1
			if n.CaseID != nil {
				at[*n.CaseID] = i
			}
		}
		groups[i].Items = append(groups[i].Items, noticeRow{Notification: n, Text: withoutRef(n.Message, groups[i].CaseRef)})
		if n.ReadAt == nil {
			groups[i].Unread++
		}
	}
	return groups
}

// inboxURL is the inbox's address with a filter by kind and unread.
func inboxURL(kind string, unread bool) string {
	q := url.Values{}
	if kind != "" {
		q.Set("kind", kind)
	}
	if unread {
		q.Set("unread", "1")
	}
	if len(q) == 0 {
		return "/notifications"
	}
	return "/notifications?" + q.Encode()
}

// kindsOf returns the kinds a filter shows, and false for a filter that
// does not exist.
func kindsOf(name string) ([]string, bool) {
	for _, f := range noticeFilters() {
		if f.Name == name {
			return f.Kinds, true
		}
	}
	return nil, false
}

// Page handles GET /notifications: my inbox, newest first, grouped by
// case; ?kind= keeps one kind of notice (reminders, escalations,
// approvals, handovers, verdicts) and ?unread=1 only what I have not
// read. A filter that does not exist is answered 400 with the page and a
// message that says so, the filters to choose from on it.
func (h *Notifications) Page(c echo.Context) error {
	v, err := h.view(c, "notifications", "notifications.title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	q := c.QueryParams()
	nv := &notificationsView{Kind: q.Get("kind"), UnreadOnly: q.Get("unread") != ""}
	status := http.StatusOK
	kinds, ok := kindsOf(nv.Kind)
	if nv.Kind != "" && !ok {
		nv.BadKind, nv.Kind, status = nv.Kind, "", http.StatusBadRequest
	}
	byKind, err := h.inbox.UnreadByKind(ctx)
	if err != nil {
		return err
	}
	nv.Filters = []filterLink{{Name: "all", URL: inboxURL("", nv.UnreadOnly), Current: nv.Kind == "", Unread: v.Unread}}
	for _, f := range noticeFilters() {
		var n int64
		for _, k := range f.Kinds {
			n += byKind[k]
		}
		nv.Filters = append(nv.Filters, filterLink{Name: f.Name, URL: inboxURL(f.Name, nv.UnreadOnly), Current: nv.Kind == f.Name, Unread: n})
	}
	nv.Unread = filterLink{Name: "unread", URL: inboxURL(nv.Kind, true), Current: nv.UnreadOnly}
	nv.All = filterLink{Name: "all", URL: inboxURL(nv.Kind, false), Current: !nv.UnreadOnly}
	f := cases.NotificationFilter{Cursor: q.Get("cursor"), UnreadOnly: nv.UnreadOnly, Kinds: kinds}
	page, err := h.inbox.List(ctx, f)
	if err != nil {
		return err
	}
	nv.Groups = groupByCase(page.Items)
	v.Unread = page.Unread
	if page.NextCursor != "" {
		nv.NextURL = pageURL(c, q, page.NextCursor)
	}
	if f.Cursor != "" {
		nv.FirstURL = pageURL(c, q, "")
	}
	v.D = nv
	return h.render(c, status, "notifications", v)
}

// Read handles POST /notifications/{id}/read; with open=1 it goes on
// to the notice's case, else back to the inbox with the filters the form
// carried (kind, unread).
func (h *Notifications) Read(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	n, err := h.inbox.MarkRead(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if c.FormValue("open") != "" && n.CaseID != nil {
		return redirect(c, caseURL(*n.CaseID, ""))
	}
	return redirect(c, backToInbox(c, "read"))
}

// ReadAll handles POST /notifications/read-all: every notice of mine,
// whatever the filters show.
func (h *Notifications) ReadAll(c echo.Context) error {
	if _, err := h.inbox.MarkAllRead(c.Request().Context()); err != nil {
		return err
	}
	return redirect(c, backToInbox(c, "all_read"))
}

// backToInbox is the inbox with the filters a form carried, and done.
func backToInbox(c echo.Context, done string) string {
	kind := c.FormValue("kind")
	if _, ok := kindsOf(kind); !ok {
		kind = ""
	}
	u := inboxURL(kind, c.FormValue("unread") != "")
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "done=" + done
}
