package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// List handles GET /api/v1/notifications: my inbox, newest
// first, with the unread count.
func (h *Notifications) List(c echo.Context) error {
	q := c.QueryParams()
	f := cases.NotificationFilter{Cursor: q.Get("cursor")}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	f.Limit = limit
	if v := q.Get("unread"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return &cases.Error{Code: cases.Malformed, Field: "unread", Message: "unread must be true or false"}
		}
		f.UnreadOnly = b
	}
	page, err := h.inbox.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// Unread handles GET /api/v1/notifications/unread-count, the
// badge a page polls.
func (h *Notifications) Unread(c echo.Context) error {
	n, err := h.inbox.Unread(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int64{"unread": n})
}

// Read handles POST /api/v1/notifications/{id}/read.
func (h *Notifications) Read(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	n, err := h.inbox.MarkRead(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

// ReadAll handles POST /api/v1/notifications/read-all.
func (h *Notifications) ReadAll(c echo.Context) error {
	n, err := h.inbox.MarkAllRead(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int64{"marked": n, "unread": 0})
}

// limitParam reads the limit query parameter of a list; 0 means the
// default.
func limitParam(c echo.Context) (int, error) {
	v := c.QueryParam("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, &cases.Error{Code: cases.Malformed, Field: "limit", Message: "limit must be a number"}
	}
	if n == 0 {
		return 0, cases.FieldError("limit", "limit must be from 1 to %d", cases.MaxPageSize)
	}
	return n, nil
}
