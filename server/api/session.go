package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
)

// loginRequest is the body of POST /api/v1/auth/login.
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// loginResponse is what a successful sign-in returns beside the cookie.
type loginResponse struct {
	User      cases.User `json:"user"`
	CSRFToken string     `json:"csrf_token"`
}

// Login handles POST /api/v1/auth/login: the same sign-in as the page's.
func (h *People) Login(c echo.Context) error {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ns, err := h.gate.SignIn(c, req.Email, req.Password)
	if err != nil {
		return err
	}
	auth.NoStore(c)
	return c.JSON(http.StatusOK, loginResponse{User: ns.User, CSRFToken: ns.CSRFToken})
}

// Logout handles POST /api/v1/auth/logout: it ends the request's session
// and clears the cookie. With a bearer token there is no session to end;
// revoke the token instead.
func (h *People) Logout(c echo.Context) error {
	if err := h.gate.SignOut(c); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
