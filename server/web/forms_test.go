package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"redress/cases"
	"redress/ui"
	"redress/ui/i18n"
)

// formControls are the inputs of the pages' forms that no person types
// into (the CSRF token, the version the form was read at, the move a
// button names, where to go back to): a refusal about one of them is
// worded by its code ("the form is out of date, reload").
func formControls() []string {
	return []string{"csrf_token", "version", "move", "to", "next", "language", "remedy_id", "from", "decision",
		"propose", "case", "step", "resend", "content", "open", "id", "reply_id", "scope", "approvals_cursor",
		"rule", "delete", "speaker", "preview", "case_id", "enabled"}
}

// templateNames maps the inputs templates name per record ("note_{{$id}}",
// "col.{{.Field}}") to the field a refusal of them names.
func templateNames() map[string]string {
	return map[string]string{"hand_": "cases", "status_": "cases.status", "note_": "cases.note",
		"next_": "cases.next_action", "contingency_": "cases.contingency", "promise_": "cases.promise",
		"read_back_": "cases.read_back", "col.": "columns", "fixed.": "mapping", "score.": "scores"}
}

// TestEveryRefusedFieldReadsInEveryLanguage walks every field a refusal of
// a page's form may name — the inputs of every form the templates hold,
// and every field name the domain's refusals use that a form shows — and
// fails when one has no sentence in the catalogue in either language: the
// Chinese UI would show the domain's English reason.
func TestEveryRefusedFieldReadsInEveryLanguage(t *testing.T) {
	tr, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	forms := refusedFields()
	controls := map[string]bool{}
	for _, c := range formControls() {
		controls[c] = true
	}
	worded := func(form, field string) bool {
		key := needKey(tr, form, field)
		if key == "" {
			return false
		}
		for _, lang := range cases.Languages() {
			if msg := tr.T(lang, key); msg == key || strings.TrimSpace(msg) == "" {
				return false
			}
		}
		return true
	}
	var missing []string

	t.Run("EveryFieldOfEveryForm", func(t *testing.T) {
		for form, fields := range forms {
			for _, f := range fields {
				if !controls[f] && !worded(form, f) {
					missing = append(missing, form+": "+withoutIndexes(f))
				}
			}
		}
	})

	t.Run("EveryFieldTheDomainNamesOnAForm", func(t *testing.T) {
		for _, d := range domainFields(t) {
			for form, fields := range forms {
				if fieldFor(withoutIndexes(d), fields) != "" && !controls[d] && !worded(form, d) {
					missing = append(missing, form+": "+withoutIndexes(d))
				}
			}
		}
	})

	t.Run("EveryInputOfTheTemplatesIsListed", func(t *testing.T) {
		known := map[string]bool{}
		for _, fields := range forms {
			for _, f := range fields {
				known[f] = true
			}
		}
		for _, name := range templateInputs(t) {
			if !known[name] && !controls[name] {
				t.Errorf("a form of the templates posts %q, which refusedFields does not list (nor formControls)", name)
			}
		}
	})

	sort.Strings(missing)
	missing = compactStrings(missing)
	if len(missing) > 0 {
		t.Errorf("refused fields (form: field) with neither need.<form>.<field> nor need.<field> in every language (%d):\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
}

// templateInputs is every input name the templates' forms post, with the
// names made per record turned into the field they are about.
func templateInputs(t *testing.T) []string {
	t.Helper()
	nameAttr := regexp.MustCompile(`<(?:input|select|textarea|button)\b[^>]*?\sname="([^"]*)"`)
	var out []string
	err := fs.WalkDir(ui.Templates(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(ui.Templates(), path)
		if err != nil {
			return err
		}
		for _, m := range nameAttr.FindAllStringSubmatch(string(b), -1) {
			name := m[1]
			if i := strings.Index(name, "{{"); i >= 0 {
				prefix := name[:i]
				if prefix == "" {
					continue // a generated field: its list is in refusedFields
				}
				mapped, ok := templateNames()[prefix]
				if !ok {
					t.Errorf("%s: input %q is named per record; add its prefix to templateNames", path, name)
					continue
				}
				name = mapped
			}
			out = append(out, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return compactStrings(out)
}

// domainFields is every field name the domain's refusals use, read from
// the source of the packages the pages' actions reach: cases.FieldError's
// first argument and cases.Error's Field, when they are literal.
func domainFields(t *testing.T) []string {
	t.Helper()
	lit := regexp.MustCompile(`(?:FieldError\(|Field:\s*)"([a-z_.\[\]=A-Z0-9-]+)"`)
	var out []string
	for _, dir := range []string{"cases", "cases/store", "cases/intake", "workflows", "server/actions", "server/web", "server/upload", "server/request"} {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
				out = append(out, m[1])
			}
		}
	}
	sort.Strings(out)
	return compactStrings(out)
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
