package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// me returns the signed-in user. For a browser session it also returns the
// session's CSRF token in the X-CSRF-Token header, so a page loaded after
// sign-in can recover it (other sites cannot read the response).
func (s *Server) me(c echo.Context) error {
	p, _ := principalOf(c)
	if p.session != nil {
		c.Response().Header().Set(csrfHeader, p.session.CSRFToken)
		noStore(c)
	}
	return c.JSON(http.StatusOK, p.user)
}

// updateMe changes the signed-in user's display name, language or time zone.
func (s *Server) updateMe(c echo.Context) error {
	var req cases.ProfileChanges
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, err := s.people.UpdateProfile(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// passwordChange is the body of POST /api/v1/me/password.
type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changeMyPassword replaces the signed-in user's password and ends their
// other sessions; this one stays signed in.
func (s *Server) changeMyPassword(c echo.Context) error {
	p, err := requireSession(c)
	if err != nil {
		return err
	}
	var req passwordChange
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := s.people.ChangePassword(c.Request().Context(), req.CurrentPassword, req.NewPassword, p.session.ID); err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "password changed", "user_id", p.user.ID)
	return c.NoContent(http.StatusNoContent)
}
