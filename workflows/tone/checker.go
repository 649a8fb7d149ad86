package tone

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextBytes bounds the text Check reads; longer texts are checked up to
// it. A stage text is at most 4,000 characters, well inside.
const MaxTextBytes = 64 << 10

// exceptReach is how far, in characters either side of a hit, a rule's
// Except is looked for.
const exceptReach = 16

// Context says what a text is for.
type Context struct {
	// Language is the agent's language: messages and suggestions are given
	// in it. Empty means the text's: Chinese when it holds Chinese
	// characters, else English. It does not choose the rules: a rule for one
	// language is checked whenever the text holds that language's script, so
	// an English reply written by a Chinese-speaking agent is still checked.
	Language string
	// Platform is the case's platform (cases.Platform); empty when unknown.
	Platform string
	// Stage is one of Stages; empty when unknown.
	Stage string
}

// Warning is one hit of a rule in a text.
type Warning struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	// Start and End are byte offsets of the hit in the text: text[Start:End]
	// is Match. They lie on rune boundaries.
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Match      string `json:"match"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion"`
}

// Blocking reports whether a warning's severity stops the text from being
// saved.
func Blocking(ws []Warning) bool {
	return slices.ContainsFunc(ws, func(w Warning) bool { return w.Severity == SeverityBlock })
}

// Checker holds rules with their patterns compiled. It is safe for
// concurrent use.
type Checker struct {
	rules []compiled
	lits  literals
}

type compiled struct {
	Rule
	re, except *regexp.Regexp
	hit        int       // index of the group named "hit", or -1
	trigger    idTrigger // what every match contains; nil: unknown
}

// Compile validates rules and compiles their patterns once. The error joins
// a *RuleError per invalid rule.
func Compile(rules []Rule) (*Checker, error) {
	if err := validateAll(rules); err != nil {
		return nil, err
	}
	c := &Checker{rules: make([]compiled, len(rules))}
	litIDs := map[string]int{}
	for i, r := range rules {
		cr := compiled{Rule: r.clone(), re: regexp.MustCompile(r.Pattern)}
		cr.hit = cr.re.SubexpIndex("hit")
		for _, clause := range triggerOf(r.Pattern) {
			ids := make([]int, len(clause))
			for k, lit := range clause {
				ids[k] = c.lits.add(lit, litIDs)
			}
			cr.trigger = append(cr.trigger, ids)
		}
		if r.Except != "" {
			cr.except = regexp.MustCompile(r.Except)
		}
		c.rules[i] = cr
	}
	return c, nil
}

// Rules returns a copy of the checker's rules, in order.
func (c *Checker) Rules() []Rule {
	out := make([]Rule, len(c.rules))
	for i, r := range c.rules {
		out[i] = r.Rule.clone()
	}
	return out
}

// Check returns the warnings for text, ordered by Start, then End, then rule
// order. Hits of one rule never overlap. A text longer than MaxTextBytes is
// checked up to that length.
func (c *Checker) Check(text string, ctx Context) []Warning {
	if c == nil || strings.TrimSpace(text) == "" {
		return nil
	}
	if len(text) > MaxTextBytes {
		cut := MaxTextBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	v := newView(text)
	lang := messageLanguage(ctx.Language, v.han)
	platform := strings.ToLower(strings.TrimSpace(ctx.Platform))
	stage := strings.ToLower(strings.TrimSpace(ctx.Stage))

	found := c.lits.find(v.s)
	var out []Warning
	for i := range c.rules {
		r := &c.rules[i]
		if !r.applies(v, platform, stage) || !r.trigger.met(found) {
			continue
		}
		first := len(out)
		for _, loc := range r.re.FindAllStringSubmatchIndex(v.s, -1) {
			s, e := loc[0], loc[1]
			if r.hit > 0 && loc[2*r.hit] >= 0 {
				s, e = loc[2*r.hit], loc[2*r.hit+1]
			}
			if e <= s || r.excused(v.s, s, e) {
				continue
			}
			start, end := v.span(s, e)
			// Two hits that are apart in the view may share a rune of the
			// text (both halves of 🧧→红包): one warning covers both.
			if n := len(out); n > first && start < out[n-1].End {
				out[n-1].End = max(out[n-1].End, end)
				out[n-1].Match = text[out[n-1].Start:out[n-1].End]
				continue
			}
			out = append(out, r.warning(text, start, end, lang, platform))
		}
	}
	slices.SortStableFunc(out, func(a, b Warning) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	return out
}

// applies reports whether r is checked for this text: its script is present
// and its platform and stage limits, if any, are met.
func (r *compiled) applies(v *view, platform, stage string) bool {
	switch r.Language {
	case LanguageChinese:
		if !v.han {
			return false
		}
	case LanguageEnglish:
		if !v.latin {
			return false
		}
	}
	if len(r.Platforms) > 0 && !slices.Contains(r.Platforms, platform) {
		return false
	}
	return len(r.Stages) == 0 || slices.Contains(r.Stages, stage)
}

// excused reports whether a match of Except near the hit [hs, he) of the
// view s overlaps it.
func (r *compiled) excused(s string, hs, he int) bool {
	if r.except == nil {
		return false
	}
	ws := hs
	for n := 0; n < exceptReach && ws > 0; n++ {
		_, w := utf8.DecodeLastRuneInString(s[:ws])
		ws -= w
	}
	we := he
	for n := 0; n < exceptReach && we < len(s); n++ {
		_, w := utf8.DecodeRuneInString(s[we:])
		we += w
	}
	for _, loc := range r.except.FindAllStringIndex(s[ws:we], -1) {
		ms, me := ws+loc[0], ws+loc[1]
		if me > ms && ms < he && me > hs {
			return true
		}
	}
	return false
}

func (r *compiled) warning(text string, start, end int, lang, platform string) Warning {
	sev := r.Severity
	if s, ok := r.PlatformSeverity[platform]; ok {
		sev = s
	}
	return Warning{
		Rule: r.ID, Category: r.Category, Severity: sev,
		Start: start, End: end, Match: text[start:end],
		Message: inLanguage(r.Message, lang), Suggestion: inLanguage(r.Suggestion, lang),
	}
}

// inLanguage picks a text in lang, or in any language when lang has none
// (rules that validated have all).
func inLanguage(texts map[string]string, lang string) string {
	if t, ok := texts[lang]; ok {
		return t
	}
	for _, l := range Languages() {
		if t, ok := texts[l]; ok {
			return t
		}
	}
	return ""
}

// messageLanguage resolves a Context's language: "zh", "zh-CN", "zh-Hans"
// are Chinese, "en", "en-US" English; anything else follows the text.
func messageLanguage(lang string, han bool) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	switch {
	case strings.HasPrefix(l, "zh"):
		return LanguageChinese
	case strings.HasPrefix(l, "en"):
		return LanguageEnglish
	case han:
		return LanguageChinese
	}
	return LanguageEnglish
}

// DetectLanguage guesses a text's language: Chinese when it holds a Chinese
// character, else English.
func DetectLanguage(text string) string {
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			return LanguageChinese
		}
	}
	return LanguageEnglish
}

// clone copies r so that a checker shares no slice or map with its caller.
func (r Rule) clone() Rule {
	r.Platforms = slices.Clone(r.Platforms)
	r.Stages = slices.Clone(r.Stages)
	r.PlatformSeverity = maps.Clone(r.PlatformSeverity)
	r.Message = maps.Clone(r.Message)
	r.Suggestion = maps.Clone(r.Suggestion)
	return r
}
