package server

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// usersView is the admin's users page: the list and the new user form.
type usersView struct {
	Users     []cases.User
	NextURL   string
	FirstURL  string
	Fields    []fieldView
	Form      *formState
	RowErrors map[int64]*fieldErr
}

// userInputs are the new user form's inputs, as the API names them.
func userInputs() []string {
	return []string{"email", "display_name", "role", "language", "time_zone", "password"}
}

// usersPage handles GET /users (admins).
func (s *Server) usersPage(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, url.Values{"role": {"agent"}, "language": {string(cases.DefaultLanguage)},
		"time_zone": {s.cfg.Location.String()}}, nil, nil)
}

func (s *Server) renderUsers(c echo.Context, status int, values url.Values, f *formState, rowErrs map[int64]*fieldErr) error {
	v, err := s.view(c, "users", "users.title")
	if err != nil {
		return err
	}
	q := c.QueryParams()
	page, err := s.people.Users(c.Request().Context(), cases.UserFilter{Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	uv := &usersView{Users: page.Items, Form: f, RowErrors: rowErrs}
	if page.NextCursor != "" {
		uv.NextURL = pageURL(c, q, page.NextCursor)
	}
	if q.Get("cursor") != "" {
		uv.FirstURL = pageURL(c, q, "")
	}
	for _, name := range userInputs() {
		fv := fieldView{Name: name, ID: "user-" + name, Type: "text", Label: s.t(v, "users."+name),
			Value: values.Get(name), Err: f.Err(name), Required: true}
		switch name {
		case "role":
			fv.Type, fv.Options = "select", enumOptions(s, v, "role", cases.Roles(), fv.Value, "")
		case "language":
			fv.Type, fv.Options = "select", enumOptions(s, v, "lang", cases.Languages(), fv.Value, "")
		case "email":
			fv.Type = "email"
		case "password":
			fv.Type, fv.Value = "password", ""
		}
		uv.Fields = append(uv.Fields, fv)
	}
	v.D = uv
	return s.web.render(c, status, "users", v)
}

// createUserForm handles POST /users (admins).
func (s *Server) createUserForm(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	n := cases.NewUser{Email: values.Get("email"), DisplayName: values.Get("display_name"),
		Role: cases.Role(values.Get("role")), Language: cases.Language(values.Get("language")),
		TimeZone: values.Get("time_zone"), Password: values.Get("password")}
	u, err := s.people.CreateUser(c.Request().Context(), n)
	if err != nil {
		switch cases.ErrorCode(err) {
		case cases.Invalid, cases.Malformed, cases.Conflict:
		default:
			return err
		}
		v, verr := s.view(c, "users", "users.title")
		if verr != nil {
			return verr
		}
		f, status := s.refusal(v, "user", values, userInputs(), err)
		return s.renderUsers(c, status, values, f, nil)
	}
	s.log.InfoContext(c.Request().Context(), "user created", "user_id", u.ID, "role", string(u.Role), "by", currentUser(c).ID)
	return redirect(c, "/users?done=user_created")
}

// deactivateUserForm handles POST /users/{id}/deactivate (admins): the
// user's sessions and tokens end at once.
func (s *Server) deactivateUserForm(c echo.Context) error {
	return s.activation(c, s.people.DeactivateUser, "user_deactivated")
}

// reactivateUserForm handles POST /users/{id}/reactivate (admins).
func (s *Server) reactivateUserForm(c echo.Context) error {
	return s.activation(c, s.people.ReactivateUser, "user_reactivated")
}

func (s *Server) activation(c echo.Context, act func(ctx context.Context, id int64) (cases.User, error), done string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := act(c.Request().Context(), id); err != nil {
		if cases.ErrorCode(err) != cases.Conflict {
			return err
		}
		v, verr := s.view(c, "users", "users.title")
		if verr != nil {
			return verr
		}
		de := toDomain(err)
		return s.renderUsers(c, http.StatusConflict, url.Values{}, nil,
			map[int64]*fieldErr{id: {Message: s.errorMessage(v, de), Detail: de.Message}})
	}
	s.log.InfoContext(c.Request().Context(), "user "+done, "user_id", id, "by", currentUser(c).ID)
	return redirect(c, "/users?done="+done)
}
