package chat

import (
	"sort"
	"strings"
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

// nextContent returns the next non-blank line after i, or -1.
func (p *parser) nextContent(i int) int {
	for k := i + 1; k < len(p.lines); k++ {
		if !p.lines[k].blankLine() {
			return k
		}
	}
	return -1
}

func (p *parser) prevContent(i int) int {
	for k := i - 1; k >= 0; k-- {
		if !p.lines[k].blankLine() {
			return k
		}
	}
	return -1
}

// stacked reads names on lines of their own. With nameFirst the time is on
// the line after the name (Douyin 飞鸽, Shopify, Amazon), and a name
// without its time is taken for a message. Otherwise times stand above the
// names and are optional (WeChat time separators), so names are believed
// only when they recur or are named like a chat party.
func (p *parser) stacked(nameFirst bool) *layoutResult {
	used := map[int]bool{}
	var cs []*cand
	for i := range p.lines {
		sp := p.names[i]
		if sp == nil || used[i] {
			continue
		}
		t := p.prevContent(i)
		if nameFirst {
			t = p.nextContent(i)
		}
		if t >= 0 && p.stamps[t] != nil && p.stamps[t].hasTime && !used[t] && p.names[t] == nil {
			c := &cand{first: min(i, t), last: max(i, t), line: i, msgCol: -1, opts: []span{*sp}, st: p.stamps[t], stLine: t}
			c.setShape("st", c.st)
			used[t], used[i] = true, true
			cs = append(cs, c)
			continue
		}
		if nameFirst {
			continue
		}
		c := &cand{first: i, last: i, line: i, msgCol: -1, opts: []span{*sp}}
		c.setShape("st-untimed", nil)
		cs = append(cs, c)
	}
	accept(p.lines, cs, acceptRules{oneOffs: true, needBody: true, exactRoles: !nameFirst})
	layout := &layoutResult{layout: LayoutStacked, anySep: !nameFirst}
	if !nameFirst {
		p.rescue(cs, false)
	}
	layout.heads = accepted(cs)
	for _, c := range cs {
		layout.doubt = layout.doubt || c.doubt
	}
	if !nameFirst {
		p.dropBodyNames(layout)
		// Without times beside every name, a paste of short lines could
		// pass for names: it takes two people talking.
		keys, untimed := map[string]bool{}, false
		for _, h := range layout.heads {
			keys[h.key] = true
			untimed = untimed || h.st == nil
		}
		if len(keys) < 2 && untimed {
			layout.heads = nil
		}
	}
	return layout
}

// dropBodyNames rejects names that are really short messages: when a
// recurring "name" keeps following another header without a message in
// between (a buyer answering "好的" twice), it is the message.
func (p *parser) dropBodyNames(r *layoutResult) {
	for {
		isHead := map[int]*cand{}
		for _, h := range r.heads {
			isHead[h.last] = h
		}
		sus := map[string]int{}
		for _, h := range r.heads {
			k := h.first - 1
			for k >= 0 && (p.lines[k].blankLine() || p.stamps[k] != nil && isHead[k] == nil) {
				k--
			}
			if k >= 0 && isHead[k] != nil {
				sus[h.key]++
			}
		}
		worst := most(sus)
		if worst == "" {
			return
		}
		var keep []*cand
		for _, h := range r.heads {
			if h.key != worst {
				keep = append(keep, h)
			}
		}
		r.heads = keep
	}
}

// nameColon reads "name: message" lines; a name must recur or be named
// like a chat party, never a field label.
func (p *parser) nameColon() *layoutResult {
	var cs []*cand
	for i := range p.lines {
		l := &p.lines[i]
		if l.blankLine() || p.notice[i] || p.stamps[i] != nil {
			continue
		}
		if c, ok := nameColonLine(l, i); ok {
			cs = append(cs, c)
		}
	}
	accept(p.lines, cs, acceptRules{exactRoles: true})
	r := &layoutResult{layout: LayoutNameColon, anySep: true}
	r.doubt = p.rescue(cs, true)
	r.heads = accepted(cs)
	keys := map[string]bool{}
	strong := false
	for _, h := range r.heads {
		keys[h.key] = true
		strong = strong || strongName(h.key)
	}
	if len(keys) < 2 && !strong {
		r.heads = nil
	}
	return r
}

// rescue reconsiders, in a layout whose headers carry no time, the names
// seen once after the first header. A name shaped like a party of the chat
// (客服小李, Acme Store) is a speaker. When a single person is heard so far,
// the one other name seen once is the other party; with strict, any other
// name-shaped candidate leaves the paste in doubt, since gluing a
// speaker's words to the previous one would misattribute them.
func (p *parser) rescue(cs []*cand, strict bool) (doubt bool) {
	first := -1
	keys := map[string]bool{}
	for _, c := range cs {
		if !c.rejected {
			keys[c.key] = true
			if first < 0 {
				first = c.line
			}
		}
	}
	if first < 0 {
		return false
	}
	var pending []*cand
	other := map[string]bool{}
	for _, c := range cs {
		if !c.rejected || c.line < first {
			continue
		}
		info := judgeName(p.lines[c.line].norm[c.name.a:c.name.b])
		switch {
		case !info.ok:
		case guessRole(c.key) != RoleUnknown:
			c.rejected, c.known = false, true
		case info.strict:
			pending = append(pending, c)
			other[c.key] = true
		}
	}
	switch {
	case len(pending) == 0:
		return false
	case len(keys) == 1 && len(other) == 1:
		for _, c := range pending {
			c.rejected = false
		}
		return false
	}
	return strict
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

// item is one piece of a message region.
type item struct {
	text string
	kind int // itemText, itemBlank, itemPlaceholder, itemNotice
}

const (
	itemText = iota
	itemBlank
	itemPlaceholder
	itemNotice
)

func (p *parser) classify(line, from int) item {
	l := &p.lines[line]
	a, b := from, l.b
	if a < l.a {
		a = l.a
	}
	a, b = trimSpan(l.norm, a, b)
	if a >= b {
		return item{kind: itemBlank}
	}
	it := item{text: l.cut(a, b)}
	switch s := l.norm[a:b]; {
	case isNotice(s):
		it.kind = itemNotice
	case isPlaceholder(s):
		it.kind = itemPlaceholder
	}
	return it
}

// assemble turns the chosen layout's headers into lines.
func (p *parser) assemble(r *layoutResult) Transcript {
	heads := r.heads
	sort.SliceStable(heads, func(i, j int) bool { return heads[i].first < heads[j].first })
	t := Transcript{Layout: r.layout, Parsed: true, Lines: []Line{}}
	// The preamble runs to the last line before the first header that is
	// neither blank nor a notice; notices after it are lines of their own.
	first := heads[0].first
	pre := 0
	for i := 0; i < first; i++ {
		if !p.lines[i].blankLine() && !p.notice[i] {
			pre = i + 1
		}
	}
	t.Preamble = joinLines(p.lines, 0, pre)
	for i := pre; i < first; i++ {
		if p.notice[i] {
			t.Lines = append(t.Lines, Line{Role: RoleSystem, System: true, Message: p.lines[i].trimmed()})
		}
	}
	var stamps []*stamp
	for _, h := range heads {
		stamps = append(stamps, h.st)
	}
	for i := range p.lines {
		if p.stamps[i] != nil {
			stamps = append(stamps, p.stamps[i])
		}
	}
	order := dayFirst(stamps)
	var ctx *stamp
	for hi, h := range heads {
		end := len(p.lines)
		if hi+1 < len(heads) {
			end = heads[hi+1].first
		}
		// Header material and the date context above the header.
		var hdr []string
		for k := h.first; k <= h.last; k++ {
			l := &p.lines[k]
			if st := p.stamps[k]; st != nil && st.kind == dateFull && !st.hasTime {
				ctx = st
			}
			var s string
			if k == h.last && h.msgCol >= 0 {
				a, b := trimSpan(l.norm, l.a, min(h.msgCol, l.b))
				s = l.cut(a, b)
			} else {
				s = l.trimmed()
			}
			if s != "" {
				hdr = append(hdr, s)
			}
		}
		base := Line{Header: strings.Join(hdr, "\n")}
		if h.st != nil {
			sl := &p.lines[h.stLine]
			base.At = sl.cut(h.st.a, h.st.b)
			base.AtTime = h.st.instant(ctx, order, p.loc)
		}
		role := RoleUnknown
		if h.system {
			role = RoleSystem
		} else {
			base.Speaker = p.lines[h.line].cut(h.name.a, h.name.b)
		}
		base.Role = role
		// The message region.
		var items []item
		if h.msgCol >= 0 {
			items = append(items, p.classify(h.last, h.msgCol))
		}
		for k := h.last + 1; k < end; k++ {
			items = append(items, p.classify(k, 0))
		}
		t.Lines = append(t.Lines, p.segments(base, h.system, items)...)
	}
	guessRoles(t.Lines)
	return t
}

// segments cuts a header's message region into lines: text runs under the
// speaker, placeholders as system lines of the same speaker, notices as
// system lines of no speaker, after which text is not attributed.
func (p *parser) segments(base Line, system bool, items []item) []Line {
	base.System = system
	var out []Line
	after := false // after a notice, text is no one's
	var run []string
	next := func() Line {
		l := base
		if len(out) > 0 {
			l.Header = ""
		}
		if after {
			l.Speaker, l.At, l.AtTime = "", "", nil
			if !system {
				l.Role = RoleUnknown
			}
		}
		return l
	}
	flush := func() {
		for len(run) > 0 && run[len(run)-1] == "" {
			run = run[:len(run)-1]
		}
		for len(run) > 0 && run[0] == "" {
			run = run[1:]
		}
		if len(run) > 0 {
			l := next()
			l.Message = strings.Join(run, "\n")
			out = append(out, l)
		}
		run = nil
	}
	for _, it := range items {
		switch it.kind {
		case itemText:
			run = append(run, it.text)
		case itemBlank:
			run = append(run, "")
		case itemPlaceholder:
			flush()
			l := next()
			l.Message, l.System = it.text, true
			out = append(out, l)
		case itemNotice:
			if system {
				run = append(run, it.text)
				continue
			}
			flush()
			if len(out) == 0 {
				out = append(out, base)
			}
			out = append(out, Line{Role: RoleSystem, System: true, Message: it.text})
			after = true
		}
	}
	flush()
	if len(out) == 0 {
		out = append(out, base)
	}
	return out
}

// guessRoles sets each speaker's role from its name: a sub-account or a
// shop-like name is the shop, a platform's buyer account or a buyer word
// the buyer, and when one side is known and a single other person speaks,
// that person is the other side.
func guessRoles(lines []Line) {
	roles := map[string]Role{}
	var order []string
	for _, l := range lines {
		if l.Speaker == "" {
			continue
		}
		if _, ok := roles[l.Speaker]; !ok {
			roles[l.Speaker] = guessRole(key(foldString(l.Speaker)))
			order = append(order, l.Speaker)
		}
	}
	// The main account of a shop whose sub-accounts speak is the shop.
	for _, s := range order {
		if shop, ok := subAccount(key(foldString(s))); ok {
			for _, o := range order {
				if roles[o] == RoleUnknown && key(foldString(o)) == shop {
					roles[o] = RoleShop
				}
			}
		}
	}
	var unknown []string
	shop, buyer := false, false
	for _, s := range order {
		switch roles[s] {
		case RoleUnknown:
			unknown = append(unknown, s)
		case RoleShop:
			shop = true
		case RoleBuyer:
			buyer = true
		}
	}
	if len(unknown) == 1 {
		switch {
		case shop && !buyer:
			roles[unknown[0]] = RoleBuyer
		case buyer && !shop:
			roles[unknown[0]] = RoleShop
		}
	}
	for i := range lines {
		if lines[i].Speaker != "" {
			lines[i].Role = roles[lines[i].Speaker]
		}
	}
}
