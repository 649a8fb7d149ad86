package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// newTokenRequest is the body of POST /api/v1/tokens.
type newTokenRequest struct {
	Name string `json:"name"`
}

// createToken mints an API token for the signed-in user and shows its
// secret this once.
func (s *Server) createToken(c echo.Context) error {
	p, err := requireSession(c)
	if err != nil {
		return err
	}
	var req newTokenRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	t, err := s.people.CreateToken(c.Request().Context(), req.Name)
	if err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "api token created", "user_id", p.user.ID, "token_id", t.ID)
	noStore(c)
	return c.JSON(http.StatusCreated, t)
}

// listTokens lists the signed-in user's live tokens, or with ?user_id= an
// admin's view of another user's.
func (s *Server) listTokens(c echo.Context) error {
	owner := currentUser(c).ID
	if v := c.QueryParam("user_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return &cases.Error{Code: cases.Malformed, Field: "user_id", Message: "must be a user id"}
		}
		owner = id
	}
	tokens, err := s.people.Tokens(c.Request().Context(), owner)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cases.Page[cases.APIToken]{Items: tokens})
}

// revokeToken ends a token at once: the signed-in user's own, or any for
// an admin.
func (s *Server) revokeToken(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.people.RevokeToken(c.Request().Context(), id); err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "api token revoked", "user_id", currentUser(c).ID, "token_id", id)
	return c.NoContent(http.StatusNoContent)
}
