package chat

import "strings"

// span is a range of runes [a, b) within one line.
type span struct{ a, b int }

// cand is a candidate header: where a message may start, who says it and
// when. A layout collects candidates; accept decides which to believe.
type cand struct {
	first, last int // lines of the header material
	line        int // the line that holds the name
	msgCol      int // rune on line last where the message starts; -1: the next line
	opts        []span
	msgs        []int // where the message starts for each of opts (inline forms)
	name        span
	key         string
	st          *stamp
	stLine      int    // the line of st
	shape       string // the header's full format
	clock       string // the header's form and clock format
	// bracketed says the shape alone shows a header ("[10:01] 小王: …"
	// at the start of a line is never prose).
	bracketed bool
	system    bool // the name is the platform's
	rejected  bool
	known     bool
	// doubt marks a header that may or may not be one: a parse that
	// depends on the answer is not confident.
	doubt bool
}

const (
	maxHeaderRunes = 100 // a header line is short
	maxNameRunes   = 32
)

// headerSep are the runes that may stand between a name and a time.
func headerSep(r rune) bool { return strings.ContainsRune(" -·|•—–,", r) }

// trimName shrinks a name span past blanks and separators at both ends.
func trimName(s []rune, a, b int) (int, int) {
	for a < b && headerSep(s[a]) {
		a++
	}
	for b > a && headerSep(s[b-1]) {
		b--
	}
	return a, b
}

// isStamp reports whether runes [a, b) are a time stamp and nothing else.
func isStamp(s []rune, a, b int) bool {
	st, ok := parseStamp(s, a, b)
	return ok && st.b == b
}

// stampAtEnd finds a time stamp (with a time of day) that ends exactly at
// e, either bare after a space or in brackets; it returns where the name
// before it ends.
func stampAtEnd(s []rune, a, e int) (nameEnd int, st stamp, form string, ok bool) {
	if e-a < 3 {
		return 0, st, "", false
	}
	if c := s[e-1]; c == ')' || c == ']' {
		open := '('
		if c == ']' {
			open = '['
		}
		o := -1
		for i := e - 2; i > a; i-- {
			if s[i] == open {
				o = i
				break
			}
		}
		if o < 0 {
			return 0, st, "", false
		}
		ia, ib := trimSpan(s, o+1, e-1)
		st, ok := parseStamp(s, ia, ib)
		if !ok || st.b != ib || !st.hasTime {
			return 0, st, "", false
		}
		return o, st, "paren", true
	}
	for j := a + 1; j < e; j++ {
		if s[j-1] != ' ' || s[j] == ' ' {
			continue
		}
		st, ok := parseStamp(s, j, e)
		if ok && st.b == e && st.hasTime {
			return j, st, "space", true
		}
	}
	return 0, st, "", false
}

// nameTimeHeader reads "name time", "name (time):" or "name · time" alone
// on a line.
func nameTimeHeader(l *srcLine, i int) (*cand, bool) {
	s, a, e := l.norm, l.a, l.b
	if e-a > maxHeaderRunes || e-a < 3 {
		return nil, false
	}
	colon := ""
	if s[e-1] == ':' {
		colon = ":"
		_, e = trimSpan(s, a, e-1)
	}
	nameEnd, st, form, ok := stampAtEnd(s, a, e)
	if !ok {
		return nil, false
	}
	na, nb := trimName(s, a, nameEnd)
	if na >= nb || nb-na > maxNameRunes || isStamp(s, na, nb) {
		return nil, false
	}
	c := &cand{first: i, last: i, line: i, msgCol: -1, opts: []span{{na, nb}}, st: &st, stLine: i}
	c.setShape("nt-"+form+colon, &st)
	return c, true
}

func (c *cand) setShape(form string, st *stamp) {
	if st == nil {
		c.shape, c.clock = form, form
		return
	}
	c.shape = form + "|" + st.shape
	c.clock = form + "|" + st.clockShape()
}

// leadingStamp reads a time stamp (with a time of day) at the start of the
// line, bare or in brackets, and returns where the rest begins.
func leadingStamp(l *srcLine) (st stamp, rest int, form string, ok bool) {
	s, a, b := l.norm, l.a, l.b
	if b-a < 3 {
		return st, 0, "", false
	}
	form = "bare"
	var close rune
	switch s[a] {
	case '[':
		close, form = ']', "bracket"
		a = skipSpaces(s, a+1, b)
	case '(':
		close, form = ')', "paren"
		a = skipSpaces(s, a+1, b)
	}
	st, ok = parseStamp(s, a, b)
	if !ok || !st.hasTime {
		return st, 0, "", false
	}
	k := skipSpaces(s, st.b, b)
	if close != 0 {
		if k >= b || s[k] != close {
			return st, 0, "", false
		}
		k = skipSpaces(s, k+1, b)
	} else if k == st.b && k < b {
		// a bare time needs a blank before the name
		return st, 0, "", false
	}
	return st, k, form, true
}

// timeNameHeader reads "time name" or "[time] name:" alone on a line.
func timeNameHeader(l *srcLine, i int) (*cand, bool) {
	if l.b-l.a > maxHeaderRunes {
		return nil, false
	}
	st, k, form, ok := leadingStamp(l)
	if !ok {
		return nil, false
	}
	s, e := l.norm, l.b
	colon := ""
	if e > k && s[e-1] == ':' {
		colon = ":"
		e--
	}
	na, nb := trimName(s, k, e)
	if na >= nb || nb-na > maxNameRunes {
		return nil, false
	}
	c := &cand{first: i, last: i, line: i, msgCol: -1, opts: []span{{na, nb}}, st: &st, stLine: i}
	c.setShape("tn-"+form+colon, &st)
	return c, true
}

// colonNames lists the names a line may start with before a colon at or
// after a, within limit runes: "旗舰店:小美：亲" offers "旗舰店" and
// "旗舰店:小美". Each comes with the rune where its message starts.
func colonNames(s []rune, a, b, limit int) (names []span, msgs []int) {
	end := min(b, a+limit)
	for c := a + 1; c < end; c++ {
		if s[c] != ':' {
			continue
		}
		if isDigit(s[c-1]) && c+1 < b && isDigit(s[c+1]) {
			continue // a time of day
		}
		if c+1 < b && s[c+1] == '/' {
			continue // a URL
		}
		na, nb := trimSpan(s, a, c)
		if na >= nb || !judgeName(s[na:nb]).ok {
			continue
		}
		names = append(names, span{na, nb})
		msgs = append(msgs, skipSpaces(s, c+1, b))
	}
	return names, msgs
}

// inlineHeader reads a message line that carries its header:
// "[time] name: message", "time name: message" or "name (time): message".
func inlineHeader(l *srcLine, i int) (*cand, bool) {
	s, a, b := l.norm, l.a, l.b
	if st, k, form, ok := leadingStamp(l); ok {
		names, msgs := colonNames(s, k, b, maxNameRunes+2)
		if len(names) == 0 {
			return nil, false
		}
		c := &cand{first: i, last: i, line: i, opts: names, st: &st, stLine: i, bracketed: form == "bracket"}
		c.msgCol = msgs[0]
		c.setShape("in-"+form, &st)
		c.msgs = msgs
		return c, true
	}
	end := min(b, a+maxHeaderRunes)
	for c := a + 1; c < end; c++ {
		if s[c] != ':' || isDigit(s[c-1]) && c+1 < b && isDigit(s[c+1]) {
			continue
		}
		_, e := trimSpan(s, a, c)
		nameEnd, st, form, ok := stampAtEnd(s, a, e)
		if !ok {
			continue
		}
		na, nb := trimName(s, a, nameEnd)
		if na >= nb || nb-na > maxNameRunes {
			return nil, false
		}
		h := &cand{first: i, last: i, line: i, opts: []span{{na, nb}}, st: &st, stLine: i, bracketed: form == "paren"}
		h.msgCol = skipSpaces(s, c+1, b)
		h.msgs = []int{h.msgCol}
		h.setShape("in-name-"+form, &st)
		return h, true
	}
	return nil, false
}

// tableRow reads a row copied from a table: cells separated by tabs, a
// sender and a time in the first two cells (either order), the message in
// the rest.
func tableRow(l *srcLine, i int) (*cand, bool) {
	var cells []span
	s := l.norm
	start := l.a
	for k := l.a; k <= l.b; k++ {
		if k == l.b || l.tab[k] {
			if k > start || k == l.b {
				ca, cb := trimSpan(s, start, k)
				cells = append(cells, span{ca, cb})
			}
			if len(cells) == 3 {
				break
			}
			start = k + 1
		}
	}
	if len(cells) < 2 || !strings.ContainsRune(l.text, '\t') {
		return nil, false
	}
	msg := l.b
	if len(cells) == 3 {
		msg = cells[2].a
	}
	stampCell := func(c span) (*stamp, bool) {
		st, ok := parseStamp(s, c.a, c.b)
		return &st, ok && st.hasTime && st.b == c.b && c.a < c.b
	}
	nameCell := func(c span) bool { return c.a < c.b && judgeName(s[c.a:c.b]).ok }
	if st, ok := stampCell(cells[0]); ok && nameCell(cells[1]) {
		c := &cand{first: i, last: i, line: i, opts: []span{cells[1]}, st: st, stLine: i, msgCol: msg, msgs: []int{msg}}
		c.setShape("tab-tn", st)
		return c, true
	}
	if st, ok := stampCell(cells[1]); ok && nameCell(cells[0]) {
		c := &cand{first: i, last: i, line: i, opts: []span{cells[0]}, st: st, stLine: i, msgCol: msg, msgs: []int{msg}}
		c.setShape("tab-nt", st)
		return c, true
	}
	return nil, false
}

// nameColonLine reads "name: message" or "name:" alone.
func nameColonLine(l *srcLine, i int) (*cand, bool) {
	names, msgs := colonNames(l.norm, l.a, l.b, maxNameRunes+2)
	if len(names) == 0 {
		return nil, false
	}
	c := &cand{first: i, last: i, line: i, opts: names, msgs: msgs, msgCol: msgs[0]}
	c.setShape("nc", nil)
	return c, true
}

// nameOnlyLine reports the name span when the whole line can be a name.
func nameOnlyLine(l *srcLine) (span, bool) {
	s, a, b := l.norm, l.a, l.b
	if b-a > 24 || a >= b {
		return span{}, false
	}
	if s[b-1] == ':' {
		_, b = trimSpan(s, a, b-1)
	}
	if a >= b || !judgeName(s[a:b]).ok {
		return span{}, false
	}
	if st, ok := parseStamp(s, a, b); ok && st.b == b {
		return span{}, false
	}
	return span{a, b}, true
}

// stampOnlyLine reports the stamp when the whole line is a time stamp,
// perhaps decorated: "2026-11-20 10:01:02", "[14:03]", "—— 2026年11月20日 ——",
// "昨天 下午2:03", "Today".
func stampOnlyLine(l *srcLine) (*stamp, bool, bool) {
	s, a, b := l.norm, l.a, l.b
	if b-a > 60 || a >= b {
		return nil, false, false
	}
	deco := func(r rune) bool { return isDecor(r) || strings.ContainsRune("[]()<>《》", r) }
	for a < b && deco(s[a]) {
		a++
	}
	for b > a && deco(s[b-1]) {
		b--
	}
	if a >= b {
		return nil, false, false
	}
	st, ok := parseStamp(s, a, b)
	if !ok || st.b != b {
		return nil, false, false
	}
	return &st, a != l.a || b != l.b, true
}
