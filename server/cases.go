package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/workflows"
)

// createCase handles POST /api/v1/cases.
func (s *Server) createCase(c echo.Context) error {
	var in cases.CaseInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	created, err := s.newCase(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/cases/"+strconv.FormatInt(created.ID, 10))
	return s.caseResponse(c, http.StatusCreated, created)
}

// getCase handles GET /api/v1/cases/{id}.
func (s *Server) getCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cs, err := s.store.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if match := c.Request().Header.Get("If-None-Match"); match != "" && match == etag(cs) {
		c.Response().Header().Set("ETag", etag(cs))
		return c.NoContent(http.StatusNotModified)
	}
	return s.caseResponse(c, http.StatusOK, cs)
}

// listCases handles GET /api/v1/cases.
func (s *Server) listCases(c echo.Context) error {
	f, err := s.caseFilter(c)
	if err != nil {
		return err
	}
	page, err := s.store.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	for i := range page.Items {
		page.Items[i] = page.Items[i].Masked()
	}
	return c.JSON(http.StatusOK, page)
}

// caseFilter reads a list's query parameters; "me" and "none" are accepted
// as assignees.
func (s *Server) caseFilter(c echo.Context) (cases.Filter, error) {
	q := c.QueryParams()
	f := cases.Filter{
		Kind:     cases.Kind(q.Get("kind")),
		Platform: cases.Platform(q.Get("platform")),
		Shop:     q.Get("shop"),
		Q:        q.Get("q"),
		Sort:     q.Get("sort"),
		Cursor:   q.Get("cursor"),
	}
	for _, st := range q["state"] {
		for _, one := range strings.Split(st, ",") {
			if one = strings.TrimSpace(one); one == "open" {
				f.States = append(f.States, openStates()...)
			} else if one != "" {
				f.States = append(f.States, cases.State(one))
			}
		}
	}
	switch a := q.Get("assignee_id"); a {
	case "":
	case "none":
		f.Unassigned = true
	case "me":
		actor, err := cases.RequireActor(c.Request().Context())
		if err != nil {
			return f, err
		}
		f.AssigneeID = &actor.ID
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return f, &cases.Error{Code: cases.Malformed, Field: "assignee_id", Message: "assignee_id must be a user id, me or none"}
		}
		f.AssigneeID = &id
	}
	if o := q.Get("overdue"); o != "" {
		b, err := strconv.ParseBool(o)
		if err != nil {
			return f, &cases.Error{Code: cases.Malformed, Field: "overdue", Message: "overdue must be true or false"}
		}
		f.Overdue = b
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return f, &cases.Error{Code: cases.Malformed, Field: "limit", Message: "limit must be a number"}
		}
		f.Limit = n
	}
	return f, nil
}

func openStates() []cases.State {
	var open []cases.State
	for _, st := range cases.States() {
		if st.Open() {
			open = append(open, st)
		}
	}
	return open
}

// patchCase handles PATCH /api/v1/cases/{id}: edits of the case's own
// fields, conditional on If-Match. A changed kind or severity moves the due
// time of the current state.
func (s *Server) patchCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c, true)
	if err != nil {
		return err
	}
	var p cases.CasePatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	updated, err := s.store.Change(c.Request().Context(), id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		next, changes, err := p.Apply(cur)
		if err != nil || len(changes) == 0 {
			return cases.Change{Case: cur, KeepVersion: true}, err
		}
		if next.State.Open() && (next.Kind != cur.Kind || next.Severity != cur.Severity) {
			next.DueAt = s.policy.Deadlines.Rebase(cur, next)
			changes["due_at"] = map[string]any{"old": cur.DueAt, "new": next.DueAt}
		}
		return cases.Change{Case: next, Events: []cases.NewEvent{{Kind: cases.EventEdited, Payload: map[string]any{"changes": changes}}}}, nil
	})
	if err != nil {
		return err
	}
	return s.caseResponse(c, http.StatusOK, updated)
}

// transitionCase handles POST /api/v1/cases/{id}/transitions.
func (s *Server) transitionCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c, true)
	if err != nil {
		return err
	}
	var m workflows.Move
	if err := bindJSON(c, &m); err != nil {
		return err
	}
	updated, err := s.transition(c.Request().Context(), id, version, m)
	if err != nil {
		return err
	}
	return s.caseResponse(c, http.StatusOK, updated)
}

// assignCase handles POST /api/v1/cases/{id}/assignment. If-Match is
// optional: taking a case from the unassigned queue should not need a reload.
func (s *Server) assignCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c, false)
	if err != nil {
		return err
	}
	var in struct {
		AssigneeID *int64 `json:"assignee_id"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	updated, err := s.assign(c.Request().Context(), id, version, in.AssigneeID)
	if err != nil {
		return err
	}
	return s.caseResponse(c, http.StatusOK, updated)
}

// commentCase handles POST /api/v1/cases/{id}/comments. A comment does not
// change the case's version.
func (s *Server) commentCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ev, err := s.comment(c.Request().Context(), id, in.Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ev)
}

// proposeRemedy handles POST /api/v1/cases/{id}/remedy: the agent records
// the remedy they intend, so that a supervisor can approve it when the
// policy says so.
func (s *Server) proposeRemedy(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c, false)
	if err != nil {
		return err
	}
	var in workflows.RemedyInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	updated, err := s.proposeRemedyFor(c.Request().Context(), id, version, in)
	if err != nil {
		return err
	}
	return s.caseResponse(c, http.StatusOK, updated)
}

// approveRemedy handles POST /api/v1/cases/{id}/approvals (supervisors).
func (s *Server) approveRemedy(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c, false)
	if err != nil {
		return err
	}
	updated, err := s.approveRemedyOf(c.Request().Context(), id, version)
	if err != nil {
		return err
	}
	return s.caseResponse(c, http.StatusOK, updated)
}

// caseEvents handles GET /api/v1/cases/{id}/events.
func (s *Server) caseEvents(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	evs, err := s.store.Events(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": evs})
}

// verifyCase handles GET /api/v1/cases/{id}/events/verify.
func (s *Server) verifyCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.store.Verify(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// facts adapts the store's facts to the protocol's.
func (s *Server) facts(f cases.Facts) workflows.Facts {
	return workflows.Facts{Now: f.Now, ActorID: f.Actor.ID, HasAbuseEvidence: f.HasAbuseEvidence}
}

func (s *Server) caseResponse(c echo.Context, status int, cs cases.Case) error {
	c.Response().Header().Set("ETag", etag(cs))
	return c.JSON(status, cs)
}

// etag is a case's entity tag: its version.
func etag(cs cases.Case) string { return `"v` + strconv.FormatInt(cs.Version, 10) + `"` }

// ifMatch reads the version a conditional write is based on. Required
// writes without it get 428.
func ifMatch(c echo.Context, required bool) (*int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		if required {
			return nil, &cases.Error{Code: cases.PreconditionNeeded, Field: "If-Match",
				Message: "send If-Match with the case's ETag, so that a concurrent change is not overwritten"}
		}
		return nil, nil
	}
	v := strings.TrimPrefix(h, "W/")
	v = strings.Trim(v, `"`)
	v = strings.TrimPrefix(v, "v")
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return nil, &cases.Error{Code: cases.Malformed, Field: "If-Match", Message: "If-Match must be the case's ETag, such as \"v3\""}
	}
	return &n, nil
}

// pathID reads a numeric id from the path.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, cases.Errorf(cases.NotFound, "no such %s", strings.TrimSuffix(name, "_id"))
	}
	return id, nil
}
