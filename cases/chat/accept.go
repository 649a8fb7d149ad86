package chat

import (
	"sort"
	"strings"
)

// resolveNames picks each candidate's name among the ones its colons
// allow. A name used alone elsewhere in the paste wins; otherwise a
// Qianniu sub-account "店铺名:客服名" is preferred to its shop part, unless
// its second part is a field label.
func resolveNames(lines []srcLine, cs []*cand) {
	alone := map[string]int{}
	for _, c := range cs {
		if len(c.opts) == 1 {
			o := c.opts[0]
			alone[key(lines[c.line].norm[o.a:o.b])]++
		}
	}
	for _, c := range cs {
		best := 0
		if len(c.opts) > 1 {
			s := lines[c.line].norm
			bestAlone := 0
			for i, o := range c.opts {
				if n := alone[key(s[o.a:o.b])]; n > bestAlone {
					best, bestAlone = i, n
				}
			}
			if bestAlone == 0 {
				for i := len(c.opts) - 1; i > 0; i-- {
					o := c.opts[i]
					k := key(s[o.a:o.b])
					if shop, ok := subAccount(k); ok && !labelWords[strings.TrimSpace(k[len(shop)+1:])] && !strings.ContainsAny(k[len(shop)+1:], ":") {
						best = i
						break
					}
				}
			}
		}
		c.name = c.opts[best]
		if c.msgs != nil {
			c.msgCol = c.msgs[best]
		}
		c.key = key(lines[c.line].norm[c.name.a:c.name.b])
		c.system = systemNames[c.key]
	}
}

// acceptRules tune accept for a layout.
type acceptRules struct {
	// oneOffs lets a speaker seen once be believed when its header agrees
	// with the others exactly.
	oneOffs bool
	// needBody requires a message under a header that starts no message on
	// its own line (so "会议 10:00" lists are not chats).
	needBody bool
	// exactRoles: a name seen once is known only when it is a role word
	// or a sub-account, not merely when it contains one (a heading
	// "小王和客服小美的聊天记录" is not a speaker).
	exactRoles bool
}

// accept decides which candidates are headers. A header is believed when
// its speaker is known (seen in two or more headers of the paste, or named
// like a chat party) and its format agrees with the paste's; a speaker
// seen once must in addition look like a name, agree with the dominant
// format exactly and keep the times in order.
func accept(lines []srcLine, cs []*cand, r acceptRules) {
	resolveNames(lines, cs)
	for _, c := range cs {
		info := judgeName(lines[c.line].norm[c.name.a:c.name.b])
		if !info.ok {
			c.rejected = true
		}
	}
	for round := 0; round < 6; round++ {
		counts := map[string]int{}
		for _, c := range cs {
			if !c.rejected {
				counts[c.key]++
			}
		}
		for _, c := range cs {
			strong := strongName(c.key)
			if r.exactRoles {
				_, sub := subAccount(c.key)
				strong = systemNames[c.key] || shopWords[c.key] || buyerWords[c.key] || sub
			}
			c.known = !c.rejected && (counts[c.key] >= 2 || strong)
		}
		dom, domClock := dominant(cs)
		nb := neighbours(cs)
		nKnown := knownCount(cs)
		changed := false
		for i, c := range cs {
			if c.rejected {
				continue
			}
			ok := false
			switch {
			case c.known && (domClock == "" || c.clock == domClock):
				// A known speaker's header that breaks the order of time
				// is a quotation or a paste of two chats: either reading
				// may misattribute the lines after it.
				ok = true
				if !nb.monotonic(cs, i) {
					c.doubt = true
				}
			case c.known:
				ok = nb.monotonic(cs, i)
			case c.bracketed && (domClock == "" || c.clock == domClock):
				ok = judgeName(lines[c.line].norm[c.name.a:c.name.b]).ok
			case r.oneOffs && c.st != nil:
				// A name seen once, among speakers who recur, is believed
				// only between two of their headers, or with a full date:
				// "Jane 18:00" at the end of a message is not a header.
				fits := judgeName(lines[c.line].norm[c.name.a:c.name.b]).strict &&
					(dom == "" || c.shape == dom) && nb.monotonic(cs, i) &&
					(c.msgCol >= 0 || hasBody(lines, cs, i))
				// A name seen once among speakers who recur is believed at
				// once only between two of their headers, or with a full
				// date or seconds, or on its own line above its time:
				// "Jane 18:00" closing a message could be either, and then
				// the paste is in doubt.
				placed := nb.prev[i] >= 0 && nb.next[i] >= 0 || nKnown < 2 ||
					c.st.kind == dateFull || c.st.hasSec || c.stLine != c.line
				ok = fits && placed
				c.doubt = fits && !placed
			}
			if ok && r.needBody && c.msgCol < 0 && !c.known && !hasBody(lines, cs, i) {
				ok = false
			}
			if !ok {
				c.rejected = true
				changed = true
			}
		}
		if !changed {
			break
		}
	}
}

func knownCount(cs []*cand) int {
	n := 0
	for _, c := range cs {
		if c.known && !c.rejected {
			n++
		}
	}
	return n
}

// dominant returns the most frequent format among the known candidates
// (or among all, when none is known), in full and at clock level.
func dominant(cs []*cand) (string, string) {
	full, clock := map[string]int{}, map[string]int{}
	anyKnown := false
	for _, c := range cs {
		if c.known {
			anyKnown = true
			break
		}
	}
	for _, c := range cs {
		if c.rejected || anyKnown && !c.known {
			continue
		}
		full[c.shape]++
		clock[c.clock]++
	}
	return most(full), most(clock)
}

func most(m map[string]int) string {
	best, n := "", 0
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if m[k] > n {
			best, n = k, m[k]
		}
	}
	return best
}

// hasBody reports whether candidate i, a header alone on its line, is
// followed by a message line before the next candidate.
func hasBody(lines []srcLine, cs []*cand, i int) bool {
	next := len(lines)
	for _, c := range cs[i+1:] {
		if !c.rejected {
			next = c.first
			break
		}
	}
	for k := cs[i].last + 1; k < next && k < len(lines); k++ {
		if !lines[k].blankLine() {
			return true
		}
	}
	return false
}

// around holds, for each candidate, the nearest known timed candidates
// before and after it, and the direction the paste runs.
type around struct {
	prev, next []int
	desc       bool
}

func neighbours(cs []*cand) around {
	nb := around{prev: make([]int, len(cs)), next: make([]int, len(cs)), desc: descending(cs)}
	timed := func(c *cand) bool { return c.known && !c.rejected && c.st != nil && c.st.hasTime }
	last := -1
	for i, c := range cs {
		nb.prev[i] = last
		if timed(c) {
			last = i
		}
	}
	last = -1
	for i := len(cs) - 1; i >= 0; i-- {
		nb.next[i] = last
		if timed(cs[i]) {
			last = i
		}
	}
	return nb
}

// monotonic reports whether candidate i's time fits between the times of
// the known headers around it, in whichever direction the paste runs.
func (nb around) monotonic(cs []*cand, i int) bool {
	c := cs[i]
	if c.st == nil {
		return true
	}
	cAbs, cDay, cFull, ok := c.st.order()
	if !ok {
		return true
	}
	var prev, next *cand
	if k := nb.prev[i]; k >= 0 {
		prev = cs[k]
	}
	if k := nb.next[i]; k >= 0 {
		next = cs[k]
	}
	// Tools stamp an automatic reply a little before the message it
	// answers: two minutes out of order is still in order.
	const slack = 2
	val := func(p *cand) (int64, bool) {
		abs, day, full, _ := p.st.order()
		if full && cFull {
			return abs, true
		}
		return int64(day), false
	}
	cv := func(full bool) int64 {
		if full {
			return cAbs
		}
		return int64(cDay)
	}
	switch {
	case prev != nil && next != nil:
		pv, pf := val(prev)
		nv, nf := val(next)
		x, y := cv(pf), cv(nf)
		if pv <= nv {
			return pv <= x+slack && y <= nv+slack
		}
		if !pf && !nf && pv-nv > 720 {
			return x >= pv || y <= nv // past midnight
		}
		return pv+slack >= x && y+slack >= nv
	case prev != nil:
		pv, pf := val(prev)
		x := cv(pf)
		if nb.desc {
			return x <= pv+slack || !pf && x-pv > 720
		}
		return x+slack >= pv || !pf && pv-x > 720
	case next != nil:
		nv, nf := val(next)
		y := cv(nf)
		if nb.desc {
			return y+slack >= nv || !nf && nv-y > 720
		}
		return y <= nv+slack || !nf && y-nv > 720
	}
	return true
}

// descending reports whether the known headers run newest first.
func descending(cs []*cand) bool {
	up, down := 0, 0
	var last *cand
	for _, c := range cs {
		if !c.known || c.rejected || c.st == nil || !c.st.hasTime {
			continue
		}
		if last != nil {
			a, ad, af, _ := last.st.order()
			b, bd, bf, _ := c.st.order()
			if !af || !bf {
				a, b = int64(ad), int64(bd)
			}
			switch {
			case b > a:
				up++
			case b < a:
				down++
			}
		}
		last = c
	}
	return down > up
}
