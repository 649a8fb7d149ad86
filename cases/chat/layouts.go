package chat

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
