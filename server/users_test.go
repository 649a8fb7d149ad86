package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"redress/cases"
)

func TestUserAdministration(t *testing.T) {
	e := newEnv(t)
	a := e.login(e.addUser(cases.RoleAdmin).Email, testPassword)

	var ann cases.User
	t.Run("CreateReturns201WithLocation", func(t *testing.T) {
		rec := e.do(http.MethodPost, "/api/v1/users", jsonBody(map[string]string{
			"email": "Ann.Li@Example.com", "display_name": " 李安 ", "role": "agent",
			"language": "en", "time_zone": "Europe/Berlin", "password": "ten chars!!",
		}), a.headers()...)
		wantStatus(t, rec, http.StatusCreated)
		decode(t, rec, &ann)
		if ann.Email != "Ann.Li@Example.com" || ann.DisplayName != "李安" || ann.Role != cases.RoleAgent ||
			ann.Language != cases.LanguageEnglish || ann.TimeZone != "Europe/Berlin" || !ann.Active {
			t.Fatalf("created %+v", ann)
		}
		if loc := rec.Header().Get("Location"); loc != fmt.Sprintf("/api/v1/users/%d", ann.ID) {
			t.Fatalf("Location %q", loc)
		}
		if strings.Contains(rec.Body.String(), "password") || strings.Contains(rec.Body.String(), "argon2") {
			t.Fatalf("the response carries the password or its hash: %s", rec.Body)
		}
	})
	t.Run("SignInIgnoresEmailCase", func(t *testing.T) {
		e.login("ann.li@example.COM", "ten chars!!")
	})
	t.Run("DefaultsFromConfig", func(t *testing.T) {
		rec := e.do(http.MethodPost, "/api/v1/users", jsonBody(map[string]string{
			"email": "bo@example.com", "display_name": "Bo", "role": "supervisor", "password": "ten chars!!",
		}), a.headers()...)
		wantStatus(t, rec, http.StatusCreated)
		var bo cases.User
		decode(t, rec, &bo)
		if bo.Language != cases.LanguageChinese || bo.TimeZone != "Asia/Shanghai" {
			t.Fatalf("defaults %+v", bo)
		}
	})
	t.Run("DuplicateEmailInAnyCaseIs409", func(t *testing.T) {
		rec := e.do(http.MethodPost, "/api/v1/users", jsonBody(map[string]string{
			"email": "ANN.LI@example.com", "display_name": "Other Ann", "role": "agent", "password": "ten chars!!",
		}), a.headers()...)
		wantStatus(t, rec, http.StatusConflict)
		if p := problemOf(t, rec); p["field"] != "email" {
			t.Fatalf("field %v", p["field"])
		}
	})
	t.Run("GetOne", func(t *testing.T) {
		rec := e.do(http.MethodGet, fmt.Sprintf("/api/v1/users/%d", ann.ID), nil, a.headers()...)
		wantStatus(t, rec, http.StatusOK)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/users/424242", nil, a.headers()...), http.StatusNotFound)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/users/abc", nil, a.headers()...), http.StatusNotFound)
	})
	t.Run("ListPagesWithCursor", func(t *testing.T) {
		seen := map[int64]bool{}
		path := "/api/v1/users?limit=2"
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("the cursor never ends")
			}
			rec := e.do(http.MethodGet, path, nil, a.headers()...)
			wantStatus(t, rec, http.StatusOK)
			var page struct {
				Items      []cases.User `json:"items"`
				NextCursor string       `json:"next_cursor"`
			}
			decode(t, rec, &page)
			for _, u := range page.Items {
				if seen[u.ID] {
					t.Fatalf("user %d on two pages", u.ID)
				}
				seen[u.ID] = true
			}
			if page.NextCursor == "" {
				break
			}
			path = "/api/v1/users?limit=2&cursor=" + page.NextCursor
		}
		if len(seen) != 3 {
			t.Fatalf("listed %d users, want 3", len(seen))
		}
	})
	t.Run("PatchChangesOnlyWhatIsSent", func(t *testing.T) {
		rec := e.do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", ann.ID), jsonBody(map[string]string{"role": "supervisor"}), a.headers()...)
		wantStatus(t, rec, http.StatusOK)
		var got cases.User
		decode(t, rec, &got)
		if got.Role != cases.RoleSupervisor || got.DisplayName != "李安" || got.TimeZone != "Europe/Berlin" {
			t.Fatalf("after patch %+v", got)
		}
	})
	t.Run("RoleChangeTakesEffectOnTheNextRequest", func(t *testing.T) {
		s := e.login(ann.Email, "ten chars!!")
		wantStatus(t, e.do(http.MethodGet, "/api/v1/users", nil, s.headers()...), http.StatusForbidden)
		wantStatus(t, e.do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", ann.ID), jsonBody(map[string]string{"role": "admin"}), a.headers()...), http.StatusOK)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/users", nil, s.headers()...), http.StatusOK)
		wantStatus(t, e.do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", ann.ID), jsonBody(map[string]string{"role": "agent"}), a.headers()...), http.StatusOK)
	})
	t.Run("PasswordResetEndsSessions", func(t *testing.T) {
		s := e.login(ann.Email, "ten chars!!")
		rec := e.do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", ann.ID), jsonBody(map[string]string{"password": "another password"}), a.headers()...)
		wantStatus(t, rec, http.StatusOK)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, s.cookieOnly()...), http.StatusUnauthorized)
		wantStatus(t, e.postLogin(ann.Email, "ten chars!!"), http.StatusUnauthorized)
		e.login(ann.Email, "another password")
	})
	t.Run("LastAdminStays", func(t *testing.T) {
		me := currentUserID(t, e, a)
		rec := e.do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", me), jsonBody(map[string]string{"role": "agent"}), a.headers()...)
		wantStatus(t, rec, http.StatusConflict)
		problemOf(t, rec)
		wantStatus(t, e.do(http.MethodPost, fmt.Sprintf("/api/v1/users/%d/deactivate", me), nil, a.headers()...), http.StatusUnprocessableEntity)
	})
	t.Run("AdminsCanStepDownWhenAnotherRemains", func(t *testing.T) {
		second := e.addUser(cases.RoleAdmin)
		wantStatus(t, e.do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", second.ID), jsonBody(map[string]string{"role": "agent"}), a.headers()...), http.StatusOK)
	})
	t.Run("DeactivateUnknownIs404", func(t *testing.T) {
		wantStatus(t, e.do(http.MethodPost, "/api/v1/users/424242/deactivate", nil, a.headers()...), http.StatusNotFound)
	})
	t.Run("ListFiltersByActive", func(t *testing.T) {
		wantStatus(t, e.do(http.MethodPost, fmt.Sprintf("/api/v1/users/%d/deactivate", ann.ID), nil, a.headers()...), http.StatusOK)
		rec := e.do(http.MethodGet, "/api/v1/users?active=false", nil, a.headers()...)
		wantStatus(t, rec, http.StatusOK)
		var page struct {
			Items []cases.User `json:"items"`
		}
		decode(t, rec, &page)
		if len(page.Items) != 1 || page.Items[0].ID != ann.ID {
			t.Fatalf("inactive users %+v", page.Items)
		}
	})
}

func TestProfileAndOwnPassword(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAgent)
	b := e.login(u.Email, testPassword)
	other := e.login(u.Email, testPassword)

	t.Run("PatchMe", func(t *testing.T) {
		rec := e.do(http.MethodPatch, "/api/v1/me", jsonBody(map[string]string{"language": "en", "time_zone": "America/New_York", "display_name": "Me"}), b.headers()...)
		wantStatus(t, rec, http.StatusOK)
		var got cases.User
		decode(t, rec, &got)
		if got.Language != "en" || got.TimeZone != "America/New_York" || got.DisplayName != "Me" || got.Role != cases.RoleAgent {
			t.Fatalf("profile %+v", got)
		}
	})
	t.Run("CannotChangeOwnRole", func(t *testing.T) {
		rec := e.do(http.MethodPatch, "/api/v1/me", jsonBody(map[string]string{"role": "admin"}), b.headers()...)
		wantStatus(t, rec, http.StatusBadRequest)
		if p := problemOf(t, rec); p["field"] != "role" {
			t.Fatalf("field %v", p["field"])
		}
	})
	t.Run("WrongCurrentPasswordIs422", func(t *testing.T) {
		rec := e.do(http.MethodPost, "/api/v1/me/password", jsonBody(map[string]string{"current_password": "nope nope nope", "new_password": "a new password"}), b.headers()...)
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if p := problemOf(t, rec); p["field"] != "current_password" {
			t.Fatalf("field %v", p["field"])
		}
	})
	t.Run("ChangeKeepsThisSessionEndsOthers", func(t *testing.T) {
		rec := e.do(http.MethodPost, "/api/v1/me/password", jsonBody(map[string]string{"current_password": testPassword, "new_password": "a new password"}), b.headers()...)
		wantStatus(t, rec, http.StatusNoContent)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, b.cookieOnly()...), http.StatusOK)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, other.cookieOnly()...), http.StatusUnauthorized)
		e.login(u.Email, "a new password")
	})
	t.Run("TokenCannotChangePassword", func(t *testing.T) {
		tok := e.bearer(b)
		rec := e.do(http.MethodPost, "/api/v1/me/password", jsonBody(map[string]string{"current_password": "a new password", "new_password": "stolen password"}), "Authorization", "Bearer "+tok)
		wantStatus(t, rec, http.StatusForbidden)
	})
}

func currentUserID(t *testing.T, e *env, b browser) int64 {
	t.Helper()
	rec := e.do(http.MethodGet, "/api/v1/me", nil, b.cookieOnly()...)
	wantStatus(t, rec, http.StatusOK)
	var u cases.User
	decode(t, rec, &u)
	return u.ID
}
