package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"redress/cases"
)

func TestNotificationsAPI(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	other := e.caller(cases.RoleAgent)
	var last time.Time
	for range 3 {
		c := assignedCase(t, agent)
		last = *c.DueAt
	}
	theirs := assignedCase(t, other)
	e.sweep(last.Add(time.Minute))
	e.sweep(theirs.DueAt.Add(time.Minute))

	t.Run("PagesNewestFirst", func(t *testing.T) {
		p1 := agent.inbox("?limit=2")
		if len(p1.Items) != 2 || p1.NextCursor == "" || p1.Unread != 3 {
			t.Fatalf("page 1 %+v", p1)
		}
		p2 := agent.inbox("?limit=2&cursor=" + p1.NextCursor)
		if len(p2.Items) != 1 || p2.NextCursor != "" || p2.Items[0].ID >= p1.Items[1].ID {
			t.Fatalf("page 2 %+v", p2)
		}
		rec := agent.call(http.MethodGet, "/api/v1/notifications", nil)
		for _, field := range []string{`"id"`, `"kind"`, `"case_id"`, `"case_ref"`, `"message"`, `"created_at"`, `"read_at":null`} {
			if !strings.Contains(rec.Body.String(), field) {
				t.Fatalf("notification JSON lacks %s: %s", field, rec.Body)
			}
		}
	})
	t.Run("ReadOne", func(t *testing.T) {
		id := agent.inbox("").Items[0].ID
		rec := agent.call(http.MethodPost, fmt.Sprintf("/api/v1/notifications/%d/read", id), nil)
		if rec.Code != http.StatusOK || decodeAs[cases.Notification](t, rec).ReadAt == nil {
			t.Fatalf("read: %d %s", rec.Code, rec.Body)
		}
		if p := agent.inbox("?unread=true"); len(p.Items) != 2 || p.Unread != 2 {
			t.Fatalf("unread page %+v", p)
		}
	})
	t.Run("ReadAll", func(t *testing.T) {
		rec := agent.call(http.MethodPost, "/api/v1/notifications/read-all", nil)
		if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"marked":2,"unread":0}` {
			t.Fatalf("read-all: %d %s", rec.Code, rec.Body)
		}
		if u := other.inbox("").Unread; u != 1 {
			t.Fatalf("someone else's unread count is %d, want 1", u)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		theirID := other.inbox("").Items[0].ID
		for _, tt := range []struct {
			name, method, path string
			status             int
			field              string
		}{
			{"LimitNotANumber", http.MethodGet, "/api/v1/notifications?limit=ten", 400, "limit"},
			{"LimitZero", http.MethodGet, "/api/v1/notifications?limit=0", 422, "limit"},
			{"LimitTooLarge", http.MethodGet, "/api/v1/notifications?limit=201", 422, "limit"},
			{"GarbageCursor", http.MethodGet, "/api/v1/notifications?cursor=bm9wZQ", 400, "cursor"},
			{"UnreadNotABool", http.MethodGet, "/api/v1/notifications?unread=maybe", 400, "unread"},
			{"ReadSomeoneElses", http.MethodPost, fmt.Sprintf("/api/v1/notifications/%d/read", theirID), 404, ""},
			{"ReadMissing", http.MethodPost, "/api/v1/notifications/999999/read", 404, ""},
			{"ReadNotAnID", http.MethodPost, "/api/v1/notifications/abc/read", 404, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantProblem(t, agent.call(tt.method, tt.path, nil), tt.status, tt.field)
			})
		}
		if p := other.inbox(""); p.Unread != 1 || p.Items[0].ReadAt != nil {
			t.Fatal("someone else's notification changed")
		}
	})
	t.Run("CookieWritesNeedCSRF", func(t *testing.T) {
		b := e.login(other.user.Email, testPassword)
		rec := e.do(http.MethodPost, "/api/v1/notifications/read-all", nil, b.cookieOnly()...)
		wantProblem(t, rec, http.StatusForbidden, "")
		if u := other.inbox("").Unread; u != 1 {
			t.Fatalf("unread %d after a refused read-all", u)
		}
		if rec := e.do(http.MethodPost, "/api/v1/notifications/read-all", nil, b.headers()...); rec.Code != http.StatusOK {
			t.Fatalf("read-all with CSRF: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("Anonymous", func(t *testing.T) {
		wantProblem(t, e.do(http.MethodGet, "/api/v1/notifications/unread-count", nil), http.StatusUnauthorized, "")
	})
}
