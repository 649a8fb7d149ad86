package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/problem"
)

// loginView is the sign-in page's data.
type loginView struct {
	Next string
	Form *formState
}

// LoginPage handles GET /login. ?lang= switches the page's language for a
// visitor (remembered in a cookie until they sign in); a visitor already
// signed in goes straight on.
func (h *Sessions) LoginPage(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	if _, err := h.gate.Authenticate(c); err == nil {
		return redirect(c, next)
	}
	v := h.anonymousView(c, "login.title")
	if lang := cases.Language(c.QueryParam("lang")); lang.Valid() {
		// The choice wins over a cookie the request still carries, and is
		// remembered for the next visit.
		c.SetCookie(h.gate.Cookie(langCookieName, string(lang), time.Now().AddDate(1, 0, 0)))
		v.Lang = lang
		v.Title = h.t(v, "login.title")
	}
	v.D = loginView{Next: next}
	return h.render(c, http.StatusOK, "login", v)
}

// Login handles POST /login: the same sign-in as POST /api/v1/auth/login
// (one session serves the pages and the API), from a form.
func (h *Sessions) Login(c echo.Context) error {
	v := h.anonymousView(c, "login.title")
	next := localPath(c.FormValue("next"))
	email, password := c.FormValue("email"), c.FormValue("password")
	_, err := h.gate.SignIn(c, email, password)
	if err != nil {
		// One message for every wrong email or password (the API's too);
		// throttling and a foreign origin say what they are.
		status, msg := http.StatusUnprocessableEntity, h.t(v, "login.failed")
		switch code := cases.ErrorCode(err); code {
		case cases.Internal, cases.Unavailable:
			return err
		case cases.TooMany, cases.Forbidden:
			status, msg = problem.Status(err), h.t(v, "err.code."+string(code))
			problem.SetRetryAfter(c, problem.From(err))
		}
		values := url.Values{"email": {email}} // never the password
		v.D = loginView{Next: next, Form: &formState{Name: "login", Values: values, Top: &fieldErr{Message: msg}}}
		return h.render(c, status, "login", v)
	}
	return redirect(c, next)
}

// Logout handles POST /logout: ends the session and returns to sign-in.
func (h *Sessions) Logout(c echo.Context) error {
	if err := h.gate.SignOut(c); err != nil {
		return err
	}
	return redirect(c, "/login")
}

// Language handles POST /settings/language: the header's language
// switch stores the choice as the user's preference.
func (h *Sessions) Language(c echo.Context) error {
	lang := cases.Language(c.FormValue("language"))
	if _, err := h.people.UpdateProfile(c.Request().Context(), cases.ProfileChanges{Language: &lang}); err != nil {
		return err
	}
	// The choice also holds on the sign-in page after signing out.
	c.SetCookie(h.gate.Cookie(langCookieName, string(lang), time.Now().AddDate(1, 0, 0)))
	return redirect(c, localPath(c.FormValue("next")))
}
