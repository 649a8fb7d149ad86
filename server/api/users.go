package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
	"redress/server/request"
)

// ListUsers pages through users in id order; ?active=true|false filters.
func (h *People) ListUsers(c echo.Context) error {
	q := c.QueryParams()
	f := cases.UserFilter{Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return &cases.Error{Code: cases.Malformed, Field: "limit", Message: "limit must be a number"}
		}
		f.Limit = n
	}
	if v := q.Get("active"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return &cases.Error{Code: cases.Malformed, Field: "active", Message: "active must be true or false"}
		}
		f.Active = &b
	}
	page, err := h.people.Users(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// CreateUser adds a user; the admin sets the first password, which the user
// should change with POST /api/v1/me/password.
func (h *People) CreateUser(c echo.Context) error {
	var req cases.NewUser
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.TimeZone == "" {
		req.TimeZone = h.cfg.Location.String() // the shop's zone (REDRESS_TIMEZONE)
	}
	u, err := h.people.CreateUser(c.Request().Context(), req)
	if err != nil {
		return err
	}
	h.log.InfoContext(c.Request().Context(), "user created",
		"user_id", u.ID, "role", string(u.Role), "by", auth.CurrentUser(c).ID)
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	return c.JSON(http.StatusCreated, u)
}

// GetUser returns one user, active or not.
func (h *People) GetUser(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	u, err := h.people.User(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// UpdateUser changes the fields present in the body; a new password signs
// the user out everywhere.
func (h *People) UpdateUser(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var req cases.UserChanges
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, err := h.people.UpdateUser(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	h.log.InfoContext(c.Request().Context(), "user updated",
		"user_id", u.ID, "role", string(u.Role), "password_reset", req.Password != nil, "by", auth.CurrentUser(c).ID)
	return c.JSON(http.StatusOK, u)
}

// DeactivateUser stops a user at once: sessions end, tokens are revoked.
func (h *People) DeactivateUser(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	u, err := h.people.DeactivateUser(c.Request().Context(), id)
	if err != nil {
		return err
	}
	h.log.InfoContext(c.Request().Context(), "user deactivated", "user_id", u.ID, "by", auth.CurrentUser(c).ID)
	return c.JSON(http.StatusOK, u)
}

// ReactivateUser lets a deactivated user sign in again.
func (h *People) ReactivateUser(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	u, err := h.people.ReactivateUser(c.Request().Context(), id)
	if err != nil {
		return err
	}
	h.log.InfoContext(c.Request().Context(), "user reactivated", "user_id", u.ID, "by", auth.CurrentUser(c).ID)
	return c.JSON(http.StatusOK, u)
}

// ListPeople handles GET /api/v1/people: the active colleagues any signed-in
// user may assign a case or hand work over to.
func (h *People) ListPeople(c echo.Context) error {
	people, err := h.people.Directory(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": people})
}
