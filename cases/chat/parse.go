package chat

import (
	"time"
)

// parser holds a paste's lines and what each line could be.
type parser struct {
	lines     []srcLine
	loc       *time.Location
	stamps    []*stamp // the line is a time stamp alone
	decorated []bool   // … with rules or brackets around it
	names     []*span  // the line can be a name alone
	notice    []bool   // the line is a platform notice
}

// layoutResult is one layout's reading of the paste.
type layoutResult struct {
	layout string
	heads  []*cand
	// anySep lets time lines above a header belong to it (layouts whose
	// headers carry no time of their own); otherwise only date lines do.
	anySep bool
	score  int
	doubt  bool // a candidate could not be decided either way
}

func parse(text string, loc *time.Location) Transcript {
	if len(text) > maxBytes {
		return unparsed()
	}
	lines := splitLines(text)
	if len(lines) > maxLines {
		return unparsed()
	}
	p := &parser{lines: lines, loc: loc}
	n := len(lines)
	p.stamps, p.decorated = make([]*stamp, n), make([]bool, n)
	p.names, p.notice = make([]*span, n), make([]bool, n)
	for i := range lines {
		l := &lines[i]
		if l.blankLine() {
			continue
		}
		if st, deco, ok := stampOnlyLine(l); ok {
			p.stamps[i], p.decorated[i] = st, deco
		}
		p.notice[i] = isNotice(l.norm[l.a:l.b])
		if sp, ok := nameOnlyLine(l); ok && !p.notice[i] && !isPlaceholder(l.norm[l.a:l.b]) {
			p.names[i] = &sp
		}
	}
	var best *layoutResult
	for _, r := range []*layoutResult{
		p.simple(LayoutNameTime, nameTimeHeader, acceptRules{oneOffs: true, needBody: true}),
		p.simple(LayoutTimeName, timeNameHeader, acceptRules{oneOffs: true, needBody: true}),
		p.simple(LayoutInline, inlineHeader, acceptRules{oneOffs: true}),
		p.simple(LayoutTable, tableRow, acceptRules{oneOffs: true}),
		p.stacked(true),
		p.stacked(false),
		p.nameColon(),
	} {
		if r == nil || len(r.heads) == 0 {
			continue
		}
		p.attachSeparators(r)
		r.score = p.score(r)
		if (best == nil || r.score > best.score) && p.confident(r) {
			best = r
		}
	}
	if best != nil && best.anySep {
		// A time line after the last message means times stand below the
		// messages they belong to, not above: every time would be given
		// to the wrong message.
		last := len(p.lines) - 1
		for last >= 0 && p.lines[last].blankLine() {
			last--
		}
		h := best.heads[len(best.heads)-1]
		if last > h.last && p.stamps[last] != nil && p.stamps[last].hasTime {
			best.doubt = true
		}
	}
	if best == nil || best.doubt {
		// The layout that explains the paste best has a line that may or
		// may not start a message: keeping the raw text is safer than
		// guessing.
		return unparsed()
	}
	return p.assemble(best)
}

// simple collects one-line header candidates with f and accepts them.
func (p *parser) simple(layout string, f func(*srcLine, int) (*cand, bool), r acceptRules) *layoutResult {
	var cs []*cand
	for i := range p.lines {
		if p.lines[i].blankLine() {
			continue
		}
		if c, ok := f(&p.lines[i], i); ok {
			cs = append(cs, c)
		}
	}
	accept(p.lines, cs, r)
	out := &layoutResult{layout: layout, heads: accepted(cs)}
	for _, c := range cs {
		out.doubt = out.doubt || c.doubt
	}
	return out
}

func accepted(cs []*cand) []*cand {
	var out []*cand
	for _, c := range cs {
		if !c.rejected {
			out = append(out, c)
		}
	}
	return out
}

// attachSeparators gives each header the time and date lines standing
// just above it.
func (p *parser) attachSeparators(r *layoutResult) {
	full := 0
	for _, h := range r.heads {
		if h.st != nil && h.st.kind == dateFull {
			full++
		}
	}
	fullDates := full*2 > len(r.heads)
	prevEnd := -1
	for _, h := range r.heads {
		for k := h.first - 1; k > prevEnd; k-- {
			if p.lines[k].blankLine() {
				continue
			}
			st := p.stamps[k]
			if st == nil || !(r.anySep || !st.hasTime && (p.decorated[k] || !fullDates)) {
				break
			}
			h.first = k
			if h.st == nil && st.hasTime {
				h.st, h.stLine = st, k
			}
		}
		prevEnd = h.last
	}
}

// score says how well a layout explains the paste: believed headers count
// for it, text it must leave before the first message or time lines it
// leaves inside messages count against it.
func (p *parser) score(r *layoutResult) int {
	s := 0
	for i, h := range r.heads {
		s += 2
		if h.known {
			s += 2
		}
		if h.st != nil {
			s++
		}
		if p.hasMessage(r, i) {
			s++
		} else {
			s--
		}
	}
	s -= 2 * p.preambleLines(r)
	inHeader := map[int]bool{}
	for _, h := range r.heads {
		for k := h.first; k <= h.last; k++ {
			inHeader[k] = true
		}
	}
	for i := r.heads[0].first; i < len(p.lines); i++ {
		if p.stamps[i] != nil && !inHeader[i] {
			s -= 2
		}
	}
	return s
}

func (p *parser) preambleLines(r *layoutResult) int {
	n := 0
	for i := 0; i < r.heads[0].first; i++ {
		if !p.lines[i].blankLine() && !p.notice[i] {
			n++
		}
	}
	return n
}

// confident reports whether the best layout explains enough of the paste
// to be believed.
func (p *parser) confident(r *layoutResult) bool {
	pre := p.preambleLines(r)
	if pre > min(12, 2+2*len(r.heads)) {
		return false
	}
	if len(r.heads) == 1 && pre > 1 {
		return false
	}
	for i := range r.heads {
		if p.hasMessage(r, i) {
			return true
		}
	}
	return false
}

// hasMessage reports whether header i of r has any text under it.
func (p *parser) hasMessage(r *layoutResult, i int) bool {
	h := r.heads[i]
	end := len(p.lines)
	if i+1 < len(r.heads) {
		end = r.heads[i+1].first
	}
	if h.msgCol >= 0 && h.msgCol < p.lines[h.last].b {
		return true
	}
	for k := h.last + 1; k < end; k++ {
		if !p.lines[k].blankLine() {
			return true
		}
	}
	return false
}
