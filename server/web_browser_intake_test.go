package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"redress/cases"
)

// TestBrowserImportShowsProgress imports a few thousand generated lines
// from the import page: the page's script posts the file, shows the
// progress the server streams (the bar and "N of M lines" counting up to
// the last line) and then the report, in place; the page is not left.
func TestBrowserImportShowsProgress(t *testing.T) {
	b := newBrowserEnv(t)
	agent := b.person(cases.RoleAgent, cases.LanguageChinese, "小安")
	b.signIn(agent)
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, generatedExport(2000, "B"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.open("/import")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{path}))
	// Record every state the progress shows, and mark the page: a form
	// posted without the script would load a new one.
	eval[bool](b, `window.__stayed = true; window.__progress = [];
		(() => {
			const box = document.getElementById("import-progress");
			const bar = document.getElementById("import-progress-bar"), text = document.getElementById("import-progress-text");
			new MutationObserver(() => {
				if (bar.hasAttribute("value")) window.__progress.push({done: bar.value, total: bar.max, text: text.textContent});
			}).observe(box, {childList: true, characterData: true, subtree: true, attributes: true});
		})();
		true`)
	b.do(chromedp.Click(chromedp.CSS(".import-form button[type=submit]")))
	b.wantText("#import-created", "新建 2000 条")
	if !eval[bool](b, `window.__stayed === true`) {
		b.fail("the import left the page: the form was posted without the script")
	}
	type step struct {
		Done, Total float64
		Text        string
	}
	seen := eval[[]step](b, `window.__progress`)
	if len(seen) < 10 {
		b.fail("the progress showed %d states: %v", len(seen), seen)
	}
	last := 0.0
	for _, s := range seen {
		if s.Total != 2000 || s.Done < last {
			b.fail("progress went %v after %v done", s, last)
		}
		last = s.Done
	}
	if end := seen[len(seen)-1]; end.Done != 2000 || !strings.Contains(end.Text, "已导入 2000 / 2000 行") {
		b.fail("the progress ended at %+v", end)
	}
	var n int
	if err := b.db.Get(&n, `SELECT count(*) FROM cases`); err != nil || n != 2000 {
		b.fail("%d cases, %v", n, err)
	}
	b.shot("import-progress-zh", false)
}

// TestBrowserImportMapsALargeFile maps a file larger than the mapping
// step sends back through the page: the step previews its first rows, and
// the page's script sends the file it kept with the choices, without
// asking for it again.
func TestBrowserImportMapsALargeFile(t *testing.T) {
	b := newBrowserEnv(t)
	agent := b.person(cases.RoleAgent, cases.LanguageEnglish, "Ann Agent")
	b.signIn(agent)
	var sb strings.Builder
	sb.WriteString("单号,店铺,问题描述,备注\n")
	pad := strings.Repeat("长", 15000)
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&sb, "L%d,杯具旗舰店,杯子破损,%s\n", i, pad)
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	b.open("/import")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{path}))
	b.do(chromedp.Click(chromedp.CSS(".import-form button[type=submit]")))
	b.wantText("#mapping-preview", "单号", "杯子破损")
	if !eval[bool](b, `document.getElementById("resend-file").hidden`) {
		b.fail("the page asks for the file it kept")
	}
	b.set("#col-external_id", "单号", "#col-shop", "店铺", "#col-summary", "问题描述", "#fixed-platform", "jd", "#fixed-kind", "damaged")
	b.do(chromedp.Click(chromedp.CSS("#mapping-form button[type=submit]")))
	b.wantText("#import-created", "100 created")
}
