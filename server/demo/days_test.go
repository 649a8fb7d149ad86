package demo

import (
	"context"
	"testing"
	"time"
)

// TestLoadOnAnyDay walks the demo to other presents than today's: the
// demo must load whatever day `make run` is started on. These three ends
// once failed: a buyer's other cases had taken the shop's remedies for
// them over the buyer limit between one case's proposal and its
// application, and the walk stopped on the refusal.
func TestLoadOnAnyDay(t *testing.T) {
	for _, end := range []string{"2026-11-29T09:30:00Z", "2026-11-30T06:30:00Z", "2026-12-02T14:30:00Z"} {
		t.Run(end, func(t *testing.T) {
			t.Parallel()
			at, err := time.Parse(time.RFC3339, end)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			db := loadDemo(t, at)
			// Every remedy that needed approval was approved before it
			// was applied.
			var needed, unapproved int
			if err := db.QueryRowxContext(ctx, `SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM case_events a
				WHERE a.case_id = e.case_id AND a.kind = 'remedy_approved' AND a.seq < e.seq))
				FROM case_events e WHERE e.kind = 'transitioned' AND e.payload->>'to' = 'follow_up' AND (e.payload->>'needs_approval')::boolean`).Scan(&needed, &unapproved); err != nil {
				t.Fatal(err)
			}
			if needed == 0 {
				t.Fatal("no remedy in the demo needed approval: the desk's approvals would be empty")
			}
			if unapproved > 0 {
				t.Fatalf("%d remedies applied without the approval they needed", unapproved)
			}
			var latest time.Time
			if err := db.GetContext(ctx, &latest, `SELECT max(at) FROM case_events`); err != nil {
				t.Fatal(err)
			}
			if latest.After(at) || at.Sub(latest) > 6*time.Hour {
				t.Fatalf("the last event is at %s: the walk should end shortly before %s", latest, at)
			}
		})
	}
}
