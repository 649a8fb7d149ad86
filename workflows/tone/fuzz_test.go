package tone

import (
	"slices"
	"testing"
)

// FuzzCheck holds Check to its promises on any text: no panic, offsets in
// bounds and on rune boundaries that slice the text to Match, warnings in
// order, no two overlapping warnings of one rule, and the same warnings as
// when every rule runs regardless of its trigger.
func FuzzCheck(f *testing.F) {
	for _, s := range sentences {
		f.Add(s.text, uint8(0), uint8(0))
	}
	for _, s := range []string{"", "\xff", "好\xff评返现", "🧧🧧", "好 \u200b评", "ＯＫ", "嗯\u0301", "a\u0130b", "İstanbul 保证"} {
		f.Add(s, uint8(6), uint8(1))
	}
	c := Default()
	u := untriggered(c)
	platforms := append([]string{""}, Platforms()...)
	stages := append([]string{""}, Stages()...)
	f.Fuzz(func(t *testing.T, text string, p, s uint8) {
		ctx := Context{Platform: platforms[int(p)%len(platforms)], Stage: stages[int(s)%len(stages)]}
		ws := c.Check(text, ctx)
		if ref := u.Check(text, ctx); !slices.Equal(ws, ref) {
			t.Fatalf("%q: with triggers %s, without %s", text, describe(ws), describe(ref))
		}
		lastEnd := map[string]int{}
		starts := runeStarts(text)
		for i, w := range ws {
			checkWarningAt(t, text, starts, w)
			if i > 0 && w.Start < ws[i-1].Start {
				t.Fatalf("%q: warnings out of order: %s", text, describe(ws))
			}
			if end, ok := lastEnd[w.Rule]; ok && w.Start < end {
				t.Fatalf("%q: overlapping warnings of %s: %s", text, w.Rule, describe(ws))
			}
			lastEnd[w.Rule] = w.End
			if severityRank(w.Severity) < 0 || w.Message == "" || w.Suggestion == "" {
				t.Fatalf("%q: incomplete warning %+v", text, w)
			}
		}
	})
}
