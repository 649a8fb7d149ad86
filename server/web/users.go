package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
	"redress/server/problem"
	"redress/server/request"
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

// Page handles GET /users (admins).
func (h *Users) Page(c echo.Context) error {
	return h.page(c, http.StatusOK, url.Values{"role": {"agent"}, "language": {string(cases.DefaultLanguage)},
		"time_zone": {h.cfg.Location.String()}}, nil, nil)
}

func (h *Users) page(c echo.Context, status int, values url.Values, f *formState, rowErrs map[int64]*fieldErr) error {
	v, err := h.view(c, "users", "users.title")
	if err != nil {
		return err
	}
	q := c.QueryParams()
	page, err := h.people.Users(c.Request().Context(), cases.UserFilter{Cursor: q.Get("cursor")})
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
		fv := fieldView{Name: name, ID: "user-" + name, Type: "text", Label: h.t(v, "users."+name),
			Value: values.Get(name), Err: f.Err(name), Required: true}
		switch name {
		case "role":
			fv.Type, fv.Options = "select", enumOptions(h.UI, v, "role", cases.Roles(), fv.Value, "")
		case "language":
			fv.Type, fv.Options = "select", enumOptions(h.UI, v, "lang", cases.Languages(), fv.Value, "")
		case "email":
			fv.Type = "email"
		case "password":
			fv.Type, fv.Value = "password", ""
		}
		uv.Fields = append(uv.Fields, fv)
	}
	v.D = uv
	return h.render(c, status, "users", v)
}

// Create handles POST /users (admins).
func (h *Users) Create(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	n := cases.NewUser{Email: values.Get("email"), DisplayName: values.Get("display_name"),
		Role: cases.Role(values.Get("role")), Language: cases.Language(values.Get("language")),
		TimeZone: values.Get("time_zone"), Password: values.Get("password")}
	u, err := h.people.CreateUser(c.Request().Context(), n)
	if err != nil {
		switch cases.ErrorCode(err) {
		case cases.Invalid, cases.Malformed, cases.Conflict:
		default:
			return err
		}
		v, verr := h.view(c, "users", "users.title")
		if verr != nil {
			return verr
		}
		f, status := h.refusal(v, "user", values, userInputs(), err)
		return h.page(c, status, values, f, nil)
	}
	h.log.InfoContext(c.Request().Context(), "user created", "user_id", u.ID, "role", string(u.Role), "by", auth.CurrentUser(c).ID)
	return redirect(c, "/users?done=user_created")
}

// Deactivate handles POST /users/{id}/deactivate (admins): the
// user's sessions and tokens end at once.
func (h *Users) Deactivate(c echo.Context) error {
	return h.activation(c, h.people.DeactivateUser, "user_deactivated")
}

// Reactivate handles POST /users/{id}/reactivate (admins).
func (h *Users) Reactivate(c echo.Context) error {
	return h.activation(c, h.people.ReactivateUser, "user_reactivated")
}

func (h *Users) activation(c echo.Context, act func(ctx context.Context, id int64) (cases.User, error), done string) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := act(c.Request().Context(), id); err != nil {
		if cases.ErrorCode(err) != cases.Conflict {
			return err
		}
		v, verr := h.view(c, "users", "users.title")
		if verr != nil {
			return verr
		}
		de := problem.From(err)
		return h.page(c, http.StatusConflict, url.Values{}, nil,
			map[int64]*fieldErr{id: h.refusalOf(v, "user", de)})
	}
	h.log.InfoContext(c.Request().Context(), "user "+done, "user_id", id, "by", auth.CurrentUser(c).ID)
	return redirect(c, "/users?done="+done)
}
