package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/actions"
	"redress/server/auth"
	"redress/server/request"
)

// List handles GET /api/v1/replies?stage=&kind=&lang=&q=&status=&sort=:
// the library ranked by outcome (default) or by uses.
func (h *Replies) List(c echo.Context) error {
	q := c.QueryParams()
	f := cases.ReplyFilter{Stage: cases.State(q.Get("stage")), Kind: cases.Kind(q.Get("kind")),
		Lang: cases.Language(q.Get("lang")), Q: q.Get("q"), Status: q.Get("status")}
	items, err := h.replies.List(c.Request().Context(), f, q.Get("sort"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

// Get handles GET /api/v1/replies/{id}.
func (h *Replies) Get(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	r, err := h.replies.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// Create handles POST /api/v1/replies.
func (h *Replies) Create(c echo.Context) error {
	var in actions.ReplyInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := h.replies.Create(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/replies/"+strconv.FormatInt(r.ID, 10))
	return c.JSON(http.StatusCreated, r)
}

// Patch handles PATCH /api/v1/replies/{id}.
func (h *Replies) Patch(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var in actions.ReplyInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := h.replies.Update(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// Delete handles DELETE /api/v1/replies/{id}.
func (h *Replies) Delete(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.replies.Delete(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// Approve handles POST /api/v1/replies/{id}/approval (supervisors).
func (h *Replies) Approve(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	r, err := h.replies.Approve(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// Use handles POST /api/v1/replies/{id}/uses {"case_id":N}: the reply
// with the case's values filled in, and the variables the case lacks.
// The use is counted when the text is saved with its reply_id.
func (h *Replies) Use(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		CaseID int64 `json:"case_id"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	loc := time.UTC
	if l, err := time.LoadLocation(auth.CurrentUser(c).TimeZone); err == nil {
		loc = l
	}
	filled, err := h.replies.Fill(c.Request().Context(), id, in.CaseID, loc)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, filled)
}
