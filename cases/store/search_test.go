package store

import (
	"slices"
	"testing"
)

func TestSearchTerms(t *testing.T) {
	got := SearchTerms("收到的杯子破损了! Refund #123")
	for _, want := range []string{"破损", "杯子", "收", "了", "refund", "123"} {
		if !slices.Contains(got, want) {
			t.Errorf("terms %v lack %q", got, want)
		}
	}
	if slices.Contains(got, "了!") || slices.Contains(got, "Refund") {
		t.Errorf("terms %v keep punctuation or case", got)
	}
}

func TestSearchQuery(t *testing.T) {
	cases := map[string]string{
		"破损":          "'破损'",
		"杯子破损":        "'杯子' & '子破' & '破损'",
		"杯":           "'杯'",
		"refu":        "'refu':*",
		"Refund 破损":   "'refund' & '破损'",
		"'; DROP --":  "'drop':*",
		"   ":         "",
		"order-12 破损": "'order' & '12' & '破损'",
	}
	for q, want := range cases {
		if got := SearchQuery(q); got != want {
			t.Errorf("SearchQuery(%q) = %q, want %q", q, got, want)
		}
	}
}
