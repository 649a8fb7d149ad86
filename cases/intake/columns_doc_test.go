package intake

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var updateDoc = flag.Bool("update", false, "rewrite the generated part of the README's Importing exports")

// columnsDoc is where the supported columns are written down: the
// README's "Importing exports".
const columnsDoc = "../../README.md"

const (
	docBegin = "<!-- profiles:begin (generated from profile.go by `go test ./cases/intake -run TestColumnsDoc -update`) -->"
	docEnd   = "<!-- profiles:end -->"
)

// renderProfiles writes the profile table as markdown.
func renderProfiles() string {
	var b strings.Builder
	for _, p := range Profiles() {
		if p.Name == OwnProfile {
			continue
		}
		fmt.Fprintf(&b, "\n### %s — `%s`\n\n", p.Title, p.Name)
		var req []string
		for _, f := range p.Require {
			req = append(req, "`"+string(f)+"`")
		}
		fmt.Fprintf(&b, "Platform `%s`. Recognised when the header has a column for %s.", p.Platform, strings.Join(req, ", "))
		if len(p.Marks) > 0 {
			fmt.Fprintf(&b, " Columns that point to this export: %s.", quoteAll(p.Marks))
		}
		b.WriteString("\n\n| field | header names, first found wins |\n| --- | --- |\n")
		for _, f := range Fields() {
			if names := p.Columns[f]; len(names) > 0 {
				fmt.Fprintf(&b, "| `%s` | %s |\n", f, quoteAll(names))
			}
		}
		var notes []string
		if p.KeyItem {
			notes = append(notes, "When the external id is the order number, the item (`item_ref`) is added to it: `<order>/<item>`, one case per reviewed or returned item.")
		}
		if len(p.DefaultKind) > 0 {
			var ks []string
			for _, k := range p.DefaultKind {
				ks = append(ks, "`"+string(k)+"`")
			}
			notes = append(notes, fmt.Sprintf("A line whose reason, type and description tell no kind is %s (the first of these Redress has).", strings.Join(ks, ", then ")))
		}
		if p.OrderPattern != "" {
			notes = append(notes, fmt.Sprintf("Order numbers look like `%s`; this settles a header that fits another export as well.", p.OrderPattern))
		}
		if p.NotCases != "" {
			notes = append(notes, "A line without an after-sales signal creates no case: "+p.NotCases+".")
		}
		if p.Continuation {
			notes = append(notes, "Later lines of the same order (one line per item) add their item to the order's summary.")
		}
		for _, n := range notes {
			fmt.Fprintf(&b, "\n- %s", n)
		}
		if len(notes) > 0 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	return strings.Join(q, ", ")
}

// TestColumnsDoc keeps the README's profile tables what profile.go says,
// and its field table complete.
func TestColumnsDoc(t *testing.T) {
	doc, err := os.ReadFile(columnsDoc)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, docBegin), strings.Index(s, docEnd)
	if i < 0 || j < i {
		t.Fatalf("the README has no generated section (%s … %s)", docBegin, docEnd)
	}
	want := s[:i+len(docBegin)] + "\n" + renderProfiles() + "\n" + s[j:]
	if *updateDoc {
		if err := os.WriteFile(columnsDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != s {
		t.Fatal("the README's profile tables differ from profile.go; run go test ./cases/intake -run TestColumnsDoc -update")
	}
	for _, f := range Fields() {
		if !strings.Contains(s, "| `"+string(f)+"` |") {
			t.Errorf("the README does not describe field %s", f)
		}
	}
}
