package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"redress/cases"
)

// TestUploadCSRFFromForm covers a browser's multipart upload signed in by
// cookie: without the header, the form's first field must carry the token,
// checked as the body streams in (never by buffering the whole form).
func TestUploadCSRFFromForm(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(cases.RoleAgent)
	b := e.login(u.Email, testPassword)
	c, _ := createCase(t, caller{e: e, user: u, token: e.bearer(b)})
	path := fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID)
	photo := fileOf(pngMagic, 4096, 1)
	send := func(parts ...part) int {
		body, ct := multipartBody(t, parts...)
		return e.do(http.MethodPost, path, body, b.cookieOnly("Content-Type", ct)...).Code
	}
	if got := send(field("csrf_token", b.csrf), field("kind", "photo"), filePart("p.png", photo)); got != http.StatusCreated {
		t.Fatalf("token as first field: %d, want 201", got)
	}
	for name, parts := range map[string][]part{
		"Missing":   {field("kind", "photo"), filePart("p.png", photo)},
		"Wrong":     {field("csrf_token", "forged"), field("kind", "photo"), filePart("p.png", photo)},
		"NotFirst":  {field("kind", "photo"), field("csrf_token", b.csrf), filePart("p.png", photo)},
		"EmptyBody": {},
	} {
		t.Run(name, func(t *testing.T) {
			if got := send(parts...); got != http.StatusForbidden {
				t.Fatalf("status %d, want 403", got)
			}
		})
	}
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM evidence WHERE case_id = $1`, c.ID); err != nil || n != 1 {
		t.Fatalf("%d evidence rows, want only the accepted upload's: %v", n, err)
	}
}
