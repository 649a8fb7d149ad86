package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
)

// Me returns the signed-in user. For a browser session it also returns the
// session's CSRF token in the X-CSRF-Token header, so a page loaded after
// sign-in can recover it (other sites cannot read the response).
func (h *People) Me(c echo.Context) error {
	p, _ := auth.PrincipalOf(c)
	if p.Session != nil {
		c.Response().Header().Set(auth.CSRFHeader, p.Session.CSRFToken)
		auth.NoStore(c)
	}
	return c.JSON(http.StatusOK, p.User)
}

// UpdateMe changes the signed-in user's display name, language or time zone.
func (h *People) UpdateMe(c echo.Context) error {
	var req cases.ProfileChanges
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, err := h.people.UpdateProfile(c.Request().Context(), req)
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

// ChangePassword replaces the signed-in user's password and ends their
// other sessions; this one stays signed in.
func (h *People) ChangePassword(c echo.Context) error {
	p, err := auth.RequireSession(c)
	if err != nil {
		return err
	}
	var req passwordChange
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := h.people.ChangePassword(c.Request().Context(), req.CurrentPassword, req.NewPassword, p.Session.ID); err != nil {
		return err
	}
	h.log.InfoContext(c.Request().Context(), "password changed", "user_id", p.User.ID)
	return c.NoContent(http.StatusNoContent)
}
