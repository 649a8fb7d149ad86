package server

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// loginView is the sign-in page's data.
type loginView struct {
	Next string
	Form *formState
}

// loginPage handles GET /login. ?lang= switches the page's language for a
// visitor (remembered in a cookie until they sign in); a visitor already
// signed in goes straight on.
func (s *Server) loginPage(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	if lang := cases.Language(c.QueryParam("lang")); lang.Valid() {
		c.SetCookie(&http.Cookie{Name: langCookieName, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode})
		c.Request().AddCookie(&http.Cookie{Name: langCookieName, Value: string(lang)})
	}
	if _, err := s.authenticate(c); err == nil {
		return redirect(c, next)
	}
	v := s.anonymousView(c, "login.title")
	v.D = loginView{Next: next}
	return s.web.render(c, http.StatusOK, "login", v)
}

// loginForm handles POST /login: the same sign-in as POST /api/v1/auth/login
// (one session serves the pages and the API), from a form.
func (s *Server) loginForm(c echo.Context) error {
	v := s.anonymousView(c, "login.title")
	next := localPath(c.FormValue("next"))
	email, password := c.FormValue("email"), c.FormValue("password")
	ns, err := s.signIn(c, email, password)
	if err != nil {
		// One message for every wrong email or password (the API's too);
		// throttling and a foreign origin say what they are.
		status, msg := http.StatusUnprocessableEntity, s.t(v, "login.failed")
		switch code := cases.ErrorCode(err); code {
		case cases.Internal, cases.Unavailable:
			return err
		case cases.TooMany, cases.Forbidden:
			status, msg = statusOf[code], s.t(v, "err.code."+string(code))
			if after, ok := toDomain(err).Extra["retry_after"]; ok {
				c.Response().Header().Set("Retry-After", toString(after))
			}
		}
		values := url.Values{"email": {email}} // never the password
		v.D = loginView{Next: next, Form: &formState{Name: "login", Values: values, Top: &fieldErr{Message: msg}}}
		return s.web.render(c, status, "login", v)
	}
	c.SetCookie(s.sessionCookie(ns.Token, ns.ExpiresAt))
	return redirect(c, next)
}

// signIn checks the credentials of a sign-in form and starts a session,
// as the API's login does.
func (s *Server) signIn(c echo.Context, email, password string) (cases.NewSession, error) {
	if err := s.checkLoginOrigin(c); err != nil {
		return cases.NewSession{}, err
	}
	attempt := cases.LoginAttempt{Email: email, Password: password, Address: c.RealIP(), UserAgent: c.Request().UserAgent()}
	if ck, err := c.Cookie(sessionCookieName); err == nil {
		attempt.PreviousToken = ck.Value
	}
	ns, err := s.people.Login(c.Request().Context(), attempt)
	if err != nil {
		s.logLoginFailure(c, email, err)
		return ns, err
	}
	s.log.InfoContext(c.Request().Context(), "signed in",
		"user_id", ns.User.ID, "session_id", ns.ID, "remote_ip", attempt.Address, "via", "form")
	return ns, nil
}

// logoutForm handles POST /logout: ends the session and returns to sign-in.
func (s *Server) logoutForm(c echo.Context) error {
	p, _ := principalOf(c)
	if p.session != nil {
		if err := s.people.EndSession(c.Request().Context(), p.session.ID); err != nil {
			return err
		}
		c.SetCookie(s.clearedSessionCookie())
	}
	return redirect(c, "/login")
}

// languageForm handles POST /settings/language: the header's language
// switch stores the choice as the user's preference.
func (s *Server) languageForm(c echo.Context) error {
	lang := cases.Language(c.FormValue("language"))
	if _, err := s.people.UpdateProfile(c.Request().Context(), cases.ProfileChanges{Language: &lang}); err != nil {
		return err
	}
	// The choice also holds on the sign-in page after signing out.
	c.SetCookie(&http.Cookie{Name: langCookieName, Value: string(lang), Path: "/", Expires: time.Now().AddDate(1, 0, 0),
		HttpOnly: true, Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode})
	return redirect(c, localPath(c.FormValue("next")))
}
