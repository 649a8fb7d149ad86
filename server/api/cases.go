package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
	"redress/server/request"
)

// Create handles POST /api/v1/cases.
func (h *Cases) Create(c echo.Context) error {
	var in cases.CaseInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	created, err := h.ops.Create(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/cases/"+strconv.FormatInt(created.ID, 10))
	return caseResponse(c, http.StatusCreated, created)
}

// Get handles GET /api/v1/cases/{id}.
func (h *Cases) Get(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	cs, err := h.store.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if match := c.Request().Header.Get("If-None-Match"); match != "" && match == etag(cs) {
		c.Response().Header().Set("ETag", etag(cs))
		return c.NoContent(http.StatusNotModified)
	}
	if cs.BuyerHistory, err = h.store.BuyerHistory(c.Request().Context(), cs); err != nil {
		return err
	}
	flagged := cs.BuyerHistory != nil && cs.BuyerHistory.AbuseFlagged > 0
	cs.BuyerFlaggedAbuse = &flagged
	return caseResponse(c, http.StatusOK, cs)
}

// List handles GET /api/v1/cases.
func (h *Cases) List(c echo.Context) error {
	f, err := h.filter(c)
	if err != nil {
		return err
	}
	page, err := h.store.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	for i := range page.Items {
		page.Items[i] = page.Items[i].Masked()
	}
	return c.JSON(http.StatusOK, page)
}

// filter reads a list's query parameters; "me" and "none" are accepted
// as assignees.
func (h *Cases) filter(c echo.Context) (cases.Filter, error) {
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
				f.States = append(f.States, cases.OpenStates()...)
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
	if p := q.Get("pending_approval"); p != "" {
		b, err := strconv.ParseBool(p)
		if err != nil {
			return f, &cases.Error{Code: cases.Malformed, Field: "pending_approval", Message: "pending_approval must be true or false"}
		}
		f.PendingApproval = &b
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

// Patch handles PATCH /api/v1/cases/{id}: edits of the case's own
// fields, conditional on If-Match. A changed kind or severity moves the due
// time of the current state.
func (h *Cases) Patch(c echo.Context) error {
	return changeCase(c, ifMatchRequired, h.ops.Edit)
}

// Transition handles POST /api/v1/cases/{id}/transitions.
func (h *Cases) Transition(c echo.Context) error {
	return changeCase(c, ifMatchRequired, h.ops.Transition)
}

// Assign handles POST /api/v1/cases/{id}/assignment. If-Match is
// optional: taking a case from the unassigned queue should not need a reload.
// assignee_id is required; null gives the case back to the queue.
func (h *Cases) Assign(c echo.Context) error {
	type assignment struct {
		AssigneeID json.RawMessage `json:"assignee_id"`
	}
	return changeCase(c, ifMatchOptional, func(ctx context.Context, id int64, version *int64, in assignment) (cases.Case, error) {
		var to *int64
		switch {
		case len(in.AssigneeID) == 0:
			return cases.Case{}, cases.FieldError("assignee_id", "assignee_id is required: a user id, or null for the unassigned queue")
		case string(in.AssigneeID) != "null":
			var n int64
			if err := json.Unmarshal(in.AssigneeID, &n); err != nil {
				return cases.Case{}, &cases.Error{Code: cases.Malformed, Field: "assignee_id", Message: "must be a user id or null", Err: err}
			}
			to = &n
		}
		return h.ops.Assign(ctx, id, version, to)
	})
}

// Comment handles POST /api/v1/cases/{id}/comments. A comment does not
// change the case's version.
func (h *Cases) Comment(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ev, err := h.ops.Comment(c.Request().Context(), id, in.Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ev)
}

// RevealContact handles POST /api/v1/cases/{id}/contact: the buyer's
// contact, whole, after a contact_viewed event records who asked and
// when (the pages' "show" link does the same).
func (h *Cases) RevealContact(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	contact, err := h.ops.RevealContact(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"buyer_contact": contact})
}

// ProposeRemedy handles POST /api/v1/cases/{id}/remedy: the agent records
// the remedy they intend, so that a supervisor can approve it when the
// policy says so.
func (h *Cases) ProposeRemedy(c echo.Context) error {
	return changeCase(c, ifMatchOptional, h.ops.ProposeRemedy)
}

// ReturnReceived handles POST /api/v1/cases/{id}/return-received
// {"courier","waybill","received_at"}: the goods of a return_refund arrived.
func (h *Cases) ReturnReceived(c echo.Context) error {
	return changeCase(c, ifMatchOptional, h.ops.ReturnReceived)
}

// changeCase is the prologue and epilogue of every conditional write of a
// case: the id from the path, the version from If-Match (428 without it
// when required), the JSON body as In (none for struct{}), then the case
// as changed, with its ETag.
func changeCase[In any](c echo.Context, required bool, change func(ctx context.Context, id int64, version *int64, in In) (cases.Case, error)) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c, required)
	if err != nil {
		return err
	}
	var in In
	if _, none := any(in).(struct{}); !none {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	updated, err := change(c.Request().Context(), id, version, in)
	if err != nil {
		return err
	}
	return caseResponse(c, http.StatusOK, updated)
}

// Whether a write needs If-Match.
const (
	ifMatchRequired = true
	ifMatchOptional = false
)

// Events handles GET /api/v1/cases/{id}/events.
func (h *Cases) Events(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	evs, err := h.store.Events(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": evs})
}

// Verify handles GET /api/v1/cases/{id}/events/verify. With
// ?evidence=true (admins: it reads every byte of the case's evidence) it
// also checks the evidence's stored bytes against the ledger.
func (h *Cases) Verify(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	evidence := false
	if v := c.QueryParam("evidence"); v != "" {
		if evidence, err = strconv.ParseBool(v); err != nil {
			return &cases.Error{Code: cases.Malformed, Field: "evidence", Message: "evidence must be true or false"}
		}
	}
	if evidence && auth.CurrentUser(c).Role != cases.RoleAdmin {
		return &cases.Error{Code: cases.Forbidden, Field: "evidence", Message: "checking the evidence's bytes is for admins: it reads every byte"}
	}
	v, err := h.store.Verify(c.Request().Context(), id, evidence)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func caseResponse(c echo.Context, status int, cs cases.Case) error {
	c.Response().Header().Set("ETag", etag(cs))
	return c.JSON(status, cs)
}

// etag is a case's entity tag: its version.
func etag(cs cases.Case) string { return `"v` + strconv.FormatInt(cs.Version, 10) + `"` }

// ifMatch reads the version a conditional write is based on. Required
// writes without it get 428. "*" matches any current version (RFC 9110
// §13.1.1): the write goes ahead unconditionally.
func ifMatch(c echo.Context, required bool) (*int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		if required {
			return nil, &cases.Error{Code: cases.PreconditionNeeded, Field: "If-Match",
				Message: "send If-Match with the case's ETag, so that a concurrent change is not overwritten"}
		}
		return nil, nil
	}
	if h == "*" {
		return nil, nil
	}
	v := strings.TrimPrefix(h, "W/")
	v = strings.Trim(v, `"`)
	v = strings.TrimPrefix(v, "v")
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return nil, &cases.Error{Code: cases.Malformed, Field: "If-Match", Message: "If-Match must be the case's ETag, such as \"v3\", or *"}
	}
	return &n, nil
}
