package server_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestBrowserAPIDocs opens the API reference page without signing in and
// waits until Redoc, from the vendored bundle, has rendered the transition
// operation and the per-move schemas of its body. It fails on anything the
// page's Content-Security-Policy blocked, on a JavaScript error, and on a
// console error or warning (a resource that did not load, a worker refused).
func TestBrowserAPIDocs(t *testing.T) {
	b := newBrowserEnv(t)
	var mu sync.Mutex
	var problems []string
	note := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	err := chromedp.Listen(b.ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				note("console %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				note("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			note("exception: %s", msg)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
			document.addEventListener("securitypolicyviolation", e => console.error("CSP blocked " + e.violatedDirective + " " + e.blockedURI));`})
		return err
	}))

	b.open("/api/docs")
	// Redoc fetches the description and renders it after the load event:
	// wait for the operation, named by its operationId.
	op := `[id="operation/transitionCase"]`
	if _, err := chromedp.Run(b.ctx, chromedp.WaitVisible(chromedp.CSS(op+" h2"))); err != nil {
		b.fail("Redoc rendered no transition operation: %v", err)
	}
	mu.Lock()
	if len(problems) > 0 {
		b.fail("the reference page reported:\n%s", strings.Join(problems, "\n"))
	}
	mu.Unlock()
	b.wantText(op+" h2", "Move a case through the handling protocol")
	// The body's schemas, one per target state, are offered by the
	// discriminator's values; the first (listen) shows its members.
	body := eval[string](b, `(() => {
		const op = document.querySelector('[id="operation/transitionCase"]');
		const h = [...op.querySelectorAll("h5")].find(e => e.textContent.startsWith("Request Body schema"));
		let text = "";
		for (let e = h && h.nextElementSibling; e && !e.querySelector("h3"); e = e.nextElementSibling) text += e.textContent + "\n";
		return text;
	})()`)
	for _, want := range []string{"listen", "apologise", "remedy", "follow_up", "closed", "first_response", "reopen_reason", "reply_id"} {
		if !strings.Contains(body, want) {
			b.fail("the transition's request body shows %q; want it to contain %q", body, want)
		}
	}
	b.wantText(`[id="tag/cases"]`, "Cases and the handling protocol")
	b.shot("api-docs", false)
}
