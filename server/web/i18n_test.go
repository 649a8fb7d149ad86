package web

import (
	"io/fs"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"redress/ui"
	"redress/ui/i18n"
)

// TestServerKeysAreInTheCatalogue fails when a value the server turns into
// a catalogue key ("flash." + done, "field." + name) has no translation.
// The catalogue's own tests (ui/i18n) check completeness across languages
// and unused keys; only the server can list its own values.
func TestServerKeysAreInTheCatalogue(t *testing.T) {
	tr, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for prefix, values := range enumKeys() {
		for _, v := range values {
			if key := prefix + "." + v; !tr.Has(key) {
				missing = append(missing, key)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("keys the server builds but no catalogue has: %s", strings.Join(missing, ", "))
	}
}

// TestWebUIFailsFastAtStart checks that a broken template set or static
// folder stops the server from starting (a broken catalogue: ui/i18n's
// TestLoadRefusesAMissingKey).
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
	tr, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newUI(templates, ui.Static(), tr); err != nil {
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
		if _, err := newUI(without("case_timeline.html"), ui.Static(), tr); err == nil {
			t.Fatal("started without case_timeline.html")
		}
	})
	t.Run("TemplateThatDoesNotParse", func(t *testing.T) {
		broken := without("queue.html")
		broken["queue.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}x{{end}}{{define "content"}}{{if}}{{end}}`)}
		if _, err := newUI(broken, ui.Static(), tr); err == nil {
			t.Fatal("started with a template that does not parse")
		}
	})
	t.Run("PageWithoutContent", func(t *testing.T) {
		broken := without("import.html")
		broken["import.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}x{{end}}`)}
		if _, err := newUI(broken, ui.Static(), tr); err == nil {
			t.Fatal("started with a page that defines no content")
		}
	})
	t.Run("StaticFileOfUnknownType", func(t *testing.T) {
		static := fstest.MapFS{"app.css": {Data: []byte("a{}")}, "app.js": {Data: []byte(";")}, "notes.weird": {Data: []byte("x")}}
		if _, err := newUI(templates, static, tr); err == nil {
			t.Fatal("started with a static file it cannot serve")
		}
	})
}
