package chat

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the corpus names zones; do not depend on the machine's
)

// want is a corpus file's expected parse, read from NAME.want:
//
//	# layout: name-time          (or "# parsed: false")
//	# zone: America/New_York     (default Asia/Shanghai)
//	# preamble: heading\nsecond line
//	- speaker | role | at | at_time | message      (one per line; "S" for system)
//
// Messages and the preamble escape newlines as \n and backslashes as \\.
type want struct {
	layout   string
	parsed   bool
	zone     string
	preamble string
	lines    []Line
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func readWant(t *testing.T, path string) want {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w := want{parsed: true, zone: "Asia/Shanghai"}
	for n, line := range strings.Split(strings.TrimRight(string(raw), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "# layout: "):
			w.layout = strings.TrimPrefix(line, "# layout: ")
		case line == "# parsed: false":
			w.parsed = false
		case strings.HasPrefix(line, "# zone: "):
			w.zone = strings.TrimPrefix(line, "# zone: ")
		case strings.HasPrefix(line, "# preamble: "):
			w.preamble = unescape(strings.TrimPrefix(line, "# preamble: "))
		case strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "S "):
			f := strings.SplitN(line[2:], " | ", 5)
			if len(f) != 5 {
				t.Fatalf("%s:%d: want 5 fields, got %q", path, n+1, line)
			}
			l := Line{Speaker: strings.TrimSpace(f[0]), Role: Role(strings.TrimSpace(f[1])),
				At: strings.TrimSpace(f[2]), Message: unescape(f[4]), System: line[0] == 'S'}
			if at := strings.TrimSpace(f[3]); at != "" {
				tm, err := time.Parse(time.RFC3339, at)
				if err != nil {
					t.Fatalf("%s:%d: %v", path, n+1, err)
				}
				l.AtTime = &tm
			}
			w.lines = append(w.lines, l)
		default:
			t.Fatalf("%s:%d: cannot read %q", path, n+1, line)
		}
	}
	return w
}

func formatLine(l Line) string {
	flag := "-"
	if l.System {
		flag = "S"
	}
	at := ""
	if l.AtTime != nil {
		at = l.AtTime.Format(time.RFC3339)
	}
	msg := strings.ReplaceAll(strings.ReplaceAll(l.Message, `\`, `\\`), "\n", `\n`)
	return fmt.Sprintf("%s %s | %s | %s | %s | %s", flag, l.Speaker, l.Role, l.At, at, msg)
}

// misattributed counts the expected lines whose words the parse puts under
// another speaker (or under none): each expected message is looked for, in
// order, inside the parsed messages.
func misattributed(got, want []Line) int {
	n, from := 0, 0
	for _, w := range want {
		if w.Message == "" {
			continue
		}
		found := -1
		for i := from; i < len(got) && found < 0; i++ {
			if got[i].Message == w.Message {
				found = i
			}
		}
		for i := from; i < len(got) && found < 0; i++ {
			if strings.Contains(got[i].Message, w.Message) {
				found = i
			}
		}
		if found < 0 {
			for i := range got {
				if strings.Contains(got[i].Message, w.Message) {
					found = i
					break
				}
			}
		}
		if found < 0 {
			continue // missing words are reported by the exact comparison
		}
		if got[found].Speaker != w.Speaker || got[found].Role != w.Role {
			n++
		}
		from = found
	}
	return n
}

// TestCorpus parses every transcript in testdata/corpus and compares every
// line (speaker, role, time, instant, system flag, message) with the
// expected file beside it.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.txt")
	if err != nil || len(files) < 30 {
		t.Fatalf("corpus: %d transcripts (%v), want at least 30", len(files), err)
	}
	total, wrong, mis, lines, positives := 0, 0, 0, 0, 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w := readWant(t, strings.TrimSuffix(f, ".txt")+".want")
		loc, err := time.LoadLocation(w.zone)
		if err != nil {
			t.Fatal(err)
		}
		total++
		if w.parsed {
			positives++
		}
		lines += len(w.lines)
		ok := t.Run(name, func(t *testing.T) {
			got := Parse(string(text), loc)
			m := misattributed(got.Lines, w.lines)
			mis += m
			if m > 0 {
				t.Errorf("%d misattributed lines", m)
			}
			if !w.parsed {
				if got.Parsed || len(got.Lines) != 0 {
					t.Fatalf("parsed as %s with %d lines, want unparsed:\n%s", got.Layout, len(got.Lines), dump(got.Lines))
				}
				return
			}
			if !got.Parsed {
				t.Fatalf("not parsed, want layout %s", w.layout)
			}
			if err := checkCoverage(string(text), got); err != nil {
				t.Error(err)
			}
			if got.Layout != w.layout {
				t.Errorf("layout %q, want %q", got.Layout, w.layout)
			}
			if got.Preamble != w.preamble {
				t.Errorf("preamble %q, want %q", got.Preamble, w.preamble)
			}
			var g, e []string
			for _, l := range got.Lines {
				g = append(g, formatLine(l))
			}
			for _, l := range w.lines {
				e = append(e, formatLine(l))
			}
			if strings.Join(g, "\n") != strings.Join(e, "\n") {
				t.Errorf("lines differ\n got:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(e, "\n"))
			}
		})
		if !ok {
			wrong++
		}
	}
	t.Logf("corpus: %d transcripts (%d chats, %d negatives), %d expected lines; %d wrong; misattributed lines: %d",
		total, positives, total-positives, lines, wrong, mis)
}

func dump(lines []Line) string {
	var b []string
	for _, l := range lines {
		b = append(b, formatLine(l))
	}
	return strings.Join(b, "\n")
}

// TestCorpusVariants: pasting the same chat with CRLF line ends, trailing
// blanks or a heading above it gives the same lines.
func TestCorpusVariants(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.txt")
	variants := map[string]func(string) string{
		"CRLF": func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n") },
		"Trailing": func(s string) string {
			return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", " \t\u3000\n")
		},
		"Heading": func(s string) string { return "聊天记录\n\n" + s },
		"LF":      func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") },
	}
	for _, f := range files {
		w := readWant(t, strings.TrimSuffix(f, ".txt")+".want")
		if !w.parsed {
			continue
		}
		raw, _ := os.ReadFile(f)
		loc, _ := time.LoadLocation(w.zone)
		base := Parse(string(raw), loc)
		for name, v := range variants {
			got := Parse(v(string(raw)), loc)
			if got.Layout != base.Layout || dump(got.Lines) != dump(base.Lines) {
				t.Errorf("%s/%s: got %s\n%s\nwant %s\n%s", filepath.Base(f), name, got.Layout, dump(got.Lines), base.Layout, dump(base.Lines))
			}
		}
	}
}
