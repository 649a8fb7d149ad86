package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"redress/cases"
	"redress/workflows/tone"
)

// dynamicKeys is the one allow-list of keys that code builds at run time
// from a prefix and a value ("state." + s), which no scan of the source can
// find. Every key under a prefix listed here counts as used. Where the
// values are the domain's, they are listed and each must have a key; where
// they are the server's own lists (nil here), server/web_i18n_test.go's
// TestServerKeysAreInTheCatalogue checks them against the catalogue.
func dynamicKeys() map[string][]string {
	return map[string][]string{
		// State (reminders), te "state" (pages), "state." + s (server/web_case_*.go).
		"state": strs(cases.States()),
		// te "<prefix>" in templates and enumOptions/"<prefix>." + v in server/web_*.go.
		"kind":           strs(cases.Kinds()),
		"platform":       strs(cases.Platforms()),
		"severity":       strs(cases.Severities()),
		"root_cause":     strs(cases.RootCauses()),
		"remedy_type":    strs(cases.RemedyTypes()),
		"review_outcome": strs(cases.ReviewOutcomes()),
		"close_reason":   strs(cases.CloseReasons()),
		"evidence_kind":  strs(cases.EvidenceKinds()),
		"role":           strs(cases.Roles()),
		"lang":           strs(cases.Languages()),
		"reminder_level": strs(cases.ReminderLevels()),
		// te "handover.status" in templates/handover*.html.
		"handover.status": strs(cases.HandoverStatuses()),
		// "event." + kind and "move." + move: server/web_case_timeline.go,
		// web_case_moves.go (eventKinds, moveKinds).
		"event": nil,
		"move":  nil,
		// "stage." + field and "need." + field: server/web_case_moves.go,
		// web_view.go (stageFields).
		"stage": nil,
		"need":  nil,
		// "field." + name: server/web_new_case.go, web_case_timeline.go
		// (newCaseInputs, caseFields).
		"field": nil,
		// "err.code." + code and "status." + status: server/web_errors.go,
		// web_view.go, web_auth.go (statusOf).
		"err.code": nil,
		"status":   nil,
		// te "notice_kind" and te "notifications.filter" in
		// templates/notifications.html: server/web/notifications.go
		// (noticeFilters).
		"notice_kind":          nil,
		"notifications.filter": nil,
		// "flash." + done: server/web_view.go (flashes).
		"flash": nil,
		// "queue.title." + scope: server/web_queue.go.
		"queue.title": nil,
		// "users." + input: server/web_users.go (userInputs); the page's other
		// users.* keys are written out and found by the scan.
		"users": {"email", "display_name", "role", "language", "time_zone", "password"},
		// "replies.field." + input: server/web_replies.go (replyInputs).
		"replies.field": {"stage", "kind", "lang", "title", "body"},
		// te "tone.severity" and te "flag" in templates.
		"tone.severity":    tone.Severities(),
		"tone_rules.stage": tone.Stages(),
		"tone.category": {tone.CategoryAbsolutePromise, tone.CategoryDismissive, tone.CategoryBlame,
			tone.CategoryPrematureAdmission, tone.CategoryReviewTiedRemedy, tone.CategoryReviewChangeRequest,
			tone.CategoryReviewSolicitation},
		"flag": {cases.FlagReviewTiedRemedy},
		// The supervisor's desk: te "audit_reason", "audit_status",
		// "verdict_kind", "remedy_status" in templates and server/web/desk.go
		// (their values: server/web/i18n.go's enumKeys).
		"audit_reason":  strs(cases.AuditReasons()),
		"audit_status":  nil,
		"verdict_kind":  nil,
		"remedy_status": nil,
		// "audit_period." + period: server/web/policy.go.
		"audit_period": strs(cases.AuditPeriods()),
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// moduleRoot is the directory of go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// TestEveryKeyIsUsedAndEveryUseIsAKey fails when a page or Go code uses a
// key the catalogue lacks, when a domain value has no key, and when the
// catalogue holds a key nothing uses. It reads ui/templates/*.html and
// every non-test .go file of the module.
func TestEveryKeyIsUsedAndEveryUseIsAKey(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	root := moduleRoot(t)
	used := map[string]bool{}
	missing := map[string]bool{}
	use := func(key string) {
		used[key] = true
		if !c.Has(key) {
			missing[key] = true
		}
	}

	// Templates: {{t "key" …}} and {{te "prefix" "value"}}.
	tKey := regexp.MustCompile(`\bt "([^"]+)"`)
	teKey := regexp.MustCompile(`\bte "([^"]+)" "([^"]+)"`)
	pages, err := filepath.Glob(filepath.Join(root, "ui", "templates", "*.html"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no templates under %s/ui/templates: %v", root, err)
	}
	for _, name := range pages {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tKey.FindAllStringSubmatch(string(b), -1) {
			use(m[1])
		}
		for _, m := range teKey.FindAllStringSubmatch(string(b), -1) {
			use(m[1] + "." + m[2])
		}
	}

	// Go: a translation call with a literal key (c.T(lang, "key"),
	// s.t(v, "key")) must name a key; any other string literal that is a
	// key counts as a use (tables of keys, views' title keys).
	call := regexp.MustCompile(`\.[tT]\([a-zA-Z.]+, "([^"]+)"`)
	literal := regexp.MustCompile(`"([a-z_]+(?:\.[a-zA-Z0-9_\-]+)+)"`)
	goFiles := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		goFiles++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix: dynamicKeys
				use(m[1])
			}
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if c.Has(m[1]) {
				used[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if goFiles < 20 {
		t.Fatalf("read only %d Go files under %s", goFiles, root)
	}

	// Keys built at run time: the domain's values each need one, and every
	// key under a dynamic prefix is used.
	dynamic := dynamicKeys()
	for prefix, values := range dynamic {
		for _, v := range values {
			use(prefix + "." + v)
		}
	}
	for key := range c.byLang[cases.LanguageEnglish] {
		for prefix, values := range dynamic {
			if values == nil && strings.HasPrefix(key, prefix+".") {
				used[key] = true
			}
		}
	}

	if len(missing) > 0 {
		t.Errorf("keys used but in no catalogue: %s", strings.Join(sortedKeys(missing), ", "))
	}
	unused := map[string]bool{}
	for key := range c.byLang[cases.LanguageEnglish] {
		if !used[key] {
			unused[key] = true
		}
	}
	if len(unused) > 0 {
		t.Errorf("catalogue keys nothing uses (delete them, use them, or list their prefix in dynamicKeys): %s",
			strings.Join(sortedKeys(unused), ", "))
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
