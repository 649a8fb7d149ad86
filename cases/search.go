package cases

import (
	"strings"
	"unicode"
)

// maxSearchTerms bounds the terms taken from one query; more only slow the
// search down without narrowing it further in practice.
const maxSearchTerms = 8

// isCJK reports whether r is written without spaces between words (Han,
// kana, Hangul), so that words have to be found as character n-grams.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// SearchTerms splits text into the terms the search index holds: lower-case
// Latin words and numbers, and for CJK runs every single character and every
// overlapping pair of characters. A two-character Chinese word (破损, 退款)
// is then one exact term of the index instead of a sequential scan.
func SearchTerms(text string) []string {
	var terms []string
	var word []rune
	var run []rune
	flushWord := func() {
		if len(word) > 0 {
			terms = append(terms, strings.ToLower(string(word)))
			word = word[:0]
		}
	}
	flushRun := func() {
		for i := range run {
			terms = append(terms, string(run[i]))
			if i+1 < len(run) {
				terms = append(terms, string(run[i:i+2]))
			}
		}
		run = run[:0]
	}
	for _, r := range text {
		switch {
		case isCJK(r):
			flushWord()
			run = append(run, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushRun()
			word = append(word, r)
		default:
			flushWord()
			flushRun()
		}
	}
	flushWord()
	flushRun()
	return terms
}

// SearchDocument is the text whose to_tsvector('simple', …) the store keeps
// in a case's search column, so that bulk loaders build the same index.
func SearchDocument(c Case) string { return searchDocument(c) }

// searchDocument is the text stored as the case's tsvector source.
func searchDocument(c Case) string {
	var b strings.Builder
	for _, field := range []string{c.Ref, c.ExternalID, c.OrderRef, c.BuyerHandle, c.Shop, c.Summary, c.Review.Text, c.Account} {
		for _, t := range SearchTerms(field) {
			b.WriteString(t)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// SearchQuery turns what a user typed into a tsquery: every term must
// match. A CJK run matches by its overlapping pairs (or its one character);
// the last Latin word also matches as a prefix, so typing "refu" finds
// "refund". It returns "" when nothing searchable was typed.
func SearchQuery(q string) string {
	var parts []string
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] && len(parts) < maxSearchTerms {
			seen[t] = true
			parts = append(parts, t)
		}
	}
	var word []rune
	var run []rune
	lastLatin := -1
	flushWord := func() {
		if len(word) > 0 {
			add(strings.ToLower(string(word)))
			lastLatin = len(parts) - 1
			word = word[:0]
		}
	}
	flushRun := func() {
		if len(run) == 1 {
			add(string(run))
		}
		for i := 0; i+1 < len(run); i++ {
			add(string(run[i : i+2]))
		}
		run = run[:0]
	}
	for _, r := range q {
		switch {
		case isCJK(r):
			flushWord()
			run = append(run, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushRun()
			word = append(word, r)
		default:
			flushWord()
			flushRun()
		}
	}
	flushWord()
	flushRun()
	if lastLatin != len(parts)-1 {
		lastLatin = -1 // only a word the user is still typing is a prefix
	}
	for i, p := range parts {
		// Terms hold only letters and digits, so quoting is safe.
		parts[i] = "'" + p + "'"
		if i == lastLatin {
			parts[i] += ":*"
		}
	}
	return strings.Join(parts, " & ")
}
