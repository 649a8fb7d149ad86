package chat

import (
	"sort"
	"strings"
)

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
