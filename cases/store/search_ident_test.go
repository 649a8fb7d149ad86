package store

import "testing"

func TestParseIdentifier(t *testing.T) {
	for q, want := range map[string]identifier{
		"C-000123":        {caseID: 123},
		"c123":            {caseID: 123},
		"5678":            {phone: "5678"},
		"尾号5678":          {phone: "5678"},
		"+1 415 555 5678": {phone: "14155555678"},
		"13812345678":     {phone: "13812345678", exact: "13812345678", prefix: "13812345678"},
		"TB2026":          {exact: "tb2026", prefix: "tb2026"},
		"momo1":           {exact: "momo1"},
		"小明爱购物0042":       {exact: "小明爱购物0042", prefix: "小明爱购物0042"},
		"a_1%":            {exact: "a_1%"},
	} {
		got, ok := parseIdentifier(q)
		if !ok || got != want {
			t.Errorf("parseIdentifier(%q) = %+v, %v; want %+v", q, got, ok, want)
		}
	}
	for _, q := range []string{"破损", "refund", "杯子 破损", "order 12", "C-0", "123", ""} {
		if got, ok := parseIdentifier(q); ok {
			t.Errorf("parseIdentifier(%q) = %+v: a word, not an identifier", q, got)
		}
	}
	if got := likePrefix(`a_1%\`); got != `a\_1\%\\%` {
		t.Errorf("likePrefix escapes to %q", got)
	}
}
