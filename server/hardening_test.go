package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/server"
)

// TestTextPostgreSQLCannotStoreIs400 sends bytes PostgreSQL refuses (NUL,
// invalid UTF-8, an overlong NUL) in every place a client can put them, on
// the API and on the pages: each is a 400 naming the parameter, never a
// 500, and nothing changes.
func TestTextPostgreSQLCannotStoreIs400(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	cs, etag := createCase(t, agent)
	_, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	for _, raw := range []string{"%00", "%ff", "%c0%80", "a%00b", "%e4%b8"} {
		t.Run("APIQuery"+raw, func(t *testing.T) {
			wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?shop="+raw, nil), http.StatusBadRequest, "shop")
		})
		t.Run("PageQuery"+raw, func(t *testing.T) {
			rec := e.page(b, http.MethodGet, "/?q="+raw, nil)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "q must be UTF-8") {
				t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
			}
		})
	}
	t.Run("APIQueryName", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases?%ff=1", nil), http.StatusBadRequest, "query")
	})
	t.Run("PageForm", func(t *testing.T) {
		rec := e.page(b, http.MethodPost, "/cases/"+strconv.FormatInt(cs.ID, 10)+"/comments", url.Values{"body": {"hi\x00there"}})
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
		}
	})
	t.Run("JSONMemberWithNUL", func(t *testing.T) {
		body := `{"body":"hi\u0000there"}`
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases/"+strconv.FormatInt(cs.ID, 10)+"/comments", body,
			"Content-Type", "application/json"), http.StatusBadRequest, "body")
		wantProblem(t, agent.call(http.MethodPatch, "/api/v1/cases/"+strconv.FormatInt(cs.ID, 10), `{"review":{"text":"x\u0000"}}`,
			"Content-Type", "application/json", "If-Match", etag), http.StatusBadRequest, "review.text")
	})
	t.Run("NothingChanged", func(t *testing.T) {
		evs, err := store.New(e.db).Events(context.Background(), cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 {
			t.Fatalf("%d events, want only the creation", len(evs))
		}
	})
}

// TestBadTimestampNamesTheField: a time that is not one (month 13, day 40)
// is refused with the member named, as every other malformed value is.
func TestBadTimestampNamesTheField(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	body := newCaseBody()
	body["platform_due_at"] = "2026-13-40T10:00:00+08:00"
	wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases", body), http.StatusBadRequest, "platform_due_at")
	review := body["review"].(map[string]any)
	body["platform_due_at"] = "2026-12-01T10:00:00+08:00"
	review["posted_at"] = "yesterday"
	wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases", body), http.StatusBadRequest, "review.posted_at")
}

// TestContractEdges: the smaller contract breaks a hostile client found.
func TestContractEdges(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	other := e.caller(cases.RoleAgent)
	t.Run("AssignmentNeedsItsField", func(t *testing.T) {
		cs, _ := createCase(t, agent)
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases/"+strconv.FormatInt(cs.ID, 10)+"/assignment", `{}`,
			"Content-Type", "application/json"), http.StatusUnprocessableEntity, "assignee_id")
		got, err := store.New(e.db).Get(context.Background(), cs.ID)
		if err != nil || got.AssigneeID != nil || got.Version != cs.Version {
			t.Fatalf("the case changed: %+v, %v", got, err)
		}
		// null is the explicit way back to the queue.
		rec := agent.call(http.MethodPost, "/api/v1/cases/"+strconv.FormatInt(cs.ID, 10)+"/assignment", `{"assignee_id":null}`,
			"Content-Type", "application/json")
		if rec.Code != http.StatusOK || decodeAs[cases.Case](t, rec).AssigneeID != nil {
			t.Fatalf("unassign: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("AgentCannotCreateACaseForAnother", func(t *testing.T) {
		body := newCaseBody()
		body["external_id"] = "TB-for-another"
		body["assignee_id"] = other.user.ID
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases", body), http.StatusForbidden, "assignee_id")
		body["assignee_id"] = agent.user.ID
		if rec := agent.call(http.MethodPost, "/api/v1/cases", body); rec.Code != http.StatusCreated {
			t.Fatalf("for themselves: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("IfMatchStarMatchesAnyVersion", func(t *testing.T) {
		body := newCaseBody()
		body["external_id"] = "TB-if-match-star"
		cs := decodeAs[cases.Case](t, agent.call(http.MethodPost, "/api/v1/cases", body))
		rec := agent.call(http.MethodPatch, "/api/v1/cases/"+strconv.FormatInt(cs.ID, 10), `{"summary":"杯子碎了"}`,
			"Content-Type", "application/json", "If-Match", "*")
		if rec.Code != http.StatusOK || decodeAs[cases.Case](t, rec).Summary != "杯子碎了" {
			t.Fatalf("If-Match *: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestHeadersAndMetricsAccess: every response says nosniff, https adds
// HSTS, and /metrics answers only the allowed networks or its token.
func TestHeadersAndMetricsAccess(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_METRICS_TOKEN": "scrape-me-0123456789"})
	agent := e.caller(cases.RoleAgent)
	for _, rec := range []*httptest.ResponseRecorder{
		agent.call(http.MethodGet, "/api/v1/me", nil),
		agent.call(http.MethodGet, "/api/v1/cases/999", nil), // a problem
		e.do(http.MethodGet, "/healthz", nil),
	} {
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%d %s without nosniff", rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec.Header().Get("Strict-Transport-Security") != "" {
			t.Error("HSTS over plain http")
		}
	}
	t.Run("MetricsFromElsewhereIs403", func(t *testing.T) {
		wantProblem(t, e.do(http.MethodGet, "/metrics", nil), http.StatusForbidden, "")
		// A forwarded loopback address does not count: the peer does.
		wantProblem(t, e.do(http.MethodGet, "/metrics", nil, "X-Forwarded-For", "127.0.0.1"), http.StatusForbidden, "")
		wantProblem(t, e.do(http.MethodGet, "/metrics", nil, "Authorization", "Bearer wrong-token-0123456789"), http.StatusForbidden, "")
	})
	t.Run("MetricsWithTokenOrFromLoopback", func(t *testing.T) {
		for _, rec := range []*httptest.ResponseRecorder{
			e.do(http.MethodGet, "/metrics", nil, "Authorization", "Bearer scrape-me-0123456789"),
			e.doFrom("127.0.0.1", http.MethodGet, "/metrics", nil),
			e.doFrom("::1", http.MethodGet, "/metrics", nil),
		} {
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "redress_http_requests_total") {
				t.Fatalf("status %d", rec.Code)
			}
		}
	})
	t.Run("HSTSBehindHTTPS", func(t *testing.T) {
		e := newEnvWith(t, map[string]string{"REDRESS_BASE_URL": "https://redress.example.com"})
		if got := e.do(http.MethodGet, "/healthz", nil).Header().Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=") {
			t.Fatalf("HSTS %q", got)
		}
	})
}

// TestForwardedForOnlyFromTrustedProxies: a LAN client rotating
// X-Forwarded-For does not get a fresh sign-in budget per address; a named
// proxy's header is believed.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	login := func(e *env, peer, xff string, i int) *httptest.ResponseRecorder {
		return e.doFrom(peer, http.MethodPost, "/api/v1/auth/login",
			jsonBody(map[string]string{"email": fmt.Sprintf("nobody%d@example.com", i), "password": "some password"}),
			"X-Forwarded-For", xff)
	}
	t.Run("LANClientCannotRotate", func(t *testing.T) {
		e := newEnv(t)
		for i := range 20 {
			wantStatus(t, login(e, "10.0.0.7", fmt.Sprintf("10.9.8.%d", i), i), http.StatusUnauthorized)
		}
		wantStatus(t, login(e, "10.0.0.7", "10.9.9.9", 99), http.StatusTooManyRequests)
	})
	t.Run("TrustedProxyForwardsTheClient", func(t *testing.T) {
		e := newEnvWith(t, map[string]string{"REDRESS_TRUSTED_PROXIES": "10.0.0.0/24"})
		for i := range 20 {
			wantStatus(t, login(e, "10.0.0.7", fmt.Sprintf("198.51.100.%d", i), i), http.StatusUnauthorized)
		}
		// Twenty clients behind the proxy, one failure each: none is locked.
		wantStatus(t, login(e, "10.0.0.7", "198.51.100.200", 200), http.StatusUnauthorized)
	})
}

// TestCommentAnswersWithItsOwnEvent: concurrent comments on one case each
// get back the event they wrote, never a neighbour's.
func TestCommentAnswersWithItsOwnEvent(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	cs, _ := createCase(t, agent)
	path := "/api/v1/cases/" + strconv.FormatInt(cs.ID, 10) + "/comments"
	const n = 24
	errs := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf("comment %d", i)
			rec := agent.call(http.MethodPost, path, map[string]string{"body": body})
			if rec.Code != http.StatusCreated {
				errs <- fmt.Sprintf("%d: %s", rec.Code, rec.Body)
				return
			}
			var ev struct {
				Payload map[string]any `json:"payload"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &ev); err != nil || ev.Payload["body"] != body {
				errs <- fmt.Sprintf("sent %q, got back %v (%v)", body, ev.Payload, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

// TestNoOpWritesChangeNothing: an empty PATCH is no edit, and a version
// the case never had is named as the client's mistake.
func TestNoOpWritesChangeNothing(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	cs, etag := createCase(t, agent)
	path := "/api/v1/cases/" + strconv.FormatInt(cs.ID, 10)
	rec := agent.call(http.MethodPatch, path, `{}`, "Content-Type", "application/json", "If-Match", etag)
	if rec.Code != http.StatusOK {
		t.Fatalf("empty patch: %d %s", rec.Code, rec.Body)
	}
	got, err := store.New(e.db).Get(context.Background(), cs.ID)
	if err != nil || !got.UpdatedAt.Equal(cs.UpdatedAt) || got.Version != cs.Version {
		t.Fatalf("an empty patch touched the case: updated_at %v → %v, version %d → %d (%v)",
			cs.UpdatedAt, got.UpdatedAt, cs.Version, got.Version, err)
	}
	p := wantProblem(t, agent.call(http.MethodPatch, path, `{"summary":"x"}`, "Content-Type", "application/json", "If-Match", `"v99"`),
		http.StatusConflict, "If-Match")
	if d, _ := p["detail"].(string); !strings.Contains(d, "no version 99") || strings.Contains(d, "someone else") {
		t.Fatalf("detail %q", d)
	}
}

// stallingBody is an upload body that sends prefix, then says so on
// reached and waits until release is closed, then fails like a dropped
// connection: a client on a very slow link, under the test's control.
type stallingBody struct {
	prefix  *bytes.Reader
	reached chan<- struct{}
	release <-chan struct{}
	once    sync.Once
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if b.prefix.Len() > 0 {
		return b.prefix.Read(p)
	}
	b.once.Do(func() { b.reached <- struct{}{} })
	<-b.release
	return 0, errors.New("connection dropped")
}

func (b *stallingBody) Close() error { return nil }

// TestSlowUploadsDoNotStarveEveryoneElse: more uploads stalled in the
// middle of their file than the pool has connections, and signing in,
// reading /me and commenting still answer.
func TestSlowUploadsDoNotStarveEveryoneElse(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	u := e.addUser(cases.RoleAgent)
	c := evidenceCase(t, agent)
	e.db.SetMaxOpenConns(3)
	const uploads = 6
	reached := make(chan struct{}, uploads)
	release := make(chan struct{})
	done := make(chan int, uploads)
	for range uploads {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("kind", "photo") //nolint:errcheck
		w, _ := mw.CreateFormFile("file", "slow.jpg")
		w.Write(append(append([]byte{}, jpegMagic...), make([]byte, 300<<10)...)) //nolint:errcheck
		req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID), nil)
		req.Body = &stallingBody{prefix: bytes.NewReader(buf.Bytes()), reached: reached, release: release}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+agent.token)
		go func() {
			rec := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(rec, req)
			done <- rec.Code
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for range uploads {
		select {
		case <-reached: // inside its file, waiting for bytes
		case <-ctx.Done():
			t.Fatal("the uploads never all reached their file: the pool is held by the first ones")
		}
	}
	if rec := agent.call(http.MethodGet, "/api/v1/me", nil); rec.Code != http.StatusOK {
		t.Errorf("/me while uploads stall: %d %s", rec.Code, rec.Body)
	}
	if rec := e.postLogin(u.Email, testPassword); rec.Code != http.StatusOK {
		t.Errorf("sign-in while uploads stall: %d %s", rec.Code, rec.Body)
	}
	if rec := agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/comments", c.ID), map[string]string{"body": "still here"}); rec.Code != http.StatusCreated {
		t.Errorf("comment while uploads stall: %d %s", rec.Code, rec.Body)
	}
	close(release)
	for range uploads {
		select {
		case code := <-done:
			if code < 400 {
				t.Errorf("a dropped upload got %d", code)
			}
		case <-ctx.Done():
			t.Fatal("an upload handler never returned")
		}
	}
}

// TestTricklingUploadIsCutOff: a client that stops sending in the middle
// of its file is cut off at REDRESS_UPLOAD_TIMEOUT, not held for minutes.
func TestTricklingUploadIsCutOff(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_UPLOAD_TIMEOUT": "1s"})
	agent := e.caller(cases.RoleAgent)
	c := evidenceCase(t, agent)
	ts := httptest.NewServer(e.srv.Handler())
	defer ts.Close()
	pr, pw := io.Pipe()
	defer pw.Close()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("kind", "photo") //nolint:errcheck
		w, _ := mw.CreateFormFile("file", "slow.jpg")
		w.Write([]byte(jpegMagic)) //nolint:errcheck // and then nothing more
	}()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+agent.token)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if ctx.Err() != nil {
		t.Fatal("the stalled upload was never cut off")
	}
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Fatalf("a stalled upload got %d", resp.StatusCode)
		}
	}
}

// TestVerifyEvidenceEndpoint: the ledger check with the evidence's bytes is
// for admins, and says how many items it hashed.
func TestVerifyEvidenceEndpoint(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	admin := e.caller(cases.RoleAdmin)
	cs, _ := createCase(t, agent)
	path := "/api/v1/cases/" + strconv.FormatInt(cs.ID, 10) + "/events/verify"
	if rec := agent.call(http.MethodPost, "/api/v1/cases/"+strconv.FormatInt(cs.ID, 10)+"/evidence",
		map[string]string{"kind": "chat_excerpt", "text": "[10:01] 小王: 杯子碎了"}); rec.Code != http.StatusCreated {
		t.Fatalf("evidence: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, agent.call(http.MethodGet, path+"?evidence=true", nil), http.StatusForbidden, "evidence")
	wantProblem(t, admin.call(http.MethodGet, path+"?evidence=maybe", nil), http.StatusBadRequest, "evidence")
	v := decodeAs[cases.Verification](t, admin.call(http.MethodGet, path+"?evidence=true", nil))
	if !v.OK || v.EvidenceChecked == nil || *v.EvidenceChecked != 1 {
		t.Fatalf("verification %+v", v)
	}
	if v := decodeAs[cases.Verification](t, agent.call(http.MethodGet, path, nil)); !v.OK || v.EvidenceChecked != nil {
		t.Fatalf("plain verification %+v", v)
	}
}

// TestImportDuringShutdownTellsTheClientToResume: an import running when
// the server starts shutting down stops at its next line and answers 503
// with what was done and Retry-After; sending the same file again to a
// server that is up imports the rest, and nothing twice.
func TestImportDuringShutdownTellsTheClientToResume(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	csv := "platform,external_id,shop,kind,review_text\ntaobao,R1,店,bad_review,破损\ntaobao,R2,店,bad_review,漏发\ntaobao,R3,店,bad_review,慢\n"
	e.srv.Drain()
	rec := agent.call(http.MethodPost, "/api/v1/cases/import", csv, "Content-Type", "text/csv")
	p := wantProblem(t, rec, http.StatusServiceUnavailable, "body")
	if rec.Header().Get("Retry-After") == "" || p["lines_total"] != float64(3) || p["lines_done"] != float64(0) {
		t.Fatalf("problem %v, Retry-After %q", p, rec.Header().Get("Retry-After"))
	}
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM cases`); err != nil || n != 0 {
		t.Fatalf("%d cases after a refused import (%v)", n, err)
	}
	// The next instance, on the same database, takes the file whole.
	srv, err := server.New(testConfig(t, map[string]string{"DATABASE_URL": "postgres://unused@localhost/x"}), e.db,
		slog.New(slog.DiscardHandler), server.WithAccessPolicy(testAccessPolicy()))
	if err != nil {
		t.Fatal(err)
	}
	up := &env{t: t, db: e.db, srv: srv, logs: e.logs, people: e.people}
	rec = up.do(http.MethodPost, "/api/v1/cases/import", strings.NewReader(csv), "Authorization", "Bearer "+agent.token, "Content-Type", "text/csv")
	if rep := decodeAs[cases.ImportReport](t, rec); rec.Code != http.StatusOK || rep.Created != 3 {
		t.Fatalf("resumed import: %d %s", rec.Code, rec.Body)
	}
	rec = up.do(http.MethodPost, "/api/v1/cases/import", strings.NewReader(csv), "Authorization", "Bearer "+agent.token, "Content-Type", "text/csv")
	if rep := decodeAs[cases.ImportReport](t, rec); rec.Code != http.StatusOK || rep.Created != 0 || rep.Skipped != 3 {
		t.Fatalf("the same file again: %d %s", rec.Code, rec.Body)
	}
}
