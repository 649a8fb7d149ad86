package tone

import (
	"strings"
	"testing"
)

func TestView(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"LowerCases", "Refund NOW", "refund now"},
		{"FullWidthAlphanumerics", "５星ＯＫ％", "5星ok%"},
		{"IdeographicSpace", "ok\u3000ok", "ok ok"},
		{"Traditional", "好評返現", "好评返现"},
		{"Emoji", "好评🧧⭐", "好评红包星"},
		{"InvisibleCharacters", "好\u200b评\ufeff返\u00ad现", "好评返现"},
		{"SpacesBetweenHan", "好 评  返\t现", "好评返现"},
		{"SymbolsBetweenHan", "好*评/返·现~", "好评返现~"},
		{"HanAndDigit", "返 20 元", "返20元"},
		{"PercentStays", "100%纯棉", "100%纯棉"},
		{"DigitsKeepTheirSpace", "1 2", "1 2"},
		{"LatinKeepsItsSpaces", "hp 返现 ok", "hp 返现 ok"},
		{"ClausePunctuationStays", "退款，好评", "退款，好评"},
		{"SentenceEndStays", "已退款。好评如潮", "已退款。好评如潮"},
		{"SingleCharactersLoseTheirPunctuation", "好，评。返！现", "好评返现"},
		{"OneSingleCharacterIsNotEnough", "晕，自己看", "晕，自己看"},
		{"EdgesStay", " 好评 ", " 好评 "},
		{"InvalidUTF8", "a\xffb", "a\ufffdb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newView(tc.text)
			if v.s != tc.want {
				t.Fatalf("newView(%q) = %q, want %q", tc.text, v.s, tc.want)
			}
			if len(v.from) != len(v.s) {
				t.Fatalf("from has %d entries for %d bytes", len(v.from), len(v.s))
			}
			for i := 1; i < len(v.from); i++ {
				if v.from[i] < v.from[i-1] {
					t.Fatalf("from decreases at %d: %v", i, v.from)
				}
			}
		})
	}
	t.Run("SpanMapsBack", func(t *testing.T) {
		text := "亲 ~ 好 * 评 / 返 · 现!"
		v := newView(text)
		s := strings.Index(v.s, "好")
		e := strings.Index(v.s, "现") + len("现")
		start, end := v.span(s, e)
		if got := text[start:end]; got != "好 * 评 / 返 · 现" {
			t.Fatalf("span = %q", got)
		}
	})
	t.Run("Scripts", func(t *testing.T) {
		if v := newView("ＯＫ"); v.han || !v.latin {
			t.Errorf("full-width OK: han %v latin %v", v.han, v.latin)
		}
		if v := newView("好的 123"); !v.han || v.latin {
			t.Errorf("好的 123: han %v latin %v", v.han, v.latin)
		}
	})
}
