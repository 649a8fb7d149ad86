package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"redress/cases"
	"redress/cases/store"
)

// pressKey presses a key that types nothing (arrows), as press does for
// keys that do.
func pressKey(key string, vk int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: key, Code: key, WindowsVirtualKeyCode: vk}
		up := down
		up.Type = input.DispatchKeyEventTypeKeyUp
		for _, p := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestBrowserInsertsAReplyAndSeesAToneWarning: an agent writes the first
// response from the library with the keyboard (/ and a few letters, the
// arrow keys, Enter), sees the case's values filled in, sees a tone
// warning appear while typing an absolute promise, and saves: the event
// records the reply's use and the warning.
func TestBrowserInsertsAReplyAndSeesAToneWarning(t *testing.T) {
	b := newBrowserEnv(t)
	agent := b.person(cases.RoleAgent, cases.LanguageEnglish, "Ann Agent")
	sup := b.person(cases.RoleSupervisor, cases.LanguageEnglish, "Sam Supervisor")
	boss := b.api(sup)
	var ids []int64
	for _, r := range []map[string]any{
		{"stage": "respond", "lang": "en", "title": "Greeting, parcel", "body": "Hello {buyer}, your parcel with {courier} is on its way."},
		{"stage": "respond", "lang": "en", "title": "Greeting, order", "body": "Hello {buyer}, we are looking into order {order_ref} now."},
		{"stage": "apologise", "lang": "en", "title": "Greeting, apology", "body": "We are sorry, {buyer}."},
	} {
		rec := boss.call("POST", "/api/v1/replies", r)
		if rec.Code != 201 {
			t.Fatalf("add reply: %d %s", rec.Code, rec.Body)
		}
		ids = append(ids, decodeAs[struct {
			ID int64 `json:"id"`
		}](t, rec).ID)
	}
	body := newCaseBody()
	body["platform"], body["external_id"], body["buyer_handle"], body["assignee_id"] = "shopify", "SH-1", "jsmith", agent.ID
	cs, _ := seed(t, b.api(agent), body)
	b.signIn(agent)
	b.open(fmt.Sprintf("/cases/%d", cs.ID))

	const field = "#move-forward-first_response"
	b.do(chromedp.Focus(chromedp.CSS(field)), chromedp.SendKeys(chromedp.CSS(field), "/greet"))
	// Both respond replies are offered (the apology's stage is not), the
	// first one (equal outcomes: the newer) highlighted; ↓ and ↑ move.
	b.do(chromedp.Poll[chromedp.Void](`document.querySelectorAll("` + field + `-replies li[role=option]").length === 2`))
	active := func() string {
		return eval[string](b, `document.querySelector("`+field+`-replies li.active").dataset.reply`)
	}
	for _, step := range []struct {
		key  string
		vk   int64
		want int64
	}{{"", 0, ids[1]}, {"ArrowDown", 40, ids[0]}, {"ArrowUp", 38, ids[1]}} {
		if step.key != "" {
			b.do(pressKey(step.key, step.vk))
		}
		if got := active(); got != fmt.Sprint(step.want) {
			b.fail("after %q reply %s is highlighted, want %d", step.key, got, step.want)
		}
	}
	b.do(press("Enter"))
	want := "Hello jsmith, we are looking into order 2026112400001 now."
	b.do(chromedp.Poll[chromedp.Void](`document.querySelector("` + field + `").value === "` + want + `"`))
	if v := b.value(`input[data-reply-for="move-forward-first_response"]`); v != fmt.Sprint(ids[1]) {
		b.fail("reply_id %q, want %d", v, ids[1])
	}

	// An absolute promise typed after it brings a warning under the field.
	b.do(chromedp.SendKeys(chromedp.CSS(field), " We guarantee it arrives tomorrow."))
	b.do(chromedp.Poll[chromedp.Void](`[...document.querySelectorAll("` + field + `-tone li")].some(li => li.dataset.category === "absolute_promise")`))
	b.wantText(field+"-tone", "guarantee")
	b.click("#move-forward button[type=submit]")
	if got := eval[string](b, `document.getElementById("case-state").dataset.state`); got != "listen" {
		b.fail("state %q after the move, want listen", got)
	}
	evs, err := store.New(b.db).Events(context.Background(), cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := string(evs[len(evs)-1].Payload)
	if !strings.Contains(p, `"reply_used": {"field": "first_response", "reply_id": `+fmt.Sprint(ids[1])) || !strings.Contains(p, `"absolute_promise"`) {
		b.fail("the move's payload %s lacks the reply's use or the warning", p)
	}

	t.Run("AnUnfilledVariableIsNamedAndSelected", func(t *testing.T) {
		c2, _ := seed(t, b.api(agent), map[string]any{"platform": "shopify", "shop": "Cup Co.", "kind": "lost_parcel",
			"buyer_handle": "marie", "assignee_id": agent.ID})
		b.open(fmt.Sprintf("/cases/%d", c2.ID))
		b.do(chromedp.Focus(chromedp.CSS(field)), chromedp.SendKeys(chromedp.CSS(field), "::parcel"))
		b.do(chromedp.Poll[chromedp.Void](`document.querySelectorAll("` + field + `-replies li[role=option]").length === 1`))
		b.do(press("Enter"))
		b.do(chromedp.Poll[chromedp.Void](`document.getElementById("move-forward-first_response-reply-note").textContent.includes("{courier}")`))
		sel := eval[string](b, `(() => { const t = document.querySelector("`+field+`"); return t.value.slice(t.selectionStart, t.selectionEnd) })()`)
		if sel != "{courier}" {
			b.fail("selected %q, want the unfilled {courier}", sel)
		}
		b.click("#move-forward button[type=submit]")
		b.wantText("#move-forward .field-error", "{courier}")
	})
}
