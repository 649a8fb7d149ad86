package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"redress/cases"
)

// TestBadInput sends every endpoint of people and access the inputs a
// careless or hostile client sends, and checks the status, that the
// problem names the field at fault, and that nothing was stored.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	admin := e.addUser(cases.RoleAdmin)
	a := e.login(admin.Email, testPassword)
	agent := e.addUser(cases.RoleAgent)
	user := fmt.Sprintf("/api/v1/users/%d", agent.ID)
	valid := `"email":"new@example.com","display_name":"New","role":"agent","password":"long enough!"`

	type tc struct {
		name, method, path, body string
		status                   int
		field                    string   // "" when the problem names no field
		headers                  []string // defaults to the admin's browser
	}
	tests := []tc{
		// The shared JSON binder, through POST /api/v1/users.
		{"MalformedJSON", "POST", "/api/v1/users", `{"email":`, 400, "", nil},
		{"SyntaxError", "POST", "/api/v1/users", `{"email" "x"}`, 400, "", nil},
		{"EmptyBody", "POST", "/api/v1/users", ``, 400, "", nil},
		{"NotAnObject", "POST", "/api/v1/users", `["email"]`, 400, "", nil},
		{"TwoValues", "POST", "/api/v1/users", `{` + valid + `} {}`, 400, "", nil},
		{"UnknownField", "POST", "/api/v1/users", `{` + valid + `,"is_admin":true}`, 400, "is_admin", nil},
		{"WrongType", "POST", "/api/v1/users", `{"email":42}`, 400, "email", nil},
		{"InvalidUTF8", "POST", "/api/v1/users", "{\"email\":\"a\xffb@example.com\"}", 400, "", nil},
		{"NotJSON", "POST", "/api/v1/users", `email=x`, 415, "", append(a.headers(), "Content-Type", "application/x-www-form-urlencoded")},
		{"Oversized", "POST", "/api/v1/users", `{"display_name":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "", nil},

		// POST /api/v1/users: validation names the field.
		{"EmailMissing", "POST", "/api/v1/users", `{"display_name":"N","role":"agent","password":"long enough!"}`, 422, "email", nil},
		{"EmailNotAnAddress", "POST", "/api/v1/users", `{` + strings.Replace(valid, "new@example.com", "new.example.com", 1) + `}`, 422, "email", nil},
		{"EmailWithDisplayName", "POST", "/api/v1/users", `{` + strings.Replace(valid, "new@example.com", "New <new@example.com>", 1) + `}`, 422, "email", nil},
		{"EmailZeroWidthSpace", "POST", "/api/v1/users", `{` + strings.Replace(valid, "new@example.com", "ne\u200bw@example.com", 1) + `}`, 422, "email", nil},
		{"EmailBidiOverride", "POST", "/api/v1/users", `{` + strings.Replace(valid, "new@example.com", "new\u202e@example.com", 1) + `}`, 422, "email", nil},
		{"EmailControlChar", "POST", "/api/v1/users", `{` + strings.Replace(valid, "new@example.com", `new\u0000@example.com`, 1) + `}`, 400, "email", nil},
		{"EmailInnerSpace", "POST", "/api/v1/users", `{` + strings.Replace(valid, "new@example.com", "n ew@example.com", 1) + `}`, 422, "email", nil},
		{"EmailTooLong", "POST", "/api/v1/users", `{` + strings.Replace(valid, "new@example.com", "n@"+strings.Repeat("a", 250)+".com", 1) + `}`, 422, "email", nil},
		{"EmailReplacementChar", "POST", "/api/v1/users", `{` + strings.Replace(valid, "new@example.com", "new\ufffd@example.com", 1) + `}`, 422, "email", nil},
		{"PasswordEmpty", "POST", "/api/v1/users", `{` + strings.Replace(valid, "long enough!", "", 1) + `}`, 422, "password", nil},
		{"PasswordShort", "POST", "/api/v1/users", `{` + strings.Replace(valid, "long enough!", "short", 1) + `}`, 422, "password", nil},
		{"PasswordTooLong", "POST", "/api/v1/users", `{` + strings.Replace(valid, "long enough!", strings.Repeat("p", 257), 1) + `}`, 422, "password", nil},
		{"RoleUnknown", "POST", "/api/v1/users", `{` + strings.Replace(valid, `"agent"`, `"root"`, 1) + `}`, 422, "role", nil},
		{"LanguageUnknown", "POST", "/api/v1/users", `{` + valid + `,"language":"fr"}`, 422, "language", nil},
		{"TimeZoneUnknown", "POST", "/api/v1/users", `{` + valid + `,"time_zone":"Mars/Olympus"}`, 422, "time_zone", nil},
		{"TimeZoneLocal", "POST", "/api/v1/users", `{` + valid + `,"time_zone":"Local"}`, 422, "time_zone", nil},
		{"TimeZoneTraversal", "POST", "/api/v1/users", `{` + valid + `,"time_zone":"../../etc/passwd"}`, 422, "time_zone", nil},
		{"DisplayNameBlank", "POST", "/api/v1/users", `{` + strings.Replace(valid, `"New"`, `"   "`, 1) + `}`, 422, "display_name", nil},
		{"DisplayNameControl", "POST", "/api/v1/users", `{` + strings.Replace(valid, `"New"`, `"Ne\u0007w"`, 1) + `}`, 422, "display_name", nil},
		{"DisplayNameTooLong", "POST", "/api/v1/users", `{` + strings.Replace(valid, `"New"`, `"`+strings.Repeat("名", 101)+`"`, 1) + `}`, 422, "display_name", nil},

		// PATCH /api/v1/users/{id}.
		{"PatchUnknownField", "PATCH", user, `{"active":false}`, 400, "active", nil},
		{"PatchBadRole", "PATCH", user, `{"role":"owner"}`, 422, "role", nil},
		{"PatchBadEmail", "PATCH", user, `{"email":"@example.com"}`, 422, "email", nil},
		{"PatchShortPassword", "PATCH", user, `{"password":"123"}`, 422, "password", nil},
		{"PatchEmptyPassword", "PATCH", user, `{"password":""}`, 422, "password", nil},
		{"PatchWrongType", "PATCH", user, `{"display_name":["x"]}`, 400, "display_name", nil},
		{"PatchBadID", "PATCH", "/api/v1/users/0", `{}`, 404, "", nil},
		{"PatchMissingUser", "PATCH", "/api/v1/users/424242", `{"display_name":"x"}`, 404, "", nil},

		// GET /api/v1/users.
		{"ListBadLimit", "GET", "/api/v1/users?limit=many", ``, 400, "limit", nil},
		{"ListLimitTooBig", "GET", "/api/v1/users?limit=201", ``, 422, "limit", nil},
		{"ListBadCursor", "GET", "/api/v1/users?cursor=%21%21", ``, 400, "cursor", nil},
		{"ListForgedCursor", "GET", "/api/v1/users?cursor=eyJpIjotMX0", ``, 400, "cursor", nil},
		{"ListBadActive", "GET", "/api/v1/users?active=maybe", ``, 400, "active", nil},

		// POST /api/v1/auth/login.
		{"LoginMalformed", "POST", "/api/v1/auth/login", `{"email":"a@example.com","password":`, 400, "", []string{}},
		{"LoginUnknownField", "POST", "/api/v1/auth/login", `{"email":"a@example.com","password":"x","remember":true}`, 400, "remember", []string{}},
		{"LoginEmptyPassword", "POST", "/api/v1/auth/login", `{"email":"a@example.com","password":""}`, 422, "password", []string{}},
		{"LoginNoEmail", "POST", "/api/v1/auth/login", `{"password":"long enough!"}`, 422, "email", []string{}},
		{"LoginOddEmail", "POST", "/api/v1/auth/login", `{"email":"a\u2066@example.com","password":"long enough!"}`, 422, "email", []string{}},
		{"LoginNumberPassword", "POST", "/api/v1/auth/login", `{"email":"a@example.com","password":1234567890}`, 400, "password", []string{}},
		{"LoginNotJSON", "POST", "/api/v1/auth/login", `email=a`, 415, "", []string{"Content-Type", "text/plain"}},

		// POST /api/v1/tokens, DELETE /api/v1/tokens/{id}, GET /api/v1/tokens.
		{"TokenNameMissing", "POST", "/api/v1/tokens", `{}`, 422, "name", nil},
		{"TokenNameBlank", "POST", "/api/v1/tokens", `{"name":"  "}`, 422, "name", nil},
		{"TokenNameTooLong", "POST", "/api/v1/tokens", `{"name":"` + strings.Repeat("t", 101) + `"}`, 422, "name", nil},
		{"TokenNameControl", "POST", "/api/v1/tokens", `{"name":"a\nb"}`, 422, "name", nil},
		{"TokenUnknownField", "POST", "/api/v1/tokens", `{"name":"x","scopes":["all"]}`, 400, "scopes", nil},
		{"TokenWrongType", "POST", "/api/v1/tokens", `{"name":7}`, 400, "name", nil},
		{"RevokeBadID", "DELETE", "/api/v1/tokens/x1", ``, 404, "", nil},
		{"RevokeUnknown", "DELETE", "/api/v1/tokens/424242", ``, 404, "", nil},
		{"ListTokensBadUser", "GET", "/api/v1/tokens?user_id=me", ``, 400, "user_id", nil},

		// PATCH /api/v1/me and POST /api/v1/me/password.
		{"MeBadLanguage", "PATCH", "/api/v1/me", `{"language":"zh-TW"}`, 422, "language", nil},
		{"MeBadTimeZone", "PATCH", "/api/v1/me", `{"time_zone":""}`, 422, "time_zone", nil},
		{"MeUnknownField", "PATCH", "/api/v1/me", `{"email":"x@example.com"}`, 400, "email", nil},
		{"MeMalformed", "PATCH", "/api/v1/me", `{`, 400, "", nil},
		{"PasswordCurrentEmpty", "POST", "/api/v1/me/password", `{"current_password":"","new_password":"a new password"}`, 422, "current_password", nil},
		{"PasswordNewEmpty", "POST", "/api/v1/me/password", `{"current_password":"` + testPassword + `","new_password":""}`, 422, "new_password", nil},
		{"PasswordNewShort", "POST", "/api/v1/me/password", `{"current_password":"` + testPassword + `","new_password":"short"}`, 422, "new_password", nil},
		{"PasswordUnknownField", "POST", "/api/v1/me/password", `{"password":"x"}`, 400, "password", nil},
	}
	counts := func() (n int) {
		e.db.Get(&n, `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM api_tokens) + (SELECT count(*) FROM sessions) + (SELECT count(*) FROM login_failures)`)
		return n
	}
	var hashBefore string
	e.db.Get(&hashBefore, `SELECT string_agg(password_hash || email || display_name || role || language || time_zone, ',' ORDER BY id) FROM users`)
	before := counts()
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			headers := c.headers
			if headers == nil {
				headers = a.headers()
			}
			var rec *httptest.ResponseRecorder
			if c.method == http.MethodGet || c.method == http.MethodDelete {
				rec = e.do(c.method, c.path, nil, headers...)
			} else {
				rec = e.do(c.method, c.path, bytes.NewReader([]byte(c.body)), headers...)
			}
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, c.status, rec.Body)
			}
			p := problemOf(t, rec)
			if got, _ := p["field"].(string); got != c.field {
				t.Fatalf("field %q, want %q; problem %v", got, c.field, p)
			}
			if d, _ := p["detail"].(string); d == "" {
				t.Fatalf("problem without detail: %v", p)
			}
		})
	}
	var hashAfter string
	e.db.Get(&hashAfter, `SELECT string_agg(password_hash || email || display_name || role || language || time_zone, ',' ORDER BY id) FROM users`)
	if after := counts(); after != before || hashAfter != hashBefore {
		t.Fatalf("bad input changed what is stored: %d rows before, %d after", before, after)
	}
}

func TestMalformedBodyProblemSaysWhere(t *testing.T) {
	e := newEnv(t)
	rec := e.do(http.MethodPost, "/api/v1/auth/login", strings.NewReader(`{"email": "a@example.com",, }`))
	wantStatus(t, rec, http.StatusBadRequest)
	p := problemOf(t, rec)
	if d := p["detail"].(string); !strings.Contains(d, "request body") || !strings.Contains(d, "byte") {
		t.Fatalf("detail %q does not point into the body", d)
	}
}
