package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// notificationsView is the inbox page's data.
type notificationsView struct {
	Items      []cases.Notification
	NextURL    string
	FirstURL   string
	UnreadOnly bool
}

// Page handles GET /notifications: my inbox, newest first;
// ?unread=1 shows only what I have not read.
func (h *Notifications) Page(c echo.Context) error {
	v, err := h.view(c, "notifications", "notifications.title")
	if err != nil {
		return err
	}
	q := c.QueryParams()
	f := cases.NotificationFilter{Cursor: q.Get("cursor"), UnreadOnly: q.Get("unread") != ""}
	page, err := h.inbox.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	nv := &notificationsView{Items: page.Items, UnreadOnly: f.UnreadOnly}
	v.Unread = page.Unread
	if page.NextCursor != "" {
		nv.NextURL = pageURL(c, q, page.NextCursor)
	}
	if f.Cursor != "" {
		nv.FirstURL = pageURL(c, q, "")
	}
	v.D = nv
	return h.render(c, http.StatusOK, "notifications", v)
}

// Read handles POST /notifications/{id}/read; with open=1 it goes on
// to the notice's case.
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
	return redirect(c, "/notifications?done=read")
}

// ReadAll handles POST /notifications/read-all.
func (h *Notifications) ReadAll(c echo.Context) error {
	if _, err := h.inbox.MarkAllRead(c.Request().Context()); err != nil {
		return err
	}
	return redirect(c, "/notifications?done=all_read")
}
