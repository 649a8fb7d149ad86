package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"redress/cases"
	"redress/ui"
)

// TestCataloguesAreCompleteAndUsed fails when a key is missing from a
// catalogue, when a page or handler uses a key no catalogue has, when a
// domain value has no translation, or when a catalogue holds a key that
// nothing uses.
func TestCataloguesAreCompleteAndUsed(t *testing.T) {
	tr, err := loadTranslations(ui.Messages())
	if err != nil {
		t.Fatal(err) // a key missing from one catalogue
	}
	used := map[string]bool{}
	missing := map[string]bool{}
	use := func(key string) {
		used[key] = true
		if !tr.has(key) {
			missing[key] = true
		}
	}

	// Templates: {{t "key" …}} and {{te "prefix" "value"}}.
	tKey := regexp.MustCompile(`\bt "([^"]+)"`)
	teKey := regexp.MustCompile(`\bte "([^"]+)" "([^"]+)"`)
	err = fs.WalkDir(ui.Templates(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(ui.Templates(), name)
		for _, m := range tKey.FindAllStringSubmatch(string(b), -1) {
			use(m[1])
		}
		for _, m := range teKey.FindAllStringSubmatch(string(b), -1) {
			use(m[1] + "." + m[2])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// Handlers: s.t(v, "key", …) must exist; any other string literal that
	// is a key counts as a use (tables of keys).
	goKey := regexp.MustCompile(`\.t\([a-zA-Z.]+, "([^"]+)"`)
	literal := regexp.MustCompile(`"([a-z_]+(?:\.[a-zA-Z0-9_\-]+)+)"`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix completed by enumKeys
				use(m[1])
			}
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if tr.has(m[1]) {
				used[m[1]] = true
			}
		}
	}

	// Keys built from domain values: every value needs one.
	for prefix, values := range enumKeys() {
		for _, v := range values {
			use(prefix + "." + v)
		}
	}

	if len(missing) > 0 {
		t.Errorf("keys used but in no catalogue: %s", strings.Join(sortedKeys(missing), ", "))
	}
	var unused []string
	for key := range tr.byLang[cases.LanguageEnglish] {
		if !used[key] {
			unused = append(unused, key)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("catalogue keys nothing uses (delete them or use them): %s", strings.Join(unused, ", "))
	}

	placeholder := regexp.MustCompile(`\{[a-z]+\}`)
	for key, en := range tr.byLang[cases.LanguageEnglish] {
		zh := tr.byLang[cases.LanguageChinese][key]
		if key != "dur.separator" && (strings.TrimSpace(en) == "" || strings.TrimSpace(zh) == "") {
			t.Errorf("%s is empty in a catalogue", key)
		}
		pe, pz := placeholder.FindAllString(en, -1), placeholder.FindAllString(zh, -1)
		sort.Strings(pe)
		sort.Strings(pz)
		if strings.Join(pe, "") != strings.Join(pz, "") {
			t.Errorf("%s has placeholders %v in en and %v in zh-CN", key, pe, pz)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestWebUIFailsFastAtStart checks that a broken template set, static
// folder or catalogue stops the server from starting.
func TestWebUIFailsFastAtStart(t *testing.T) {
	templates := fstest.MapFS{}
	err := fs.WalkDir(ui.Templates(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(ui.Templates(), name)
		templates[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newUI(templates, ui.Static(), ui.Messages()); err != nil {
		t.Fatalf("the real files: %v", err)
	}
	without := func(name string) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range templates {
			if k != name {
				m[k] = v
			}
		}
		return m
	}
	t.Run("MissingTemplate", func(t *testing.T) {
		if _, err := newUI(without("case_timeline.html"), ui.Static(), ui.Messages()); err == nil {
			t.Fatal("started without case_timeline.html")
		}
	})
	t.Run("TemplateThatDoesNotParse", func(t *testing.T) {
		broken := without("queue.html")
		broken["queue.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}x{{end}}{{define "content"}}{{if}}{{end}}`)}
		if _, err := newUI(broken, ui.Static(), ui.Messages()); err == nil {
			t.Fatal("started with a template that does not parse")
		}
	})
	t.Run("PageWithoutContent", func(t *testing.T) {
		broken := without("import.html")
		broken["import.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}x{{end}}`)}
		if _, err := newUI(broken, ui.Static(), ui.Messages()); err == nil {
			t.Fatal("started with a page that defines no content")
		}
	})
	t.Run("CatalogueMissingAKey", func(t *testing.T) {
		msgs := fstest.MapFS{
			"en.json":    {Data: []byte(`{"a":"A","b":"B"}`)},
			"zh-CN.json": {Data: []byte(`{"a":"甲"}`)},
		}
		_, err := newUI(templates, ui.Static(), msgs)
		if err == nil || !strings.Contains(err.Error(), "zh-CN.json lacks b") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("StaticFileOfUnknownType", func(t *testing.T) {
		static := fstest.MapFS{"app.css": {Data: []byte("a{}")}, "app.js": {Data: []byte(";")}, "notes.weird": {Data: []byte("x")}}
		if _, err := newUI(templates, static, ui.Messages()); err == nil {
			t.Fatal("started with a static file it cannot serve")
		}
	})
}
