package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// ReviewSnapshot is a review as one export shows it. Exports are taken
// again and again; comparing the snapshot of a new export with the one a
// case last saw tells the importer what happened to the review: a follow-up
// (追评) was added, the rating changed (中评 → 好评), the text was edited,
// the review was removed.
type ReviewSnapshot struct {
	Rating       *int       `json:"rating"`
	Text         string     `json:"text"`
	FollowUpText string     `json:"follow_up_text"`
	FollowUpAt   *time.Time `json:"follow_up_at,omitempty"`
	PostedAt     *time.Time `json:"posted_at,omitempty"`
	Removed      bool       `json:"removed"`
}

// reviewText is a review text in the form snapshots compare: trimmed, line
// breaks as \n. Exports differ in these, buyers' words do not.
func reviewText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
}

// Fingerprint identifies what a review says: its rating, text, follow-up
// text and whether it was removed. Two snapshots have the same fingerprint
// exactly when Diff finds nothing between them. Times are left out: exports
// write them differently while the review stays the same.
func (s ReviewSnapshot) Fingerprint() string {
	var rating any
	if s.Rating != nil {
		rating = *s.Rating
	}
	b, _ := json.Marshal([]any{1, rating, reviewText(s.Text), reviewText(s.FollowUpText), s.Removed})
	sum := sha256.Sum256(b)
	return "r1:" + hex.EncodeToString(sum[:16])
}

// Diff returns what changed from a to b: {"rating": {3, 5}} and the like,
// for rating (an int, or nil when none), text, follow_up_text and removed.
// It is empty when the review is unchanged.
func (a ReviewSnapshot) Diff(b ReviewSnapshot) map[string][2]any {
	d := map[string][2]any{}
	ra, rb := ratingValue(a.Rating), ratingValue(b.Rating)
	if ra != rb {
		d["rating"] = [2]any{ra, rb}
	}
	if ta, tb := reviewText(a.Text), reviewText(b.Text); ta != tb {
		d["text"] = [2]any{ta, tb}
	}
	if fa, fb := reviewText(a.FollowUpText), reviewText(b.FollowUpText); fa != fb {
		d["follow_up_text"] = [2]any{fa, fb}
	}
	if a.Removed != b.Removed {
		d["removed"] = [2]any{a.Removed, b.Removed}
	}
	return d
}

func ratingValue(r *int) any {
	if r == nil {
		return nil
	}
	return *r
}
