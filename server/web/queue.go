package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/problem"
)

// queueView is a list of cases: the signed-in agent's queue, the
// unassigned queue, or (supervisors) every case.
type queueView struct {
	Scope        string // mine, unassigned or all
	Values       url.Values
	Rows         []queueRow
	NextURL      string
	FirstURL     string
	States       []option
	Kinds        []option
	Platforms    []option
	Assignees    []option
	ShowAssignee bool
	Error        *fieldErr
}

// queueRow is one case of a list, its buyer contact masked.
type queueRow struct {
	Case     cases.Case
	Assignee string
	// KnownAbuse marks a case whose buyer has another case on the same
	// platform flagged as suspected abuse.
	KnownAbuse bool
}

// Mine handles GET /: my open cases, overdue first, then by due time;
// ?scope=unassigned lists the cases nobody has taken.
func (h *Queue) Mine(c echo.Context) error {
	scope := "mine"
	if c.QueryParam("scope") == "unassigned" {
		scope = "unassigned"
	}
	return h.list(c, scope)
}

// All handles GET /cases (supervisors): every case, filterable by
// assignee.
func (h *Queue) All(c echo.Context) error { return h.list(c, "all") }

func (h *Queue) list(c echo.Context, scope string) error {
	nav := map[string]string{"mine": "queue", "unassigned": "unassigned", "all": "all"}[scope]
	v, err := h.view(c, nav, "queue.title."+scope)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	qv := &queueView{Scope: scope, Values: q, ShowAssignee: scope == "all"}
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	f := cases.Filter{Kind: cases.Kind(q.Get("kind")), Platform: cases.Platform(q.Get("platform")),
		Shop: q.Get("shop"), Q: q.Get("q"), Cursor: q.Get("cursor")}
	switch state {
	case "open":
		f.States = cases.OpenStates()
	case "all":
	default:
		f.States = []cases.State{cases.State(state)}
	}
	var dir directory
	switch scope {
	case "mine":
		f.AssigneeID = &v.User.ID
	case "unassigned":
		f.Unassigned = true
	case "all":
		if dir, err = h.directory(c); err != nil {
			return err
		}
		switch a := q.Get("assignee"); a {
		case "":
		case "none":
			f.Unassigned = true
		default:
			id, err := strconv.ParseInt(a, 10, 64)
			if err != nil {
				return &cases.Error{Code: cases.Malformed, Field: "assignee", Message: "assignee must be a user id or none"}
			}
			f.AssigneeID = &id
		}
		qv.Assignees = []option{{Value: "", Label: h.t(v, "queue.anyone"), Selected: q.Get("assignee") == ""},
			{Value: "none", Label: h.t(v, "queue.nobody"), Selected: q.Get("assignee") == "none"}}
		people, err := h.people.Directory(c.Request().Context())
		if err != nil {
			return err
		}
		for _, u := range people {
			id := strconv.FormatInt(u.ID, 10)
			qv.Assignees = append(qv.Assignees, option{Value: id, Label: u.DisplayName, Selected: q.Get("assignee") == id})
		}
	}
	qv.States = append([]option{{Value: "open", Label: h.t(v, "queue.state_open"), Selected: state == "open"},
		{Value: "all", Label: h.t(v, "queue.state_all"), Selected: state == "all"}},
		enumOptions(h.UI, v, "state", cases.States(), state, "")...)
	qv.Kinds = enumOptions(h.UI, v, "kind", cases.Kinds(), q.Get("kind"), h.t(v, "queue.any_kind"))
	qv.Platforms = enumOptions(h.UI, v, "platform", cases.Platforms(), q.Get("platform"), h.t(v, "queue.any_platform"))
	v.D = qv

	page, err := h.store.List(c.Request().Context(), f)
	if err != nil {
		if code := cases.ErrorCode(err); code != cases.Invalid && code != cases.Malformed {
			return err
		}
		de := problem.From(err)
		qv.Error = h.refusalOf(v, "queue", de)
		return h.render(c, problem.Status(de), "queue", v)
	}
	for _, cs := range page.Items {
		row := queueRow{Case: cs.Masked(), KnownAbuse: cs.BuyerFlaggedAbuse != nil && *cs.BuyerFlaggedAbuse}
		if dir != nil {
			row.Assignee = dir.name(cs.AssigneeID)
		}
		qv.Rows = append(qv.Rows, row)
	}
	if page.NextCursor != "" {
		qv.NextURL = pageURL(c, q, page.NextCursor)
	}
	if f.Cursor != "" {
		qv.FirstURL = pageURL(c, q, "")
	}
	return h.render(c, http.StatusOK, "queue", v)
}

// pageURL is the list's URL with its filters and another cursor.
func pageURL(c echo.Context, q url.Values, cursor string) string {
	next := url.Values{}
	for k, vs := range q {
		if k != "cursor" && k != "done" {
			next[k] = vs
		}
	}
	if cursor != "" {
		next.Set("cursor", cursor)
	}
	u := c.Request().URL.Path
	if enc := next.Encode(); enc != "" {
		u += "?" + enc
	}
	return u
}
