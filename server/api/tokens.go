package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
	"redress/server/request"
)

// newTokenRequest is the body of POST /api/v1/tokens.
type newTokenRequest struct {
	Name string `json:"name"`
}

// CreateToken mints an API token for the signed-in user and shows its
// secret this once.
func (h *People) CreateToken(c echo.Context) error {
	p, err := auth.RequireSession(c)
	if err != nil {
		return err
	}
	var req newTokenRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	t, err := h.people.CreateToken(c.Request().Context(), req.Name)
	if err != nil {
		return err
	}
	h.log.InfoContext(c.Request().Context(), "api token created", "user_id", p.User.ID, "token_id", t.ID)
	auth.NoStore(c)
	return c.JSON(http.StatusCreated, t)
}

// ListTokens lists the signed-in user's live tokens, or with ?user_id= an
// admin's view of another user's.
func (h *People) ListTokens(c echo.Context) error {
	owner := auth.CurrentUser(c).ID
	if v := c.QueryParam("user_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return &cases.Error{Code: cases.Malformed, Field: "user_id", Message: "must be a user id"}
		}
		owner = id
	}
	tokens, err := h.people.Tokens(c.Request().Context(), owner)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cases.Page[cases.APIToken]{Items: tokens})
}

// RevokeToken ends a token at once: the signed-in user's own, or any for
// an admin.
func (h *People) RevokeToken(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.people.RevokeToken(c.Request().Context(), id); err != nil {
		return err
	}
	h.log.InfoContext(c.Request().Context(), "api token revoked", "user_id", auth.CurrentUser(c).ID, "token_id", id)
	return c.NoContent(http.StatusNoContent)
}
