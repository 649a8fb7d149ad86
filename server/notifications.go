package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// listNotifications handles GET /api/v1/notifications: my inbox, newest
// first, with the unread count.
func (s *Server) listNotifications(c echo.Context) error {
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
	page, err := s.remind.inbox.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// unreadNotifications handles GET /api/v1/notifications/unread-count, the
// badge a page polls.
func (s *Server) unreadNotifications(c echo.Context) error {
	n, err := s.remind.inbox.Unread(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int64{"unread": n})
}

// readNotification handles POST /api/v1/notifications/{id}/read.
func (s *Server) readNotification(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := s.remind.inbox.MarkRead(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

// readAllNotifications handles POST /api/v1/notifications/read-all.
func (s *Server) readAllNotifications(c echo.Context) error {
	n, err := s.remind.inbox.MarkAllRead(c.Request().Context())
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
