package tone

import (
	"regexp"
	"slices"
	"testing"
)

// untriggered returns a copy of c that runs every rule on every text, the
// reference the triggers must agree with.
func untriggered(c *Checker) *Checker {
	u := &Checker{rules: slices.Clone(c.rules), lits: c.lits}
	for i := range u.rules {
		u.rules[i].trigger = nil
	}
	return u
}

func TestTriggersChangeNothing(t *testing.T) {
	c := Default()
	u := untriggered(c)
	for _, s := range sentences {
		if got, want := c.Check(s.text, s.ctx), u.Check(s.text, s.ctx); !slices.Equal(got, want) {
			t.Errorf("%q: with triggers %s, without %s", s.text, describe(got), describe(want))
		}
	}
}

func TestTriggerOf(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    trigger
	}{
		{"保证", trigger{{"保证"}}},
		{"好评|好坪", trigger{{"好坪", "好评"}}},
		{"自(?:己|个儿?)看", trigger{{"自个儿看", "自个看", "自己看"}}},
		// Two words, each from a list: both stay required.
		{"(?:好评|五星).{0,16}(?:返现|红包)", trigger{{"五星", "好评"}, {"红包", "返现"}}},
		// An alternative that may match anything spoils the trigger.
		{"保证|.", nil},
		{"(?:保证)?", nil},
		{"a*", nil},
		{"(?i)refund", nil},
		{"[^a]bc", trigger{{"bc"}}},
	} {
		got := triggerOf(tc.pattern)
		if !slices.EqualFunc(got, tc.want, func(a, b []string) bool { return slices.Equal(a, b) }) {
			t.Errorf("triggerOf(%q) = %q, want %q", tc.pattern, got, tc.want)
		}
	}
}

// TestTriggersAreNecessary checks, on every shipped rule and every table
// sentence, that a text the pattern matches meets the rule's trigger.
func TestTriggersAreNecessary(t *testing.T) {
	for _, r := range DefaultRules() {
		re := regexp.MustCompile(r.Pattern)
		tr := triggerOf(r.Pattern)
		for _, s := range sentences {
			v := newView(s.text)
			if re.MatchString(v.s) && !metByString(tr, v.s) {
				t.Errorf("%s matches %q but its trigger %q is not met", r.ID, s.text, tr)
			}
		}
	}
}

func metByString(t trigger, s string) bool {
	var l literals
	ids := map[string]int{}
	var it idTrigger
	for _, clause := range t {
		var c []int
		for _, lit := range clause {
			c = append(c, l.add(lit, ids))
		}
		it = append(it, c)
	}
	return it.met(l.find(s))
}
