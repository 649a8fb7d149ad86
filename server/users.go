package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// listUsers pages through users in id order; ?active=true|false filters.
func (s *Server) listUsers(c echo.Context) error {
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
	page, err := s.people.Users(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// createUser adds a user; the admin sets the first password, which the user
// should change with POST /api/v1/me/password.
func (s *Server) createUser(c echo.Context) error {
	var req cases.NewUser
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.TimeZone == "" {
		req.TimeZone = s.cfg.Location.String() // the shop's zone (REDRESS_TIMEZONE)
	}
	u, err := s.people.CreateUser(c.Request().Context(), req)
	if err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "user created",
		"user_id", u.ID, "role", string(u.Role), "by", currentUser(c).ID)
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	return c.JSON(http.StatusCreated, u)
}

// getUser returns one user, active or not.
func (s *Server) getUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := s.people.User(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// updateUser changes the fields present in the body; a new password signs
// the user out everywhere.
func (s *Server) updateUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req cases.UserChanges
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, err := s.people.UpdateUser(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "user updated",
		"user_id", u.ID, "role", string(u.Role), "password_reset", req.Password != nil, "by", currentUser(c).ID)
	return c.JSON(http.StatusOK, u)
}

// deactivateUser stops a user at once: sessions end, tokens are revoked.
func (s *Server) deactivateUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := s.people.DeactivateUser(c.Request().Context(), id)
	if err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "user deactivated", "user_id", u.ID, "by", currentUser(c).ID)
	return c.JSON(http.StatusOK, u)
}

// reactivateUser lets a deactivated user sign in again.
func (s *Server) reactivateUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := s.people.ReactivateUser(c.Request().Context(), id)
	if err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "user reactivated", "user_id", u.ID, "by", currentUser(c).ID)
	return c.JSON(http.StatusOK, u)
}

// listPeople handles GET /api/v1/people: the active colleagues any signed-in
// user may assign a case or hand work over to.
func (s *Server) listPeople(c echo.Context) error {
	people, err := s.people.Directory(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": people})
}
