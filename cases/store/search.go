package store

import (
	"strings"
	"unicode"

	"redress/cases"
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

// searchTokens calls yield with each searchable part of text, in order: a
// Latin word or number, lower-cased, or a run of CJK characters (cjk true),
// whose words have to be found as character n-grams. Everything else
// separates them. SearchTerms and SearchQuery split text the same way
// through it, so that what is typed finds what was stored.
func searchTokens(text string, yield func(tok string, cjk bool)) {
	var tok []rune
	cjk := false
	flush := func() {
		switch {
		case len(tok) == 0:
			return
		case cjk:
			yield(string(tok), true)
		default:
			yield(strings.ToLower(string(tok)), false)
		}
		tok = tok[:0]
	}
	for _, r := range text {
		c := isCJK(r)
		if !c && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if c != cjk {
			flush()
			cjk = c
		}
		tok = append(tok, r)
	}
	flush()
}

// SearchTerms splits text into the terms the search index holds: lower-case
// Latin words and numbers, and for CJK runs every single character and every
// overlapping pair of characters. A two-character Chinese word (破损, 退款)
// is then one exact term of the index instead of a sequential scan.
func SearchTerms(text string) []string {
	var terms []string
	searchTokens(text, func(tok string, cjk bool) {
		if !cjk {
			terms = append(terms, tok)
			return
		}
		run := []rune(tok)
		for i := range run {
			terms = append(terms, string(run[i]))
			if i+1 < len(run) {
				terms = append(terms, string(run[i:i+2]))
			}
		}
	})
	return terms
}

// SearchDocument is the text whose to_tsvector('simple', …) the store keeps
// in a case's search column, so that bulk loaders build the same index.
func SearchDocument(c cases.Case) string {
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
	lastLatin := -1
	searchTokens(q, func(tok string, cjk bool) {
		if !cjk {
			add(tok)
			lastLatin = len(parts) - 1
			return
		}
		run := []rune(tok)
		if len(run) == 1 {
			add(tok)
		}
		for i := 0; i+1 < len(run); i++ {
			add(string(run[i : i+2]))
		}
	})
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
