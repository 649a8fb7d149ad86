package chat

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// srcLine is one line of the pasted text. Matching works on norm, a folded
// copy with one rune per rune of the line; what the parser returns is
// always cut from text, so it is exactly as written.
type srcLine struct {
	text string // the line, without its line break
	off  []int  // byte offset in text of each rune, then len(text)
	norm []rune // folded runes: full-width forms to ASCII, blanks to ' '
	tab  []bool // whether the rune was a tab (table cells)
	a, b int    // rune bounds of the line without surrounding blanks
}

// maxLines and maxBytes bound the work on an enormous paste: past them the
// text is not parsed (a chat excerpt is a few hundred lines).
const (
	maxLines = 20000
	maxBytes = 2 << 20
)

// splitLines cuts text into lines at \n, \r\n, \r, U+2028 and U+2029.
func splitLines(text string) []srcLine {
	var out []srcLine
	start := 0
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		switch r {
		case '\n', '\u2028', '\u2029':
			out = append(out, newLine(text[start:i]))
			start = i + w
		case '\r':
			out = append(out, newLine(text[start:i]))
			if i+1 < len(text) && text[i+1] == '\n' {
				w++
			}
			start = i + w
		}
		i += w
	}
	out = append(out, newLine(text[start:]))
	return out
}

func newLine(s string) srcLine {
	l := srcLine{text: s}
	for i, r := range s {
		l.off = append(l.off, i)
		l.norm = append(l.norm, fold(r))
		l.tab = append(l.tab, r == '\t')
	}
	l.off = append(l.off, len(s))
	l.a, l.b = trimSpan(l.norm, 0, len(l.norm))
	return l
}

// blank reports whether r carries no content: white space and the
// invisible characters that copying from web pages leaves behind.
func blank(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200e', '\u200f', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// fold maps a rune to the form the matchers expect: full-width ASCII to
// ASCII, CJK brackets to square brackets, every blank to a space.
func fold(r rune) rune {
	switch {
	case blank(r):
		return ' '
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	}
	switch r {
	case '【', '〔', '〖', '［':
		return '['
	case '】', '〕', '〗', '］':
		return ']'
	case '﹕', '︰':
		return ':'
	}
	return r
}

// trimSpan shrinks [a, b) of s past blanks at both ends.
func trimSpan(s []rune, a, b int) (int, int) {
	for a < b && s[a] == ' ' {
		a++
	}
	for b > a && s[b-1] == ' ' {
		b--
	}
	return a, b
}

// blankLine reports whether the line has no content.
func (l *srcLine) blankLine() bool { return l.a >= l.b }

// cut returns the text of runes [a, b) exactly as written.
func (l *srcLine) cut(a, b int) string {
	if a >= b {
		return ""
	}
	return l.text[l.off[a]:l.off[b]]
}

// trimmed returns the line without surrounding blanks, as written.
func (l *srcLine) trimmed() string { return l.cut(l.a, l.b) }

// key normalises a name for comparison: folded, blanks collapsed, Latin
// letters lower-cased.
func key(s []rune) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// foldString folds a string for matching against word lists.
func foldString(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, fold(r))
	}
	return out
}

// joinLines joins the trimmed lines [from, to) with \n, dropping blank
// lines at both ends; inner blank lines are kept empty.
func joinLines(lines []srcLine, from, to int) string {
	for from < to && lines[from].blankLine() {
		from++
	}
	for to > from && lines[to-1].blankLine() {
		to--
	}
	var b strings.Builder
	for i := from; i < to; i++ {
		if i > from {
			b.WriteByte('\n')
		}
		b.WriteString(lines[i].trimmed())
	}
	return b.String()
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
