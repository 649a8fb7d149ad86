package intake

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func intp(n int) *int { return &n }

func TestReviewDiff(t *testing.T) {
	posted := time.Date(2026, 11, 19, 9, 45, 0, 0, time.UTC)
	base := ReviewSnapshot{Rating: intp(3), Text: "杯子还行，但是快递太慢了", PostedAt: &posted}
	tests := []struct {
		name string
		b    ReviewSnapshot
		want map[string][2]any
	}{
		{"Unchanged", base, map[string][2]any{}},
		{"OnlyFormattingDiffers", ReviewSnapshot{Rating: intp(3), Text: "  杯子还行，但是快递太慢了\r\n"}, map[string][2]any{}},
		{"Upgraded", ReviewSnapshot{Rating: intp(5), Text: base.Text}, map[string][2]any{"rating": {3, 5}}},
		{"FollowUpAdded", ReviewSnapshot{Rating: intp(3), Text: base.Text, FollowUpText: "客服很好"},
			map[string][2]any{"follow_up_text": {"", "客服很好"}}},
		{"TextEdited", ReviewSnapshot{Rating: intp(3), Text: "还行"}, map[string][2]any{"text": {base.Text, "还行"}}},
		{"Removed", ReviewSnapshot{Rating: intp(3), Text: base.Text, Removed: true}, map[string][2]any{"removed": {false, true}}},
		{"RatingGone", ReviewSnapshot{Text: base.Text}, map[string][2]any{"rating": {3, nil}}},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			got := base.Diff(c.b)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Diff = %v, want %v", got, c.want)
			}
			if same := base.Fingerprint() == c.b.Fingerprint(); same != (len(c.want) == 0) {
				t.Fatalf("fingerprints equal = %v, but Diff = %v", same, got)
			}
		})
	}
}

// TestFingerprintAgreesWithDiff checks on random snapshots that two
// fingerprints are equal exactly when Diff finds nothing.
func TestFingerprintAgreesWithDiff(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", "好", "好 ", "差", "差\r\n评", "差\n评"}
	snap := func() ReviewSnapshot {
		s := ReviewSnapshot{Text: texts[r.IntN(len(texts))], FollowUpText: texts[r.IntN(len(texts))], Removed: r.IntN(2) == 0}
		if n := r.IntN(6); n > 0 {
			s.Rating = intp(n)
		}
		return s
	}
	for range 2000 {
		a, b := snap(), snap()
		if same, none := a.Fingerprint() == b.Fingerprint(), len(a.Diff(b)) == 0; same != none {
			t.Fatalf("%+v vs %+v: fingerprints equal %v, diff %v", a, b, same, a.Diff(b))
		}
		if len(a.Diff(a)) != 0 {
			t.Fatalf("a snapshot differs from itself: %v", a.Diff(a))
		}
	}
}
