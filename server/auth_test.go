package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"redress/cases"
)

// testPassword is every test user's password.
const testPassword = "correct horse battery"

var userSeq atomic.Int64

// addUser creates an active user with testPassword directly in the store.
func (e *env) addUser(role cases.Role) cases.User {
	e.t.Helper()
	n := userSeq.Add(1)
	u, err := e.people.CreateUser(context.Background(), cases.NewUser{
		Email:       fmt.Sprintf("%s%d@example.com", role, n),
		DisplayName: fmt.Sprintf("%s %d", role, n),
		Role:        role,
		Password:    testPassword,
	})
	if err != nil {
		e.t.Fatalf("add user: %v", err)
	}
	return u
}

// browser is a signed-in session as a browser holds it.
type browser struct {
	cookie string // the redress_session value
	csrf   string
}

// headers returns the headers a browser's same-site request carries.
func (b browser) headers(extra ...string) []string {
	return append([]string{"Cookie", "redress_session=" + b.cookie, "X-CSRF-Token", b.csrf}, extra...)
}

// cookieOnly returns the headers of a request that lacks the CSRF token.
func (b browser) cookieOnly(extra ...string) []string {
	return append([]string{"Cookie", "redress_session=" + b.cookie}, extra...)
}

// login signs in through the API and fails the test unless it works.
func (e *env) login(email, password string) browser {
	e.t.Helper()
	rec := e.postLogin(email, password)
	if rec.Code != http.StatusOK {
		e.t.Fatalf("login %s = %d %s", email, rec.Code, rec.Body)
	}
	ck := sessionCookie(e.t, rec)
	var body struct {
		CSRFToken string `json:"csrf_token"`
	}
	decode(e.t, rec, &body)
	return browser{cookie: ck.Value, csrf: body.CSRFToken}
}

func (e *env) postLogin(email, password string, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(http.MethodPost, "/api/v1/auth/login", jsonBody(map[string]string{"email": email, "password": password}), headers...)
}

// bearer creates an API token from the browser's session.
func (e *env) bearer(b browser) string {
	e.t.Helper()
	rec := e.do(http.MethodPost, "/api/v1/tokens", strings.NewReader(`{"name":"test"}`), b.headers()...)
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("create token = %d %s", rec.Code, rec.Body)
	}
	var tok struct {
		Token string `json:"token"`
	}
	decode(e.t, rec, &tok)
	return tok.Token
}

func sessionCookie(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "redress_session" {
			return ck
		}
	}
	t.Fatalf("no redress_session cookie in %v", rec.Header()["Set-Cookie"])
	return nil
}

func jsonBody(v any) *strings.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return strings.NewReader(string(b))
}

func decode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
}

func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status %d, want %d; body %s", rec.Code, want, rec.Body)
	}
}

func TestLoginMeLogout(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAgent)

	rec := e.postLogin(u.Email, testPassword, "User-Agent", "test-browser/1.0")
	wantStatus(t, rec, http.StatusOK)
	ck := sessionCookie(t, rec)
	t.Run("CookieAttributes", func(t *testing.T) {
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
			t.Fatalf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure on http", ck)
		}
		if len(ck.Value) < 43 {
			t.Fatalf("cookie value %q is too short to hold 32 random bytes", ck.Value)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("Cache-Control %q on a response carrying secrets", cc)
		}
	})
	var body map[string]any
	decode(t, rec, &body)
	t.Run("BodyHasUserAndCSRFTokenButNoHash", func(t *testing.T) {
		user, _ := body["user"].(map[string]any)
		if user["email"] != u.Email || user["role"] != "agent" || user["language"] != "zh-CN" || user["time_zone"] != "Asia/Shanghai" {
			t.Fatalf("user %v", user)
		}
		if tok, _ := body["csrf_token"].(string); len(tok) < 32 {
			t.Fatalf("csrf_token %q", tok)
		}
		if strings.Contains(rec.Body.String(), "argon2") || strings.Contains(rec.Body.String(), "password") {
			t.Fatalf("login response mentions the password: %s", rec.Body)
		}
	})
	b := browser{cookie: ck.Value, csrf: body["csrf_token"].(string)}

	t.Run("SessionStoredAsHashOnly", func(t *testing.T) {
		var n int
		sum := sha256.Sum256([]byte(b.cookie))
		if err := e.db.Get(&n, `SELECT count(*) FROM sessions WHERE token_hash = $1 AND user_agent = 'test-browser/1.0' AND host(ip) = '192.0.2.1'`, sum[:]); err != nil || n != 1 {
			t.Fatalf("sessions with the cookie's SHA-256: %d, %v", n, err)
		}
	})
	t.Run("MeReturnsUserAndCSRFHeader", func(t *testing.T) {
		rec := e.do(http.MethodGet, "/api/v1/me", nil, b.cookieOnly()...)
		wantStatus(t, rec, http.StatusOK)
		var me cases.User
		decode(t, rec, &me)
		if me.ID != u.ID || me.Email != u.Email {
			t.Fatalf("me = %+v", me)
		}
		if rec.Header().Get("X-CSRF-Token") != b.csrf {
			t.Fatal("GET /me does not give the session's CSRF token back")
		}
	})
	t.Run("MeWithoutCredentialsIs401", func(t *testing.T) {
		rec := e.do(http.MethodGet, "/api/v1/me", nil)
		wantStatus(t, rec, http.StatusUnauthorized)
		problemOf(t, rec)
		if rec.Header().Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
	})
	t.Run("GarbageCookieIs401", func(t *testing.T) {
		rec := e.do(http.MethodGet, "/api/v1/me", nil, "Cookie", "redress_session=nonsense")
		wantStatus(t, rec, http.StatusUnauthorized)
	})
	t.Run("LogoutNeedsCSRF", func(t *testing.T) {
		rec := e.do(http.MethodPost, "/api/v1/auth/logout", nil, b.cookieOnly()...)
		wantStatus(t, rec, http.StatusForbidden)
		problemOf(t, rec)
	})
	t.Run("LogoutEndsSession", func(t *testing.T) {
		rec := e.do(http.MethodPost, "/api/v1/auth/logout", nil, b.headers()...)
		wantStatus(t, rec, http.StatusNoContent)
		if ck := sessionCookie(t, rec); ck.MaxAge >= 0 || ck.Value != "" {
			t.Fatalf("logout does not clear the cookie: %+v", ck)
		}
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, b.cookieOnly()...), http.StatusUnauthorized)
	})
}

func TestSecureCookieBehindHTTPS(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_BASE_URL": "https://redress.example.com"})
	u := e.addUser(cases.RoleAgent)
	rec := e.postLogin(u.Email, testPassword)
	wantStatus(t, rec, http.StatusOK)
	if ck := sessionCookie(t, rec); !ck.Secure {
		t.Fatal("session cookie is not Secure with an https base URL")
	}
}

// TestLoginFailuresLookAlike: an attacker must not tell an unknown email
// from a wrong password or a deactivated account.
func TestLoginFailuresLookAlike(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAgent)
	gone := e.addUser(cases.RoleAgent)
	if _, err := e.people.DeactivateUser(context.Background(), gone.ID); err != nil {
		t.Fatal(err)
	}
	attempts := map[string]*httptest.ResponseRecorder{
		"WrongPassword":   e.postLogin(u.Email, "not the password at all"),
		"UnknownEmail":    e.postLogin("nobody@example.com", testPassword),
		"DeactivatedUser": e.postLogin(gone.Email, testPassword),
	}
	var first []byte
	for name, rec := range attempts {
		wantStatus(t, rec, http.StatusUnauthorized)
		p := problemOf(t, rec)
		delete(p, "request_id")
		delete(p, "instance")
		b, _ := json.Marshal(p)
		if first == nil {
			first = b
		} else if string(b) != string(first) {
			t.Errorf("%s: body %s differs from %s", name, b, first)
		}
		if len(rec.Result().Cookies()) != 0 {
			t.Errorf("%s: a failed sign-in sets a cookie", name)
		}
	}
	logs := e.logs.String()
	for _, reason := range []string{cases.ErrWrongPassword.Error(), cases.ErrUnknownEmail.Error(), cases.ErrUserDeactivated.Error()} {
		if !strings.Contains(logs, reason) {
			t.Errorf("the log does not say %q: operators need the reason", reason)
		}
	}
}

func TestLoginThrottle(t *testing.T) {
	t.Run("PerAccountAndAddress", func(t *testing.T) {
		e := newEnv(t)
		u := e.addUser(cases.RoleAgent)
		const addr = "198.51.100.1"
		for i := range 5 {
			wantStatus(t, e.doFrom(addr, http.MethodPost, "/api/v1/auth/login",
				jsonBody(map[string]string{"email": u.Email, "password": "wrong password " + strconv.Itoa(i)})), http.StatusUnauthorized)
		}
		// From that address, even the right password waits.
		rec := e.doFrom(addr, http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": strings.ToUpper(u.Email), "password": testPassword}))
		wantStatus(t, rec, http.StatusTooManyRequests)
		checkRetryAfter(t, rec)
		if !strings.Contains(e.logs.String(), "sign-in locked out") {
			t.Error("lockout not logged")
		}
		// The real person elsewhere is not locked out by a guesser here.
		wantStatus(t, e.doFrom("198.51.100.99", http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": u.Email, "password": testPassword})), http.StatusOK)
		// Another account from the same address is not affected.
		other := e.addUser(cases.RoleAgent)
		wantStatus(t, e.doFrom(addr, http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": other.Email, "password": testPassword})), http.StatusOK)
		// Once the failures leave the 15-minute window, sign-in works.
		if _, err := e.db.Exec(`UPDATE login_failures SET at = at - interval '16 minutes'`); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, e.doFrom(addr, http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": u.Email, "password": testPassword})), http.StatusOK)
	})
	t.Run("AccountCeilingSlowsButDoesNotLock", func(t *testing.T) {
		e := newEnv(t)
		u := e.addUser(cases.RoleAgent)
		for i := range 20 {
			wantStatus(t, e.doFrom(fmt.Sprintf("198.51.100.%d", i+1), http.MethodPost, "/api/v1/auth/login",
				jsonBody(map[string]string{"email": u.Email, "password": "wrong password " + strconv.Itoa(i)})), http.StatusUnauthorized)
		}
		// Past the ceiling, the account takes one attempt per few seconds.
		rec := e.doFrom("198.51.100.200", http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": u.Email, "password": testPassword}))
		wantStatus(t, rec, http.StatusTooManyRequests)
		if after, _ := strconv.Atoi(rec.Header().Get("Retry-After")); after < 1 || after > 5 {
			t.Fatalf("Retry-After %q: slowed, not locked, means seconds", rec.Header().Get("Retry-After"))
		}
		if _, err := e.db.Exec(`UPDATE login_failures SET at = at - interval '6 seconds'`); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, e.doFrom("198.51.100.200", http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": u.Email, "password": testPassword})), http.StatusOK)
	})
	t.Run("AddressCeilingSlowsButDoesNotLock", func(t *testing.T) {
		e := newEnv(t)
		const addr = "203.0.113.7"
		for i := range 20 {
			rec := e.doFrom(addr, http.MethodPost, "/api/v1/auth/login",
				jsonBody(map[string]string{"email": fmt.Sprintf("guess%d@example.com", i), "password": "some password"}))
			wantStatus(t, rec, http.StatusUnauthorized)
		}
		u := e.addUser(cases.RoleAgent)
		rec := e.doFrom(addr, http.MethodPost, "/api/v1/auth/login", jsonBody(map[string]string{"email": u.Email, "password": testPassword}))
		wantStatus(t, rec, http.StatusTooManyRequests)
		checkRetryAfter(t, rec)
		rec = e.doFrom("203.0.113.8", http.MethodPost, "/api/v1/auth/login", jsonBody(map[string]string{"email": u.Email, "password": testPassword}))
		wantStatus(t, rec, http.StatusOK)
		// A colleague behind the same office address waits seconds, not the
		// window.
		if _, err := e.db.Exec(`UPDATE login_failures SET at = at - interval '6 seconds'`); err != nil {
			t.Fatal(err)
		}
		colleague := e.addUser(cases.RoleAgent)
		wantStatus(t, e.doFrom(addr, http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": colleague.Email, "password": testPassword})), http.StatusOK)
	})
	t.Run("IPv6CountsPer64", func(t *testing.T) {
		e := newEnv(t)
		for i := range 20 {
			rec := e.doFrom(fmt.Sprintf("2001:db8:1:2::%x", i+1), http.MethodPost, "/api/v1/auth/login",
				jsonBody(map[string]string{"email": fmt.Sprintf("guess%d@example.com", i), "password": "some password"}))
			wantStatus(t, rec, http.StatusUnauthorized)
		}
		rec := e.doFrom("2001:db8:1:2:ffff::1", http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": "next@example.com", "password": "some password"}))
		wantStatus(t, rec, http.StatusTooManyRequests)
	})
	t.Run("SuccessClearsAccountFailures", func(t *testing.T) {
		e := newEnv(t)
		u := e.addUser(cases.RoleAgent)
		for range 4 {
			wantStatus(t, e.postLogin(u.Email, "wrong password!"), http.StatusUnauthorized)
		}
		e.login(u.Email, testPassword)
		for range 4 {
			wantStatus(t, e.postLogin(u.Email, "wrong password!"), http.StatusUnauthorized)
		}
		e.login(u.Email, testPassword)
	})
	t.Run("ForwardedForIgnoredFromTheInternet", func(t *testing.T) {
		e := newEnv(t)
		for i := range 20 {
			rec := e.doFrom("203.0.113.9", http.MethodPost, "/api/v1/auth/login",
				jsonBody(map[string]string{"email": fmt.Sprintf("g%d@example.com", i), "password": "some password"}),
				"X-Forwarded-For", fmt.Sprintf("10.9.8.%d", i))
			wantStatus(t, rec, http.StatusUnauthorized)
		}
		rec := e.doFrom("203.0.113.9", http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": "x@example.com", "password": "some password"}), "X-Forwarded-For", "10.1.1.1")
		wantStatus(t, rec, http.StatusTooManyRequests)
	})
}

func checkRetryAfter(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	p := problemOf(t, rec)
	after, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || after < 1 || after > 15*60 {
		t.Fatalf("Retry-After %q, want 1..900 seconds", rec.Header().Get("Retry-After"))
	}
	if got, _ := p["retry_after"].(float64); int(got) != after {
		t.Fatalf("retry_after %v in the body, %d in the header", p["retry_after"], after)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAgent)
	b := e.login(u.Email, testPassword)
	patch := func(headers ...string) *httptest.ResponseRecorder {
		return e.do(http.MethodPatch, "/api/v1/me", strings.NewReader(`{"language":"en"}`), headers...)
	}
	t.Run("MissingIs403", func(t *testing.T) {
		rec := patch(b.cookieOnly()...)
		wantStatus(t, rec, http.StatusForbidden)
		if p := problemOf(t, rec); !strings.Contains(p["detail"].(string), "X-CSRF-Token") {
			t.Fatalf("detail %q does not say what is missing", p["detail"])
		}
	})
	t.Run("WrongIs403", func(t *testing.T) {
		wantStatus(t, patch(b.cookieOnly("X-CSRF-Token", "x"+b.csrf[1:])...), http.StatusForbidden)
	})
	t.Run("AnotherSessionsTokenIs403", func(t *testing.T) {
		other := e.login(u.Email, testPassword)
		wantStatus(t, patch(b.cookieOnly("X-CSRF-Token", other.csrf)...), http.StatusForbidden)
	})
	t.Run("RightIsAccepted", func(t *testing.T) {
		wantStatus(t, patch(b.headers()...), http.StatusOK)
	})
	t.Run("FormFieldIsAccepted", func(t *testing.T) {
		rec := e.do(http.MethodPost, "/api/v1/auth/logout", strings.NewReader("csrf_token="+b.csrf),
			b.cookieOnly("Content-Type", "application/x-www-form-urlencoded")...)
		wantStatus(t, rec, http.StatusNoContent)
	})
	t.Run("SafeMethodsNeedNone", func(t *testing.T) {
		b := e.login(u.Email, testPassword)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/tokens", nil, b.cookieOnly()...), http.StatusOK)
	})
	t.Run("BearerIsExempt", func(t *testing.T) {
		b := e.login(u.Email, testPassword)
		tok := e.bearer(b)
		wantStatus(t, patch("Authorization", "Bearer "+tok), http.StatusOK)
	})
	t.Run("LoginFromAnotherOriginIs403", func(t *testing.T) {
		rec := e.postLogin(u.Email, testPassword, "Origin", "https://evil.example")
		wantStatus(t, rec, http.StatusForbidden)
		if len(rec.Result().Cookies()) != 0 {
			t.Fatal("cross-origin sign-in set a cookie")
		}
		wantStatus(t, e.postLogin(u.Email, testPassword, "Origin", "null"), http.StatusForbidden)
	})
	t.Run("LoginFromOwnOriginWorks", func(t *testing.T) {
		wantStatus(t, e.postLogin(u.Email, testPassword, "Origin", "http://127.0.0.1:8080"), http.StatusOK)
		// The default base URL is on loopback; localhost is the same machine.
		wantStatus(t, e.postLogin(u.Email, testPassword, "Origin", "http://localhost:8080"), http.StatusOK)
		wantStatus(t, e.postLogin(u.Email, testPassword, "Origin", "http://localhost:9999"), http.StatusForbidden)
		wantStatus(t, e.postLogin(u.Email, testPassword, "Origin", "https://127.0.0.1:8080"), http.StatusForbidden)
	})
	t.Run("BehindHTTPSOnlyThePublicOriginSignsIn", func(t *testing.T) {
		e := newEnvWith(t, map[string]string{"REDRESS_BASE_URL": "https://redress.example.com"})
		u := e.addUser(cases.RoleAgent)
		wantStatus(t, e.postLogin(u.Email, testPassword, "Origin", "https://REDRESS.example.com:443"), http.StatusOK)
		wantStatus(t, e.postLogin(u.Email, testPassword, "Origin", "http://localhost"), http.StatusForbidden)
		wantStatus(t, e.postLogin(u.Email, testPassword, "Origin", "https://redress.example.com.evil.example"), http.StatusForbidden)
	})
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAgent)
	me := func(b browser) int { return e.do(http.MethodGet, "/api/v1/me", nil, b.cookieOnly()...).Code }
	hash := func(b browser) []byte { s := sha256.Sum256([]byte(b.cookie)); return s[:] }

	t.Run("Idle", func(t *testing.T) {
		b := e.login(u.Email, testPassword)
		e.db.MustExec(`UPDATE sessions SET last_seen_at = now() - interval '12 hours 1 second' WHERE token_hash = $1`, hash(b))
		if got := me(b); got != http.StatusUnauthorized {
			t.Fatalf("idle session: %d, want 401", got)
		}
	})
	t.Run("Absolute", func(t *testing.T) {
		b := e.login(u.Email, testPassword)
		e.db.MustExec(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, hash(b))
		if got := me(b); got != http.StatusUnauthorized {
			t.Fatalf("expired session: %d, want 401", got)
		}
	})
	t.Run("AbsoluteIsSevenDays", func(t *testing.T) {
		b := e.login(u.Email, testPassword)
		var d time.Duration
		var secs float64
		e.db.Get(&secs, `SELECT extract(epoch FROM expires_at - created_at) FROM sessions WHERE token_hash = $1`, hash(b))
		d = time.Duration(secs) * time.Second
		if d != 7*24*time.Hour {
			t.Fatalf("absolute lifetime %v", d)
		}
	})
	t.Run("LastSeenAtMostOnceAMinute", func(t *testing.T) {
		b := e.login(u.Email, testPassword)
		e.db.MustExec(`UPDATE sessions SET last_seen_at = now() - interval '30 seconds' WHERE token_hash = $1`, hash(b))
		var before, after time.Time
		e.db.Get(&before, `SELECT last_seen_at FROM sessions WHERE token_hash = $1`, hash(b))
		me(b)
		e.db.Get(&after, `SELECT last_seen_at FROM sessions WHERE token_hash = $1`, hash(b))
		if !after.Equal(before) {
			t.Fatal("last_seen_at written again within a minute")
		}
		e.db.MustExec(`UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE token_hash = $1`, hash(b))
		me(b)
		var fresh bool
		e.db.Get(&fresh, `SELECT last_seen_at > now() - interval '5 seconds' FROM sessions WHERE token_hash = $1`, hash(b))
		if !fresh {
			t.Fatal("last_seen_at not refreshed after two minutes")
		}
	})
}

func TestLoginRotatesSession(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAgent)
	first := e.login(u.Email, testPassword)
	rec := e.postLogin(u.Email, testPassword, "Cookie", "redress_session="+first.cookie)
	wantStatus(t, rec, http.StatusOK)
	second := sessionCookie(t, rec).Value
	if second == first.cookie {
		t.Fatal("sign-in reused the session token")
	}
	wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Cookie", "redress_session="+first.cookie), http.StatusUnauthorized)
	wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Cookie", "redress_session="+second), http.StatusOK)
	var n int
	e.db.Get(&n, `SELECT count(*) FROM sessions WHERE user_id = $1`, u.ID)
	if n != 1 {
		t.Fatalf("%d sessions after signing in again from the same browser, want 1", n)
	}
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAgent)
	b := e.login(u.Email, testPassword)

	rec := e.do(http.MethodPost, "/api/v1/tokens", strings.NewReader(`{"name":"  erp sync  "}`), b.headers()...)
	wantStatus(t, rec, http.StatusCreated)
	var created struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Token string `json:"token"`
	}
	decode(t, rec, &created)
	if !strings.HasPrefix(created.Token, "rdr_") || len(created.Token) != 47 || created.Name != "erp sync" || created.ID == 0 {
		t.Fatalf("created %+v", created)
	}
	bearer := "Bearer " + created.Token

	t.Run("StoredAsSHA256Only", func(t *testing.T) {
		sum := sha256.Sum256([]byte(created.Token))
		var n int
		e.db.Get(&n, `SELECT count(*) FROM api_tokens WHERE token_hash = $1`, sum[:])
		if n != 1 {
			t.Fatal("the token's SHA-256 is not what is stored")
		}
	})
	t.Run("AuthenticatesAsOwner", func(t *testing.T) {
		rec := e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", bearer)
		wantStatus(t, rec, http.StatusOK)
		var me cases.User
		decode(t, rec, &me)
		if me.ID != u.ID {
			t.Fatalf("token authenticates as %d, want %d", me.ID, u.ID)
		}
		if rec.Header().Get("X-CSRF-Token") != "" {
			t.Fatal("a bearer request got a CSRF token")
		}
	})
	t.Run("SchemeIsCaseInsensitive", func(t *testing.T) {
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", "bearer "+created.Token), http.StatusOK)
	})
	t.Run("ListShowsNoSecret", func(t *testing.T) {
		rec := e.do(http.MethodGet, "/api/v1/tokens", nil, "Authorization", bearer)
		wantStatus(t, rec, http.StatusOK)
		if strings.Contains(rec.Body.String(), created.Token) || strings.Contains(rec.Body.String(), `"token"`) {
			t.Fatalf("list shows the secret: %s", rec.Body)
		}
		var page struct {
			Items []cases.APIToken `json:"items"`
		}
		decode(t, rec, &page)
		if len(page.Items) != 1 || page.Items[0].ID != created.ID || page.Items[0].LastUsedAt == nil {
			t.Fatalf("tokens %+v, want the one token with last_used_at set", page.Items)
		}
	})
	t.Run("TokenCannotMintTokens", func(t *testing.T) {
		rec := e.do(http.MethodPost, "/api/v1/tokens", strings.NewReader(`{"name":"successor"}`), "Authorization", bearer)
		wantStatus(t, rec, http.StatusForbidden)
	})
	t.Run("WrongTokensAre401", func(t *testing.T) {
		for _, h := range []string{"Bearer rdr_" + strings.Repeat("A", 43), "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer", created.Token} {
			rec := e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", h)
			wantStatus(t, rec, http.StatusUnauthorized)
			problemOf(t, rec)
		}
	})
	t.Run("OthersCannotRevokeOrList", func(t *testing.T) {
		other := e.login(e.addUser(cases.RoleSupervisor).Email, testPassword)
		wantStatus(t, e.do(http.MethodDelete, "/api/v1/tokens/"+strconv.FormatInt(created.ID, 10), nil, other.headers()...), http.StatusNotFound)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/tokens?user_id="+strconv.FormatInt(u.ID, 10), nil, other.headers()...), http.StatusForbidden)
	})
	t.Run("AdminListsAnyonesTokens", func(t *testing.T) {
		a := e.login(e.addUser(cases.RoleAdmin).Email, testPassword)
		rec := e.do(http.MethodGet, "/api/v1/tokens?user_id="+strconv.FormatInt(u.ID, 10), nil, a.headers()...)
		wantStatus(t, rec, http.StatusOK)
		if !strings.Contains(rec.Body.String(), `"erp sync"`) {
			t.Fatalf("admin's list %s", rec.Body)
		}
	})
	t.Run("RevokedTokenIs401", func(t *testing.T) {
		wantStatus(t, e.do(http.MethodDelete, "/api/v1/tokens/"+strconv.FormatInt(created.ID, 10), nil, "Authorization", bearer), http.StatusNoContent)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", bearer), http.StatusUnauthorized)
		wantStatus(t, e.do(http.MethodDelete, "/api/v1/tokens/"+strconv.FormatInt(created.ID, 10), nil, b.headers()...), http.StatusNotFound)
	})
	t.Run("AdminRevokesAnyToken", func(t *testing.T) {
		tok := e.bearer(b)
		var id int64
		sum := sha256.Sum256([]byte(tok))
		e.db.Get(&id, `SELECT id FROM api_tokens WHERE token_hash = $1`, sum[:])
		a := e.login(e.addUser(cases.RoleAdmin).Email, testPassword)
		wantStatus(t, e.do(http.MethodDelete, "/api/v1/tokens/"+strconv.FormatInt(id, 10), nil, a.headers()...), http.StatusNoContent)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+tok), http.StatusUnauthorized)
	})
}

func TestDeactivationStopsEverythingAtOnce(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAgent)
	b := e.login(u.Email, testPassword)
	tok := e.bearer(b)
	a := e.login(e.addUser(cases.RoleAdmin).Email, testPassword)

	t.Run("FlagAloneIsEnough", func(t *testing.T) {
		// Flip the flag behind the API's back: the per-request check, not
		// the clean-up, is what stops a deactivated user.
		e.db.MustExec(`UPDATE users SET active = false WHERE id = $1`, u.ID)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, b.cookieOnly()...), http.StatusUnauthorized)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+tok), http.StatusUnauthorized)
		e.db.MustExec(`UPDATE users SET active = true WHERE id = $1`, u.ID)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+tok), http.StatusOK)
	})
	t.Run("DeactivateEndsSessionsAndTokens", func(t *testing.T) {
		rec := e.do(http.MethodPost, fmt.Sprintf("/api/v1/users/%d/deactivate", u.ID), nil, a.headers()...)
		wantStatus(t, rec, http.StatusOK)
		var got cases.User
		decode(t, rec, &got)
		if got.Active {
			t.Fatal("still active")
		}
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, b.cookieOnly()...), http.StatusUnauthorized)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+tok), http.StatusUnauthorized)
		wantStatus(t, e.postLogin(u.Email, testPassword), http.StatusUnauthorized)
	})
	t.Run("ReactivateLetsThemSignInButOldCredentialsStayDead", func(t *testing.T) {
		wantStatus(t, e.do(http.MethodPost, fmt.Sprintf("/api/v1/users/%d/reactivate", u.ID), nil, a.headers()...), http.StatusOK)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+tok), http.StatusUnauthorized)
		wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, b.cookieOnly()...), http.StatusUnauthorized)
		e.login(u.Email, testPassword)
	})
}

// TestSecretsNeverLogged signs in, uses a token and fails a sign-in with a
// known password, then searches everything the server logged.
func TestSecretsNeverLogged(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAdmin)
	b := e.login(u.Email, testPassword)
	tok := e.bearer(b)
	wantStatus(t, e.do(http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+tok), http.StatusOK)
	const wrong = "Tr0ub4dor&3-wrong"
	wantStatus(t, e.postLogin(u.Email, wrong), http.StatusUnauthorized)
	// A password typed into the email field must not reach the log either.
	wantStatus(t, e.postLogin("hunter2hunter2@example.com", wrong), http.StatusUnauthorized)
	newPassword := "a brand new password"
	wantStatus(t, e.do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", u.ID), jsonBody(map[string]string{"display_name": "x"}), b.headers()...), http.StatusOK)
	wantStatus(t, e.do(http.MethodPost, "/api/v1/me/password",
		jsonBody(map[string]string{"current_password": testPassword, "new_password": newPassword}), b.headers()...), http.StatusNoContent)

	logs := e.logs.String()
	if !strings.Contains(logs, "sign-in failed") || !strings.Contains(logs, "signed in") {
		t.Fatalf("expected sign-in events in the log:\n%s", logs)
	}
	for name, secret := range map[string]string{
		"session token": b.cookie, "CSRF token": b.csrf, "API token": tok, "API token secret part": tok[4:],
		"password": testPassword, "wrong password": wrong, "new password": newPassword,
		"email typed as password": "hunter2hunter2",
	} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains the %s", name)
		}
	}
}
