package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"redress/cases"
)

// screenWidths are the windows the workspace must read well in: a phone,
// a laptop and a desktop monitor.
var screenWidths = []struct {
	width, height int64
	mobile        bool
}{
	{390, 844, true},
	{1280, 800, false},
	{1920, 1080, false},
}

// layoutProblems is what a page shows wrongly at the window's width: a
// page wider than the window (a horizontal scroll bar), a case reference,
// a time or a state broken across lines, and — on a wide screen — queue
// rows taller than one line. Each is a sentence naming the element.
const layoutProblems = `(() => {
  const out = [];
  const de = document.documentElement;
  if (de.scrollWidth > window.innerWidth || de.scrollWidth > %[1]d) {
    const wide = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > %[1]d + 1)
      .slice(0, 4).map(e => e.tagName + "." + e.className);
    out.push("the page is " + de.scrollWidth + " px wide in a %[1]d px window: " + wide.join(", "));
  }
  const visible = e => e.offsetParent !== null && e.getClientRects().length > 0;
  const refs = [...document.querySelectorAll(".ref")].filter(visible);
  if (refs.length === 0) out.push("no case reference is visible");
  for (const e of [...refs, ...document.querySelectorAll(".due-at time, .state")].filter(visible)) {
    const lines = new Set([...e.getClientRects()].map(r => Math.round(r.top))).size;
    if (lines > 1) out.push(JSON.stringify(e.textContent.trim()) + " is broken across " + lines + " lines");
  }
  for (const e of [...document.querySelectorAll(".due-at")].filter(visible)) {
    const lines = new Set([...e.getClientRects()].map(r => Math.round(r.top))).size;
    if (lines > 2) out.push("the due time " + JSON.stringify(e.textContent.trim()) + " takes " + lines + " lines");
  }
  if (%[2]t) {
    for (const row of document.querySelectorAll("table.queue tbody tr")) {
      const lh = parseFloat(getComputedStyle(row).lineHeight);
      if (row.getBoundingClientRect().height >= 2 * lh) {
        out.push("the queue row of " + row.querySelector(".ref").textContent + " takes " + Math.round(row.getBoundingClientRect().height) + " px");
      }
    }
  }
  return out;
})()`

// TestBrowserScreensAtEveryWidth opens the queue, the other lists, the
// desk (its approvals and audit queue) and a case page at 390, 1,280 and
// 1,920 px in both languages, saves a screenshot of each
// (test-output/screen-<page>-<lang>-<width>.png) and fails when a page
// scrolls sideways, a reference, time or state is broken across lines, or
// (1,280 px and up) a queue row wraps. Then it reveals the case's buyer
// contact, which the timeline records.
func TestBrowserScreensAtEveryWidth(t *testing.T) {
	b := newBrowserEnv(t)
	for _, lang := range []cases.Language{cases.LanguageEnglish, cases.LanguageChinese} {
		lead := b.person(cases.RoleSupervisor, lang, map[cases.Language]string{
			cases.LanguageEnglish: "Samantha Supervisor-Longname", cases.LanguageChinese: "王主管"}[lang])
		b.seedQueue(lead)
		api := b.api(lead)
		nobodys := queueCases(lang)[1]
		nobodys["order_ref"] = "2026112499999"
		seed(t, api, nobodys)
		// A case at the remedy step, its costly remedy waiting on the desk:
		// the case page with its stepper, move form, remedy and timeline.
		body := queueCases(lang)[0]
		body["assignee_id"] = lead.ID
		body["order_ref"] = "2026112477777"
		cs, etag := seed(t, api, body)
		etag = moveByAPI(t, api, cs.ID, etag, map[string]any{"to": "listen", "first_response": "Hello, we are looking into it."})
		etag = moveByAPI(t, api, cs.ID, etag, map[string]any{"to": "apologise", "account": "Broken in transit.", "root_cause": "logistics"})
		etag = moveByAPI(t, api, cs.ID, etag, map[string]any{"to": "remedy", "apology": "We are sorry."})
		if rec := api.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/remedy", cs.ID),
			map[string]string{"type": "refund", "amount": "500.00", "currency": "CNY"}, "If-Match", etag); rec.Code != http.StatusOK {
			t.Fatalf("propose: %d %s", rec.Code, rec.Body)
		}
		// A closed case with a costly remedy, in the desk's audit queue.
		agent := b.api(b.person(cases.RoleAgent, lang, "Ann Agent"))
		other := b.api(b.person(cases.RoleSupervisor, lang, "Olga Other"))
		audited := newDeskCase(t, agent, "900.00", "jsmith")
		audited.propose("refund", "300.00")
		if rec := other.call(http.MethodPost, audited.path+"/approvals", nil); rec.Code != http.StatusOK {
			t.Fatalf("approve: %d %s", rec.Code, rec.Body)
		}
		audited.move(map[string]any{"to": "follow_up"}, http.StatusOK)
		audited.close()
		// Sign the other language's person out.
		b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
			return err
		}))
		b.signIn(lead)
		pages := []struct{ name, path string }{
			{"queue", "/"},
			{"unassigned", "/?scope=unassigned"},
			{"all", "/cases"},
			{"desk", "/desk"},
			{"case", "/cases/" + strconv.FormatInt(cs.ID, 10)},
		}
		for _, w := range screenWidths {
			opts := []chromedp.EmulateViewportOption{}
			if w.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulatePortrait)
			}
			b.do(chromedp.EmulateViewport(w.width, w.height, opts...))
			for _, p := range pages {
				t.Run(fmt.Sprintf("%s/%d/%s", lang, w.width, p.name), func(t *testing.T) {
					b.open(p.path)
					b.shot(fmt.Sprintf("screen-%s-%s-%d", p.name, lang, w.width), false)
					problems := eval[[]string](b, fmt.Sprintf(layoutProblems, w.width, w.width >= 1280))
					for _, pr := range problems {
						t.Errorf("%s at %d px: %s", p.path, w.width, pr)
					}
				})
			}
		}
		b.do(chromedp.EmulateViewport(1280, 860))

		// The contact, masked on the case page, is shown once asked for,
		// and the look is in the timeline.
		b.open("/cases/" + strconv.FormatInt(cs.ID, 10))
		if got := b.text("#buyer-contact-value"); got == body["buyer_contact"] || !strings.Contains(got, "*") {
			b.fail("the case page shows the contact %q", got)
		}
		b.click("#reveal-contact")
		b.wantText("#buyer-contact-value", body["buyer_contact"].(string))
		b.wantText("#timeline", map[cases.Language]string{cases.LanguageEnglish: "Buyer's contact viewed",
			cases.LanguageChinese: "查看了买家联系方式"}[lang])
	}
}
