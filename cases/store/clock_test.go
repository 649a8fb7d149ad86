package store_test

import (
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

// TestWithClockRecordsAtTheClock creates and changes a case on a store
// whose clock is a week ago: the row, its first due time and its events
// carry the clock's times, the chain verifies, and the store it came from
// still records at the database's clock.
func TestWithClockRecordsAtTheClock(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	at := time.Now().Add(-7 * 24 * time.Hour).UTC().Truncate(time.Second)
	clocked := s.WithClock(func() time.Time { return at })
	c := newCase(t, clocked, agent)
	if !c.CreatedAt.Equal(at) || !c.UpdatedAt.Equal(at) || c.DueAt == nil || !c.DueAt.Equal(at.Add(30*time.Minute)) {
		t.Fatalf("created %v, updated %v, due %v; want all at the clock %v (due 30 min later)", c.CreatedAt, c.UpdatedAt, c.DueAt, at)
	}
	at = at.Add(90 * time.Minute)
	var seen time.Time
	changed, err := clocked.Change(as(agent), c.ID, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		seen = f.Now
		cur.Summary = "杯子破损，已补发"
		return cases.Change{Case: cur, Events: []cases.NewEvent{{Kind: cases.EventCommented, Payload: map[string]any{"body": "ok"}}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !seen.Equal(at) || !changed.UpdatedAt.Equal(at) {
		t.Fatalf("change saw now %v and wrote updated_at %v; want the clock's %v", seen, changed.UpdatedAt, at)
	}
	evs, err := s.Events(t.Context(), c.ID)
	if err != nil || len(evs) != 2 || !evs[0].At.Equal(at.Add(-90*time.Minute)) || !evs[1].At.Equal(at) {
		t.Fatalf("events %+v %v; want the creation and the change at the clock's times", evs, err)
	}
	if v, err := s.Verify(t.Context(), c.ID, false); err != nil || !v.OK {
		t.Fatalf("verify: %+v %v", v, err)
	}
	now := newCase(t, s, agent)
	if time.Since(now.CreatedAt) > time.Minute {
		t.Fatalf("the unclocked store created a case at %v", now.CreatedAt)
	}
}
