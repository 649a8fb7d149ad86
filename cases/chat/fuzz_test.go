package chat

import (
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks, on any text, that parsing never panics and that a
// parse accounts for every visible character of the text, in order.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.txt")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{
		"", "\r", "\r\n\r\n", "a:b", "[", "【】", "1:2", "小王 10:01\n", "\xff\xfe 10:01\n\xff",
		"旗舰店:小美:亲:\n旗舰店:小美:好", "[10:01] : x", "Nov 31, 2026, 2:03 PM\nx\ny",
		"\u2028小王 10:01\u2029hi", "tb 99:99:99\nx", "下午13:61\nx",
	} {
		f.Add(s)
	}
	loc := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, text string) {
		got := parse(text, loc) // without Parse's safety net
		if !got.Parsed {
			if len(got.Lines) != 0 || got.Lines == nil || got.Preamble != "" {
				t.Fatalf("unparsed transcript with content: %+v", got)
			}
			return
		}
		if err := checkCoverage(text, got); err != nil {
			t.Fatalf("%v\ntext %q\nparse %+v", err, text, got)
		}
		if len(got.Lines) == 0 {
			t.Fatalf("parsed without lines: %q", text)
		}
		for _, l := range got.Lines {
			if !utf8.ValidString(l.Speaker) && utf8.ValidString(text) {
				t.Fatalf("speaker %q is not valid UTF-8", l.Speaker)
			}
			if l.Speaker == "" && l.Role != RoleSystem && l.Role != RoleUnknown {
				t.Fatalf("line without a speaker has role %q", l.Role)
			}
			if l.AtTime != nil && l.At == "" {
				t.Fatalf("instant without the time as written: %+v", l)
			}
		}
		if p := Parse(text, loc); p.Parsed != got.Parsed || len(p.Lines) != len(got.Lines) {
			t.Fatalf("Parse and parse disagree on %q", text)
		}
	})
}
