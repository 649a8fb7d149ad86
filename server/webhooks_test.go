package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"redress/cases"
)

const hookSecret = "whsec-0123456789abcdef"

// allowPrivate lets webhooks reach the tests' local listeners.
var allowPrivate = map[string]string{"REDRESS_WEBHOOK_ALLOW_PRIVATE": "true"}

// received is one request a test listener got.
type received struct {
	path   string
	query  url.Values
	header http.Header
	body   []byte
}

// listener is a real local HTTP receiver whose answers a test scripts.
type listener struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(r received) (int, string) // status and body; status 0 drops the connection
}

func newListener(t *testing.T) *listener {
	l := &listener{answer: func(received) (int, string) { return http.StatusOK, `{"errcode":0,"errmsg":"ok"}` }}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc := received{path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), body: body}
		l.mu.Lock()
		l.got = append(l.got, rc)
		answer := l.answer
		l.mu.Unlock()
		status, text := answer(rc)
		if status == 0 {
			panic(http.ErrAbortHandler) // the connection drops without an answer
		}
		w.WriteHeader(status)
		io.WriteString(w, text)
	}))
	t.Cleanup(l.Close)
	return l
}

func (l *listener) requests() []received {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]received(nil), l.got...)
}

func (l *listener) setAnswer(f func(received) (int, string)) {
	l.mu.Lock()
	l.answer = f
	l.mu.Unlock()
}

// createWebhook configures a webhook through the API.
func createWebhook(t *testing.T, admin caller, body map[string]any) cases.Webhook {
	t.Helper()
	rec := admin.call(http.MethodPost, "/api/v1/webhooks", body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create webhook: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.Webhook](t, rec)
}

// deliver runs the delivery worker at now.
func (e *env) deliver(now time.Time) cases.DeliveryResult {
	e.t.Helper()
	res, err := e.srv.DeliverWebhooks(context.Background(), now)
	if err != nil {
		e.t.Fatalf("deliver at %v: %v", now, err)
	}
	return res
}

// deliveries reads a webhook's deliveries through the API.
func deliveries(t *testing.T, admin caller, id int64) []cases.Delivery {
	t.Helper()
	rec := admin.call(http.MethodGet, fmt.Sprintf("/api/v1/webhooks/%d/deliveries", id), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("deliveries: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.Page[cases.Delivery]](t, rec).Items
}

// verifySignature checks X-Redress-Signature as a receiver would.
func verifySignature(r received, secret string) error {
	sig := r.header.Get("X-Redress-Signature")
	ts, mac, ok := strings.Cut(sig, ",v1=")
	ts, ok2 := strings.CutPrefix(ts, "t=")
	if !ok || !ok2 {
		return fmt.Errorf("signature header %q is not t=…,v1=…", sig)
	}
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts + "."))
	h.Write(r.body)
	want := hex.EncodeToString(h.Sum(nil))
	if !hmac.Equal([]byte(mac), []byte(want)) {
		return fmt.Errorf("signature %s does not match the body (want %s)", mac, want)
	}
	return nil
}

func TestWebhookDeliveredSignedToARealListener(t *testing.T) {
	e := newEnvWith(t, allowPrivate)
	admin := e.caller(cases.RoleAdmin)
	agent := e.caller(cases.RoleAgent)
	l := newListener(t)
	w := createWebhook(t, admin, map[string]any{"name": "ops", "url": l.URL + "/hook?token=SECRET-TOKEN",
		"format": "json", "secret": hookSecret})
	c := assignedCase(t, agent)
	now := c.DueAt.Add(time.Minute)
	if res := e.sweep(now); res.Deliveries != 1 {
		t.Fatalf("sweep queued %d deliveries, want 1", res.Deliveries)
	}
	if got := l.requests(); len(got) != 0 {
		t.Fatalf("the listener got %d requests before the worker ran: the outbox must deliver after commit", len(got))
	}
	if res := e.deliver(now); res.Delivered != 1 {
		t.Fatalf("deliver: %+v", res)
	}
	got := l.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	r := got[0]
	if err := verifySignature(r, hookSecret); err != nil {
		t.Fatal(err)
	}
	ts, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(r.header.Get("X-Redress-Signature"), ",")[0], "t="), 10, 64)
	if ts != now.Unix() {
		t.Fatalf("signature timestamp %d, want the worker's clock %d", ts, now.Unix())
	}
	var body map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	ds := deliveries(t, admin, w.ID)
	if len(ds) != 1 || ds[0].Status != cases.DeliveryDelivered || len(ds[0].Attempts) != 1 || *ds[0].Attempts[0].StatusCode != 200 {
		t.Fatalf("deliveries %+v", ds)
	}
	if r.header.Get("X-Redress-Event") != "reminded" || r.header.Get("X-Redress-Delivery") != strconv.FormatInt(ds[0].ID, 10) ||
		body["delivery_id"] != float64(ds[0].ID) || body["event"] != "reminded" || body["level"] != "overdue" ||
		body["case"].(map[string]any)["ref"] != c.Ref || r.query["token"][0] != "SECRET-TOKEN" {
		t.Fatalf("request headers %v body %s", r.header, r.body)
	}
	for _, later := range []time.Duration{time.Minute, time.Hour, 48 * time.Hour} {
		e.sweep(now.Add(later / 100)) // nothing new fires within the grace period
		e.deliver(now.Add(later))
	}
	if n := len(l.requests()); n != 1 {
		t.Fatalf("%d requests after more passes, want the one", n)
	}
}

func TestWebhookRetriedWithBackoffUntilTheListenerComesBack(t *testing.T) {
	e := newEnvWith(t, allowPrivate)
	admin := e.caller(cases.RoleAdmin)
	agent := e.caller(cases.RoleAgent)
	l := newListener(t)
	answers := []int{500, 503, 0, 200} // two errors, a dropped connection, then up
	l.setAnswer(func(received) (int, string) {
		st := answers[0]
		if len(answers) > 1 {
			answers = answers[1:]
		}
		return st, "service down"
	})
	w := createWebhook(t, admin, map[string]any{"name": "ops", "url": l.URL + "/hook?token=SECRET-TOKEN",
		"format": "json", "secret": hookSecret})
	c := assignedCase(t, agent)
	start := c.DueAt.Add(time.Minute)
	e.sweep(start)

	steps := []struct {
		at       time.Duration
		requests int
	}{
		{0, 1},                // 500
		{30 * time.Second, 1}, // not due yet: the first retry waits a minute
		{time.Minute, 2},      // 503
		{2 * time.Minute, 2},  // the second retry waits two more
		{3 * time.Minute, 3},  // dropped connection
		{7 * time.Minute, 4},  // back: delivered
		{8 * time.Minute, 4},
		{24 * time.Hour, 4},
	}
	for _, st := range steps {
		e.deliver(start.Add(st.at))
		if n := len(l.requests()); n != st.requests {
			t.Fatalf("at +%v the listener had %d requests, want %d", st.at, n, st.requests)
		}
	}
	for i, r := range l.requests() {
		if err := verifySignature(r, hookSecret); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if r.header.Get("X-Redress-Delivery") != l.requests()[0].header.Get("X-Redress-Delivery") {
			t.Fatal("a retry changed the idempotency key")
		}
	}
	ds := deliveries(t, admin, w.ID)
	if len(ds) != 1 || ds[0].Status != cases.DeliveryDelivered || ds[0].AttemptCount != 4 || ds[0].LastError != "" {
		t.Fatalf("delivery %+v", ds)
	}
	var codes []string
	for _, a := range ds[0].Attempts {
		if a.StatusCode == nil {
			codes = append(codes, "none")
			if a.Error == "" {
				t.Fatal("a failed attempt without an error")
			}
		} else {
			codes = append(codes, strconv.Itoa(*a.StatusCode))
		}
	}
	if strings.Join(codes, ",") != "500,503,none,200" {
		t.Fatalf("attempts %v", codes)
	}
	if !strings.Contains(ds[0].Attempts[0].Error, "HTTP 500: service down") {
		t.Fatalf("first attempt's error %q", ds[0].Attempts[0].Error)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"msg":"webhook delivery failed"`) || !strings.Contains(logs, `"target":"`+l.URL+`"`) {
		t.Fatalf("no failure logged with the target's scheme and host:\n%s", logs)
	}
	for _, secret := range []string{"SECRET-TOKEN", hookSecret} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the log holds %q", secret)
		}
	}
	metrics := e.doFrom("127.0.0.1", http.MethodGet, "/metrics", nil).Body.String()
	for _, want := range []string{`redress_webhook_deliveries_total{result="failed"} 3`, `redress_webhook_deliveries_total{result="ok"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestDeliveryRefusesPrivateTargetsAtSendTime stands for DNS rebinding: the
// host looked public when it was configured and dials a loopback address
// now. The dialer refuses it, and the listener never hears a thing.
func TestDeliveryRefusesPrivateTargetsAtSendTime(t *testing.T) {
	e := newEnv(t)
	admin := e.caller(cases.RoleAdmin)
	agent := e.caller(cases.RoleAgent)
	l := newListener(t)
	var id int64
	if err := e.db.Get(&id, `INSERT INTO webhooks (name, url, format, secret, events) VALUES ('ops', $1, 'json', $2, '{reminded}')
		RETURNING id`, l.URL+"/hook", hookSecret); err != nil {
		t.Fatal(err)
	}
	c := assignedCase(t, agent)
	now := c.DueAt.Add(time.Minute)
	e.sweep(now)
	if res := e.deliver(now); res.Failed != 1 || res.Delivered != 0 {
		t.Fatalf("deliver: %+v, want one refused attempt", res)
	}
	if n := len(l.requests()); n != 0 {
		t.Fatalf("the loopback listener got %d requests", n)
	}
	ds := deliveries(t, admin, id)
	if len(ds) != 1 || len(ds[0].Attempts) != 1 || !strings.Contains(ds[0].Attempts[0].Error, "loopback") {
		t.Fatalf("delivery %+v, want an attempt refused as loopback", ds)
	}
}

// TestRobotFormats delivers one reminder to each format and compares the
// bodies with the shapes the robots document.
func TestRobotFormats(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_WEBHOOK_ALLOW_PRIVATE": "true", "REDRESS_BASE_URL": "https://redress.example.com"})
	admin := e.caller(cases.RoleAdmin)
	agent := e.caller(cases.RoleAgent)
	l := newListener(t)
	hooks := map[string]map[string]any{
		"/wecom":    {"name": "企业微信群", "url": l.URL + "/wecom?key=WECOM-KEY", "format": "wecom"},
		"/dingtalk": {"name": "钉钉群", "url": l.URL + "/dingtalk?access_token=DING-TOKEN", "format": "dingtalk", "secret": "SEC-ding-secret"},
		"/slack":    {"name": "Slack", "url": l.URL + "/slack", "format": "slack", "language": "en"},
		"/json":     {"name": "ERP", "url": l.URL + "/json", "format": "json", "secret": hookSecret, "events": []string{"reminded"}},
	}
	for _, h := range hooks {
		createWebhook(t, admin, h)
	}
	c := assignedCase(t, agent)
	due := time.Date(2026, 11, 24, 2, 30, 0, 0, time.UTC) // 10:30 in Asia/Shanghai, the configured zone
	// A Taobao bad review carries the platform rule's deadline (30 days to
	// revise the review), pinned here like the due time.
	if _, err := e.db.Exec(`UPDATE cases SET due_at = $2, platform_due_at = $3 WHERE id = $1`, c.ID, due, due.Add(30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	now := due.Add(time.Minute)
	e.sweep(now)
	if res := e.deliver(now); res.Delivered != 4 {
		t.Fatalf("deliver: %+v", res)
	}
	link := fmt.Sprintf("https://redress.example.com/api/v1/cases/%d", c.ID)
	zh := fmt.Sprintf(`[Redress] %s 在「待响应」步骤已超时（应于 10:30 完成）\n%s`, c.Ref, link)
	en := fmt.Sprintf(`[Redress] %s is overdue in the Respond step (due 10:30)\n%s`, c.Ref, link)
	got := map[string]received{}
	for _, r := range l.requests() {
		got[r.path] = r
	}
	golden := map[string]string{
		"/wecom":    `{"msgtype":"text","text":{"content":"` + zh + `"}}`,
		"/dingtalk": `{"msgtype":"text","text":{"content":"` + zh + `"}}`,
		"/slack":    `{"text":"` + en + `"}`,
		"/json": fmt.Sprintf(`{"case":{"assignee_id":%d,"due_at":"2026-11-24T02:30:00Z","id":%d,"platform_due_at":"2026-12-24T02:30:00Z","ref":"%s","state":"respond","url":"%s"},`+
			`"deadline":"2026-11-24T02:30:00Z","delivery_id":%s,"event":"reminded","fired_at":"2026-11-24T02:31:00Z","level":"overdue",`+
			`"message":"%s 在「待响应」步骤已超时（应于 10:30 完成）"}`,
			agent.user.ID, c.ID, c.Ref, link, got["/json"].header.Get("X-Redress-Delivery"), c.Ref),
	}
	for path, want := range golden {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			r, ok := got[path]
			if !ok {
				t.Fatalf("nothing delivered to %s", path)
			}
			if string(r.body) != want {
				t.Fatalf("body\n got %s\nwant %s", r.body, want)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Fatalf("content type %q", ct)
			}
		})
	}
	t.Run("DingTalkSigned", func(t *testing.T) {
		q := got["/dingtalk"].query
		ts, sign := q.Get("timestamp"), q.Get("sign")
		if ts != strconv.FormatInt(now.UnixMilli(), 10) || q.Get("access_token") != "DING-TOKEN" {
			t.Fatalf("query %v", q)
		}
		mac := hmac.New(sha256.New, []byte("SEC-ding-secret"))
		mac.Write([]byte(ts + "\n" + "SEC-ding-secret"))
		if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); sign != want {
			t.Fatalf("sign %q, want %q", sign, want)
		}
	})
	t.Run("OnlyJSONCarriesTheSignatureHeader", func(t *testing.T) {
		for path, r := range got {
			if has := r.header.Get("X-Redress-Signature") != ""; has != (path == "/json") {
				t.Errorf("%s: signature header present = %v", path, has)
			}
		}
		if err := verifySignature(got["/json"], hookSecret); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRobotRefusalIsAFailure checks that a robot's errcode, which comes
// with HTTP 200, counts as a failed attempt and is shown to admins.
func TestRobotRefusalIsAFailure(t *testing.T) {
	e := newEnvWith(t, allowPrivate)
	admin := e.caller(cases.RoleAdmin)
	agent := e.caller(cases.RoleAgent)
	l := newListener(t)
	l.setAnswer(func(received) (int, string) {
		return http.StatusOK, `{"errcode":310000,"errmsg":"keywords not in content"}`
	})
	w := createWebhook(t, admin, map[string]any{"name": "钉钉群", "url": l.URL + "/robot/send?access_token=T", "format": "dingtalk"})
	c := assignedCase(t, agent)
	now := c.DueAt.Add(time.Minute)
	e.sweep(now)
	if res := e.deliver(now); res.Failed != 1 {
		t.Fatalf("deliver: %+v, want a failure", res)
	}
	ds := deliveries(t, admin, w.ID)
	if ds[0].Status != cases.DeliveryPending || !strings.Contains(ds[0].LastError, "errcode 310000: keywords not in content") ||
		ds[0].NextAttemptAt == nil || !ds[0].NextAttemptAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("delivery %+v", ds[0])
	}
}

func TestWebhookAPI(t *testing.T) {
	e := newEnvWith(t, allowPrivate)
	admin := e.caller(cases.RoleAdmin)
	good := map[string]any{"name": "ops", "url": "https://hooks.example.com/redress", "format": "json", "secret": hookSecret}
	w := createWebhook(t, admin, good)
	path := fmt.Sprintf("/api/v1/webhooks/%d", w.ID)

	t.Run("SecretIsWriteOnly", func(t *testing.T) {
		for _, rec := range []*httptest.ResponseRecorder{
			admin.call(http.MethodGet, path, nil),
			admin.call(http.MethodGet, "/api/v1/webhooks", nil),
		} {
			if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), hookSecret) || strings.Contains(rec.Body.String(), `"secret"`) {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
		if !w.HasSecret || w.Format != cases.FormatJSON || len(w.Events) != 2 || !w.Active || w.CreatedBy == nil {
			t.Fatalf("created %+v", w)
		}
	})
	t.Run("Patch", func(t *testing.T) {
		rec := admin.call(http.MethodPatch, path, map[string]any{"name": "值班群", "events": []string{"escalated"}, "language": "en"})
		if rec.Code != http.StatusOK {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		got := decodeAs[cases.Webhook](t, rec)
		if got.Name != "值班群" || len(got.Events) != 1 || got.Events[0] != "escalated" || got.Language != "en" || got.URL != w.URL || !got.HasSecret {
			t.Fatalf("patched %+v", got)
		}
	})
	t.Run("ListPages", func(t *testing.T) {
		createWebhook(t, admin, good)
		rec := admin.call(http.MethodGet, "/api/v1/webhooks?limit=1", nil)
		p := decodeAs[cases.Page[cases.Webhook]](t, rec)
		if len(p.Items) != 1 || p.NextCursor == "" {
			t.Fatalf("page 1 %+v", p)
		}
		p2 := decodeAs[cases.Page[cases.Webhook]](t, admin.call(http.MethodGet, "/api/v1/webhooks?limit=1&cursor="+p.NextCursor, nil))
		if len(p2.Items) != 1 || p2.Items[0].ID == p.Items[0].ID {
			t.Fatalf("page 2 %+v", p2)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		w2 := createWebhook(t, admin, good)
		p := fmt.Sprintf("/api/v1/webhooks/%d", w2.ID)
		wantStatus(t, admin.call(http.MethodDelete, p, nil), http.StatusNoContent)
		wantProblem(t, admin.call(http.MethodGet, p, nil), http.StatusNotFound, "")
		wantProblem(t, admin.call(http.MethodDelete, p, nil), http.StatusNotFound, "")
		wantProblem(t, admin.call(http.MethodGet, p+"/deliveries", nil), http.StatusNotFound, "")
	})
}

func TestWebhookAPIRefusesBadInput(t *testing.T) {
	e := newEnv(t) // private targets are refused here
	admin := e.caller(cases.RoleAdmin)
	var existing int64
	if err := e.db.Get(&existing, `INSERT INTO webhooks (name, url, format, secret, events) VALUES ('ops', 'https://hooks.example.com/x', 'json', $1, '{reminded}')
		RETURNING id`, hookSecret); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := e.db.Get(&n, `SELECT count(*) FROM webhooks`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	good := func(edit func(map[string]any)) map[string]any {
		b := map[string]any{"name": "ops", "url": "https://93.184.215.14/hook", "format": "json", "secret": hookSecret}
		edit(b)
		return b
	}
	tests := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"NotHTTP", good(func(b map[string]any) { b["url"] = "ftp://93.184.215.14/x" }), 422, "url"},
		{"Gopher", good(func(b map[string]any) { b["url"] = "gopher://93.184.215.14/x" }), 422, "url"},
		{"NoHost", good(func(b map[string]any) { b["url"] = "https:///x" }), 422, "url"},
		{"Loopback", good(func(b map[string]any) { b["url"] = "http://127.0.0.1:8080/x" }), 422, "url"},
		{"LoopbackByName", good(func(b map[string]any) { b["url"] = "http://localhost/x" }), 422, "url"},
		{"LoopbackIPv6", good(func(b map[string]any) { b["url"] = "http://[::1]/x" }), 422, "url"},
		{"MappedLoopback", good(func(b map[string]any) { b["url"] = "http://[::ffff:127.0.0.1]/x" }), 422, "url"},
		{"Private", good(func(b map[string]any) { b["url"] = "http://10.1.2.3/x" }), 422, "url"},
		{"Private192", good(func(b map[string]any) { b["url"] = "https://192.168.1.1/x" }), 422, "url"},
		{"LinkLocalMetadata", good(func(b map[string]any) { b["url"] = "http://169.254.169.254/latest/meta-data" }), 422, "url"},
		{"Unspecified", good(func(b map[string]any) { b["url"] = "http://0.0.0.0/x" }), 422, "url"},
		{"CarrierGradeNAT", good(func(b map[string]any) { b["url"] = "http://100.64.0.1/x" }), 422, "url"},
		{"UnknownFormat", good(func(b map[string]any) { b["format"] = "teams" }), 422, "format"},
		{"NoName", good(func(b map[string]any) { delete(b, "name") }), 422, "name"},
		{"JSONWithoutSecret", good(func(b map[string]any) { delete(b, "secret") }), 422, "secret"},
		{"SlackWithSecret", good(func(b map[string]any) { b["format"] = "slack" }), 422, "secret"},
		{"UnknownEvent", good(func(b map[string]any) { b["events"] = []string{"created"} }), 422, "events"},
		{"NoEvents", good(func(b map[string]any) { b["events"] = []string{} }), 422, "events"},
		{"UnknownLanguage", good(func(b map[string]any) { b["language"] = "fr" }), 422, "language"},
		{"UnknownMember", good(func(b map[string]any) { b["token"] = "x" }), 400, "token"},
		{"WrongType", good(func(b map[string]any) { b["active"] = "yes" }), 400, "active"},
		{"NotAnObject", `["ops"]`, 400, ""},
		{"Empty", ``, 400, ""},
	}
	for _, tt := range tests {
		t.Run("Create"+tt.name, func(t *testing.T) {
			before := count()
			wantProblem(t, admin.call(http.MethodPost, "/api/v1/webhooks", tt.body), tt.status, tt.field)
			if count() != before {
				t.Fatal("a webhook was created")
			}
		})
	}
	t.Run("CreateNotJSON", func(t *testing.T) {
		wantProblem(t, admin.call(http.MethodPost, "/api/v1/webhooks", `name=ops`, "Content-Type", "application/x-www-form-urlencoded"), 415, "")
	})
	t.Run("CreateUnresolvableHost", func(t *testing.T) {
		wantProblem(t, admin.call(http.MethodPost, "/api/v1/webhooks", good(func(b map[string]any) { b["url"] = "https://no-such-host.invalid/x" })), 422, "url")
	})
	path := fmt.Sprintf("/api/v1/webhooks/%d", existing)
	for _, tt := range []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"PrivateURL", map[string]any{"url": "http://10.0.0.7/x"}, 422, "url"},
		{"NotHTTP", map[string]any{"url": "javascript:alert(1)"}, 422, "url"},
		{"UnknownFormat", map[string]any{"format": "fax"}, 422, "format"},
		{"RemoveTheSecretOfJSON", map[string]any{"secret": ""}, 422, "secret"},
		{"EmptyName", map[string]any{"name": ""}, 422, "name"},
		{"UnknownMember", map[string]any{"secrets": "x"}, 400, "secrets"},
	} {
		t.Run("Patch"+tt.name, func(t *testing.T) {
			wantProblem(t, admin.call(http.MethodPatch, path, tt.body), tt.status, tt.field)
			var target, format, secret, name string
			if err := e.db.QueryRow(`SELECT url, format, secret, name FROM webhooks WHERE id = $1`, existing).Scan(&target, &format, &secret, &name); err != nil {
				t.Fatal(err)
			}
			if target != "https://hooks.example.com/x" || format != "json" || secret != hookSecret || name != "ops" {
				t.Fatalf("the webhook changed: %s %s %s", target, format, name)
			}
		})
	}
	t.Run("PatchUnknown", func(t *testing.T) {
		wantProblem(t, admin.call(http.MethodPatch, "/api/v1/webhooks/999999", map[string]any{"name": "x"}), 404, "")
		wantProblem(t, admin.call(http.MethodPatch, "/api/v1/webhooks/abc", map[string]any{"name": "x"}), 404, "")
	})
	for _, tt := range []struct {
		name, query string
		status      int
		field       string
	}{
		{"LimitNotANumber", "?limit=ten", 400, "limit"},
		{"LimitTooLarge", "?limit=1000", 422, "limit"},
		{"LimitZero", "?limit=0", 422, "limit"},
		{"UnknownStatus", "?status=lost", 422, "status"},
		{"ForeignCursor", "?cursor=bm9wZQ", 400, "cursor"},
	} {
		t.Run("Deliveries"+tt.name, func(t *testing.T) {
			wantProblem(t, admin.call(http.MethodGet, path+"/deliveries"+tt.query, nil), tt.status, tt.field)
		})
	}
	t.Run("ListBadLimit", func(t *testing.T) {
		wantProblem(t, admin.call(http.MethodGet, "/api/v1/webhooks?limit=-1", nil), 422, "limit")
		wantProblem(t, admin.call(http.MethodGet, "/api/v1/webhooks?cursor=zzz", nil), 400, "cursor")
	})
	t.Run("AgentsAndSupervisorsMayNot", func(t *testing.T) {
		for _, role := range []cases.Role{cases.RoleAgent, cases.RoleSupervisor} {
			c := e.caller(role)
			wantProblem(t, c.call(http.MethodGet, "/api/v1/webhooks", nil), 403, "")
			wantProblem(t, c.call(http.MethodPost, "/api/v1/webhooks", good(func(map[string]any) {})), 403, "")
		}
	})
}
