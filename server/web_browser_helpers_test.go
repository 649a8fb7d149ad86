package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"redress/cases"
)

// chromiumPath is Debian's Chromium. The browser tests never download a
// browser: without this one they fail and say how to install it.
const chromiumPath = "/usr/bin/chromium"

// browserEnv is a real Redress server on its own database, on a real
// port, driven by a real headless Chromium.
type browserEnv struct {
	*env
	t    *testing.T
	base string
	ctx  context.Context
}

// newBrowserEnv starts the server and a fresh Chromium with a profile of
// its own.
func newBrowserEnv(t *testing.T) *browserEnv {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("browser tests need Chromium at %s (%v); install it: apt-get install -y chromium", chromiumPath, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	// The base URL is the server's own origin, so that sign-in forms pass
	// the login-CSRF origin check as they do in production.
	e := newEnvWith(t, map[string]string{"REDRESS_BASE_URL": base})
	ts := httptest.NewUnstartedServer(e.srv.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)

	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 860),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc() // waits for Chromium to exit, before the profile is removed
	})
	b := &browserEnv{env: e, t: t, base: base, ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return b
}

// do runs actions, failing the test (with a screenshot of the page for
// the post-mortem) when one fails.
func (b *browserEnv) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fail("%v", err)
	}
}

// fail stops the test, saving what the browser showed.
func (b *browserEnv) fail(format string, args ...any) {
	b.t.Helper()
	name := "FAILED-" + strings.NewReplacer("/", "_", " ", "_").Replace(b.t.Name())
	if shot, err := chromedp.Run(context.WithoutCancel(b.ctx), chromedp.FullScreenshot(90)); err == nil {
		_ = writeShot(name, shot)
	}
	url, _ := chromedp.Run(context.WithoutCancel(b.ctx), chromedp.Location())
	b.t.Fatalf("at %s: "+format, append([]any{url}, args...)...)
}

// open loads a page of the server.
func (b *browserEnv) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// follow runs an action that navigates (a click on a submit button or a
// link, a key that changes the page) and waits for the new page to load.
func (b *browserEnv) follow(trigger chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger)); err != nil {
		b.fail("%v", err)
	}
}

// click clicks the element sel and waits for the page it leads to.
func (b *browserEnv) click(sel string) {
	b.t.Helper()
	b.follow(chromedp.Click(chromedp.CSS(sel)))
}

// text returns the visible text of the first element matching sel.
func (b *browserEnv) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("text of %s: %v", sel, err)
	}
	return s
}

// value returns the value of the form control sel.
func (b *browserEnv) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.fail("value of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression on the page.
func eval[T any](b *browserEnv, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fail("evaluate %s: %v", expr, err)
	}
	return v
}

// path returns the path of the page the browser shows.
func (b *browserEnv) path() string {
	b.t.Helper()
	return eval[string](b, `location.pathname`)
}

// set fills form controls: selector, value pairs (SetValue: fast, and it
// takes Chinese text as it is).
func (b *browserEnv) set(pairs ...string) {
	b.t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		b.do(chromedp.SetValue(chromedp.CSS(pairs[i]), pairs[i+1]))
	}
}

// wantText fails unless the element sel's text contains each of want.
func (b *browserEnv) wantText(sel string, want ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.fail("%s shows %q; want it to contain %q", sel, got, w)
		}
	}
}

// signIn signs in through the sign-in page, the way a person does.
func (b *browserEnv) signIn(u cases.User) {
	b.t.Helper()
	b.open("/login")
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), u.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	b.click(".login button[type=submit]")
	if p := b.path(); p != "/" {
		b.fail("after signing in the browser is at %s, want the queue at /", p)
	}
}

// person creates a user with role who reads the UI in lang.
func (b *browserEnv) person(role cases.Role, lang cases.Language, name string) cases.User {
	b.t.Helper()
	n := userSeq.Add(1)
	u, err := b.people.CreateUser(context.Background(), cases.NewUser{
		Email: fmt.Sprintf("%s%d@example.com", role, n), DisplayName: name, Role: role,
		Language: lang, TimeZone: "Asia/Shanghai", Password: testPassword,
	})
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// shot saves a screenshot of the whole page as test-output/<name>.png and,
// when docs is set and REDRESS_UPDATE_SCREENSHOTS is too (make screenshots),
// one of the browser's window as docs/screenshots/<name>.png for the README:
// an ordinary test run leaves the tree as it found it.
func (b *browserEnv) shot(name string, docs bool) {
	b.t.Helper()
	full, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fail("screenshot: %v", err)
	}
	if err := writeShot(name, full); err != nil {
		b.t.Fatal(err)
	}
	if docs && os.Getenv("REDRESS_UPDATE_SCREENSHOTS") != "" {
		png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			b.fail("screenshot: %v", err)
		}
		dir := filepath.Join(repoRoot(b.t), "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}

// writeShot writes a screenshot under test-output/ at the repository root.
func writeShot(name string, png []byte) error {
	root, err := findRoot()
	if err != nil {
		return err
	}
	dir := filepath.Join(root, "test-output")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// findRoot walks up from the package folder to the folder of go.mod.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// photo writes a small real PNG and returns its path.
func photo(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pngBytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// pngBytes is a 64×48 PNG: a parcel-brown square with a crack.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			c := color.RGBA{181, 137, 84, 255}
			if x == y+8 || x == y+9 {
				c = color.RGBA{40, 30, 20, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// api is a client of the JSON API acting as u, for arranging what a test
// needs besides what it does in the browser.
func (b *browserEnv) api(u cases.User) caller {
	b.t.Helper()
	tok, err := b.people.CreateToken(cases.WithActor(context.Background(), u.Actor()), "browser test")
	if err != nil {
		b.t.Fatal(err)
	}
	return caller{e: b.env, user: u, token: tok.Token}
}

// seed creates a case through the API and returns it with its ETag.
func seed(t *testing.T, c caller, body map[string]any) (cases.Case, string) {
	t.Helper()
	rec := c.call("POST", "/api/v1/cases", body)
	if rec.Code != 201 {
		t.Fatalf("create case: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.Case](t, rec), rec.Header().Get("ETag")
}

// moveByAPI makes a move through the API and returns the new ETag.
func moveByAPI(t *testing.T, c caller, id int64, etag string, move map[string]any) string {
	t.Helper()
	rec := c.call("POST", fmt.Sprintf("/api/v1/cases/%d/transitions", id), move, "If-Match", etag)
	if rec.Code != 200 {
		t.Fatalf("move %v: %d %s", move, rec.Code, rec.Body)
	}
	return rec.Header().Get("ETag")
}

// queueCases is a realistic morning's queue for the screenshots, in English
// or Chinese.
func queueCases(lang cases.Language) []map[string]any {
	type c struct{ platform, shop, kind, sev, buyer, contact, summary, review string }
	var list []c
	if lang == cases.LanguageChinese {
		list = []c{
			{"tmall", "杯具旗舰店", "damaged", "high", "小王", "13812345678", "马克杯收到时杯柄断裂", "杯子收到就碎了，包装太差"},
			{"jd", "京东自营-厨具", "lost_parcel", "urgent", "李女士", "13987654321", "物流显示已签收，买家称未收到", ""},
			{"pinduoduo", "家居百货店", "medium_review", "normal", "momo", "15011112222", "中评：颜色与图片不符", "颜色和图片差别有点大"},
			{"taobao", "杯具旗舰店", "missing_item", "normal", "阿杰", "13700001111", "两件装只收到一件", ""},
			{"douyin", "抖音小店-茶具", "refund_dispute", "low", "茶友88", "18600002222", "七天无理由退货运费争议", ""},
		}
	} else {
		list = []c{
			{"amazon", "Cup Co. US", "damaged", "high", "jsmith", "+1 415 555 0134", "Mug handle snapped in transit", "Arrived broken. Poor packaging."},
			{"shopify", "Cup Co. EU", "lost_parcel", "urgent", "marie.l", "+33 6 12 34 56 78", "Tracking says delivered, buyer has nothing", ""},
			{"amazon", "Cup Co. US", "medium_review", "normal", "kate_r", "+1 212 555 0199", "3 stars: colour differs from the photos", "Colour is not what the picture shows."},
			{"shopify", "Cup Co. EU", "missing_item", "normal", "tom.b", "+44 7700 900123", "Set of two, only one cup in the box", ""},
			{"amazon", "Cup Co. US", "refund_dispute", "low", "alex99", "+1 646 555 0111", "Return shipping fee disputed", ""},
		}
	}
	var out []map[string]any
	for i, x := range list {
		body := map[string]any{"platform": x.platform, "shop": x.shop, "kind": x.kind, "severity": x.sev,
			"buyer_handle": x.buyer, "buyer_contact": x.contact, "summary": x.summary,
			"order_ref": fmt.Sprintf("20261124%05d", 31+i), "order_value": map[string]string{"amount": "89.00", "currency": "CNY"}}
		if x.review != "" {
			body["review"] = map[string]any{"rating": 2, "text": x.review}
		}
		out = append(out, body)
	}
	return out
}

// seedQueue fills u's queue for a screenshot: a few cases, one overdue.
func (b *browserEnv) seedQueue(u cases.User) {
	b.t.Helper()
	c := b.api(u)
	for i, body := range queueCases(u.Language) {
		body["assignee_id"] = u.ID
		cs, _ := seed(b.t, c, body)
		if i == 0 {
			if _, err := b.db.Exec(`UPDATE cases SET due_at = now() - interval '25 minutes' WHERE id = $1`, cs.ID); err != nil {
				b.t.Fatal(err)
			}
		}
	}
}

// press presses one key as a person does: keydown (carrying the key's
// text, which the browser types unless the page cancels the keydown) and
// keyup. chromedp.KeyEvent also sends a separate char event that types
// even when the page handled the key.
func press(key string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: key}
		switch key {
		case "Enter":
			down.Code, down.Text, down.WindowsVirtualKeyCode = "Enter", "\r", 13
		case "Escape":
			down.Code, down.WindowsVirtualKeyCode = "Escape", 27
		default:
			down.Text = key
		}
		up := down
		up.Type, up.Text = input.DispatchKeyEventTypeKeyUp, ""
		for _, p := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}
