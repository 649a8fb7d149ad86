package store

import (
	"slices"
	"strconv"
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

// searchFewMax is where a search changes strategy (searchQuery): up to
// this many matches are fetched and sorted; beyond it the list is read in
// its order and each case's words tested, until the page is full.
const searchFewMax = 5000

// searchQuery is a list of the words tsq, of the conditions b, in b's
// order, cut at limit. Its cost must not depend on the planner guessing how
// many cases match: a rare word read in due order meant walking a million
// cases for the few that matched (1.4 s), a common one fetched and sorted a
// quarter of a million. So the statement finds out first, with bounded
// work: m takes at most fewMax+1 matches from the words index (the
// filters and the cursor applied). When there are no more than
// fewMax (searchFewMax), they are the whole answer, fetched by id and sorted. When
// there are more, matches are dense enough that reading the list in its
// order through a btree index (ts_match_vq, the function behind @@, cannot
// use the words index, so the planner cannot walk that instead) fills a
// page after some limit×(cases/matches) rows. Only one branch runs: each
// is gated by a one-time filter on m's count.
func searchQuery(b *listSQL, tsq string, fewMax, limit int, split bool) string {
	tq := "to_tsquery('simple', " + b.arg(tsq) + ")"
	lim := b.arg(limit)
	outer := ` ORDER BY ` + strings.ReplaceAll(b.order, "c.", "") + ` LIMIT ` + lim
	if !split {
		m, parts := searchParts(b, b.where, "m", tq, lim, fewMax, "")
		return `WITH ` + m + ` ` + parts + outer
	}
	// Every state in due order: open cases, which all have a due time,
	// come first, closed ones (mostly without) after. Each is counted and
	// read apart, and the closed ones only when the open ones do not fill
	// the page (or when some closed case kept a due time, and so may sort
	// among them): a rare word's page is then its few hundred open cases,
	// not thousands of closed ones counted for nothing.
	open := append(slices.Clip(b.where), "c.state <> 'closed'")
	if b.openAfter != "" {
		open = append(open, b.openAfter)
	}
	mo, openParts := searchParts(b, open, "mo", tq, lim, fewMax, "")
	closedGate := `((SELECT count(*) FROM mo) < ` + lim +
		` OR EXISTS (SELECT 1 FROM cases WHERE state = 'closed' AND due_at IS NOT NULL))`
	mc, closedParts := searchParts(b, append(slices.Clip(b.where), "c.state = 'closed'"), "mc", tq, lim, fewMax, closedGate)
	return `WITH ` + mo + `, ` + mc + ` ` + openParts + ` UNION ALL ` + closedParts + outer
}

// searchParts is searchQuery's probe named name over the conditions where,
// as a WITH item, and its two gated branches; gate, when given, must hold
// too for either to run.
func searchParts(b *listSQL, where []string, name, tq, lim string, fewMax int, gate string) (with, parts string) {
	few := strconv.Itoa(fewMax)
	key, keyOrder := "c.due_at", "k ASC NULLS LAST, id ASC"
	if strings.HasPrefix(b.order, "c.created_at") {
		key, keyOrder = "c.created_at", "k DESC, id DESC"
	}
	// The probe's words are a sub-select, whose value the planner does not
	// see: it plans for a rare term, so always a bitmap of the words and
	// filters index (cases_search_filters_idx), never a sequential scan
	// that stops after fewMax+1 matches — which, with a filter the words
	// rarely meet, read the whole table.
	with = name + ` AS MATERIALIZED (SELECT c.id, ` + key + ` AS k FROM cases c WHERE ` +
		strings.Join(append(slices.Clip(where), "c.search @@ (SELECT "+tq+")"), " AND ") +
		` LIMIT ` + strconv.Itoa(fewMax+1) + `)`
	gates := func(cond string) string {
		if gate == "" {
			return cond
		}
		return gate + ` AND ` + cond
	}
	count := `(SELECT count(*) FROM ` + name + `)`
	fewPart := `SELECT ` + caseColumns + ` FROM cases c JOIN (SELECT id, k FROM ` + name + ` WHERE ` + gates(count+` <= `+few) +
		` ORDER BY ` + keyOrder + ` LIMIT ` + lim + `) p ON p.id = c.id`
	manyPart := listQuery(append(slices.Clip(where), "ts_match_vq(c.search, "+tq+")", gates(count+` > `+few)),
		b.order, lim, false, "")
	return with, `(` + fewPart + `) UNION ALL (` + manyPart + `)`
}
