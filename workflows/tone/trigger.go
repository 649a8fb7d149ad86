package tone

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// Go's regexp scans a text in linear time but does not skip ahead to the
// literals an alternation needs, so forty-odd rules cost a millisecond per
// text. Most texts trip few rules. A rule's trigger lists what every match
// must contain — one string of each clause — so Check skips a rule with a
// few substring searches when its trigger is not met. A review-tied rule,
// for instance, needs a review word and a remedy word.

// maxTriggers bounds the strings of one clause.
const maxTriggers = 64

// maxClauses bounds the clauses of a trigger; the most selective are kept.
const maxClauses = 4

// selective is the length in bytes from which a string (two Chinese
// characters, six letters) is rare enough that a shorter clause of such
// strings beats a longer clause of longer ones.
const selective = 6

// trigger is a conjunction of clauses, each a disjunction of strings. A nil
// trigger is always met.
type trigger [][]string

// literals finds, in one pass over a view, which of the strings the rules'
// triggers name occur in it.
type literals struct {
	lits    []string
	byFirst map[rune][]int // ids of the strings that start with a rune
}

// add returns the id of lit, adding it when new.
func (l *literals) add(lit string, ids map[string]int) int {
	if id, ok := ids[lit]; ok {
		return id
	}
	id := len(l.lits)
	ids[lit] = id
	l.lits = append(l.lits, lit)
	r, _ := utf8.DecodeRuneInString(lit)
	if l.byFirst == nil {
		l.byFirst = map[rune][]int{}
	}
	l.byFirst[r] = append(l.byFirst[r], id)
	return id
}

// find reports, per string id, whether the string occurs in s.
func (l *literals) find(s string) []bool {
	found := make([]bool, len(l.lits))
	for i, r := range s {
		for _, id := range l.byFirst[r] {
			if !found[id] && strings.HasPrefix(s[i:], l.lits[id]) {
				found[id] = true
			}
		}
	}
	return found
}

// idTrigger is a trigger with its strings replaced by literal ids.
type idTrigger [][]int

// met reports whether every clause has a string that was found.
func (t idTrigger) met(found []bool) bool {
	for _, clause := range t {
		if !slices.ContainsFunc(clause, func(id int) bool { return found[id] }) {
			return false
		}
	}
	return true
}

// triggerOf analyses a pattern; nil when nothing is known.
func triggerOf(pattern string) trigger {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	return analyse(re).clauses()
}

// litInfo describes what a piece of a pattern matches: exact, when known and
// small, is every string it can match; req are clauses every match meets.
type litInfo struct {
	exact []string
	req   trigger
}

// clauses returns req, with exact as a clause of its own when it is one.
func (in litInfo) clauses() trigger {
	t := slices.Clone(in.req)
	if in.exact != nil && !slices.Contains(in.exact, "") {
		t = append(t, in.exact)
	}
	return prune(t)
}

// prune drops repeated clauses and keeps the most selective few.
func prune(t trigger) trigger {
	t = slices.DeleteFunc(t, func(c []string) bool { return len(c) == 0 || slices.Contains(c, "") })
	slices.SortStableFunc(t, func(a, b []string) int {
		switch {
		case moreSelective(a, b):
			return -1
		case moreSelective(b, a):
			return 1
		}
		return 0
	})
	var kept trigger
	for _, c := range t {
		if !slices.ContainsFunc(kept, func(k []string) bool { return implies(k, c) }) && len(kept) < maxClauses {
			kept = append(kept, c)
		}
	}
	return kept
}

// implies reports whether meeting clause a means meeting b: every string of
// a contains one of b.
func implies(a, b []string) bool {
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y string) bool { return strings.Contains(x, y) }) {
			return false
		}
	}
	return true
}

// moreSelective reports whether clause a is a better filter than b (nil b
// is the worst).
func moreSelective(a, b []string) bool {
	if b == nil {
		return a != nil
	}
	if a == nil {
		return false
	}
	ma, mb := minLen(a), minLen(b)
	if ma >= selective && mb >= selective && len(a) != len(b) {
		return len(a) < len(b)
	}
	if ma != mb {
		return ma > mb
	}
	return len(a) < len(b)
}

func product(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return dedupe(out)
}

func union(a, b []string) []string { return dedupe(append(slices.Clone(a), b...)) }

func dedupe(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}

func minLen(ss []string) int {
	m := -1
	for _, s := range ss {
		if m < 0 || len(s) < m {
			m = len(s)
		}
	}
	return m
}

func analyse(re *syntax.Regexp) litInfo {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return litInfo{}
		}
		return litInfo{exact: []string{string(re.Rune)}}
	case syntax.OpCharClass:
		var rs []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(rs) >= 8 {
					return litInfo{}
				}
				rs = append(rs, string(r))
			}
		}
		return litInfo{exact: rs}
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return litInfo{exact: []string{""}}
	case syntax.OpCapture:
		return analyse(re.Sub[0])
	case syntax.OpQuest:
		if sub := analyse(re.Sub[0]); sub.exact != nil {
			return litInfo{exact: union(sub.exact, []string{""})}
		}
		return litInfo{}
	case syntax.OpPlus:
		return litInfo{req: analyse(re.Sub[0]).clauses()}
	case syntax.OpRepeat:
		sub := analyse(re.Sub[0])
		if re.Min == 1 && re.Max == 1 {
			return sub
		}
		if re.Min >= 1 {
			return litInfo{req: sub.clauses()}
		}
		return litInfo{}
	case syntax.OpAlternate:
		// A match meets one alternative. With few alternatives, (a1∧b1) ∨
		// (a2∧b2) becomes (a1∨a2)∧(a1∨b2)∧(b1∨a2)∧(b1∨b2) over each one's
		// two best clauses, so a rule needing two words keeps needing both;
		// with many, the union of each one's best clause remains.
		var exact []string
		allExact, allKnown := true, true
		var parts []trigger
		for _, sub := range re.Sub {
			in := analyse(sub)
			if in.exact != nil {
				exact = union(exact, in.exact)
			} else {
				allExact = false
			}
			cs := in.clauses()
			allKnown = allKnown && len(cs) > 0
			parts = append(parts, cs)
		}
		var out litInfo
		if allExact && len(exact) <= maxTriggers {
			out.exact = exact
		}
		if !allKnown {
			return out
		}
		keep := 1
		if len(parts) <= 4 {
			keep = 2
		}
		req := trigger{nil}
		for _, cs := range parts {
			var next trigger
			for _, c := range req {
				for _, d := range cs[:min(keep, len(cs))] {
					if u := union(c, d); len(u) <= maxTriggers {
						next = append(next, u)
					}
				}
			}
			req = next
		}
		out.req = prune(req)
		return out
	case syntax.OpConcat:
		// Every child's clauses hold for the whole, and so do products of
		// runs of exact neighbours ("自" then "己|个" gives 自己, 自个).
		infos := make([]litInfo, len(re.Sub))
		for k, sub := range re.Sub {
			infos[k] = analyse(sub)
		}
		var req trigger
		whole := []string{""}
		for k, in := range infos {
			req = append(req, in.req...)
			if whole != nil && in.exact != nil && len(whole)*len(in.exact) <= maxTriggers {
				whole = product(whole, in.exact)
			} else {
				whole = nil
			}
			var best []string
			run := in.exact
			if !slices.Contains(run, "") {
				best = run
			}
			for _, next := range infos[k+1:] {
				if run == nil || next.exact == nil || len(run)*len(next.exact) > maxTriggers {
					break
				}
				run = product(run, next.exact)
				if !slices.Contains(run, "") && moreSelective(run, best) {
					best = run
				}
			}
			if best != nil {
				req = append(req, best)
			}
		}
		return litInfo{exact: whole, req: prune(req)}
	}
	return litInfo{}
}
