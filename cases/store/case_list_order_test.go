package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

// Lists of every state read open and closed cases apart (listQuery); the
// pages must still be exactly those of one ORDER BY over all rows, whatever
// mix of states, due times, searches and page sizes.
func TestListOfEveryStateKeepsTheDueOrder(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	other := addUser(t, db, cases.RoleAgent)
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	for i := range 14 {
		c := newCase(t, s, agent, func(in *cases.CaseInput) {
			if i%3 == 0 {
				in.Summary, in.Review = fmt.Sprintf("parcel %d never arrived", i), nil
			}
			if i%4 == 1 {
				in.AssigneeID = &other.ID
			}
		})
		// Due times that tie and interleave with the ids; some cases closed
		// (due time gone), one closed case keeping a due time.
		due := base.Add(time.Duration(i%5) * time.Hour)
		switch {
		case i%3 == 1:
			_, err := db.Exec(`UPDATE cases SET state = 'closed', closed_at = now(), due_at = NULL WHERE id = $1`, c.ID)
			if err != nil {
				t.Fatal(err)
			}
		case i == 5:
			_, err := db.Exec(`UPDATE cases SET state = 'closed', closed_at = now(), due_at = $2 WHERE id = $1`, c.ID, due)
			if err != nil {
				t.Fatal(err)
			}
		default:
			if _, err := db.Exec(`UPDATE cases SET due_at = $2 WHERE id = $1`, c.ID, due); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name  string
		f     cases.Filter
		where string
	}{
		{"EveryCase", cases.Filter{}, `true`},
		{"Search", cases.Filter{Q: "破损"}, `search @@ to_tsquery('simple', '''破损''')`},
		{"OneAssignee", cases.Filter{AssigneeID: &other.ID}, fmt.Sprintf(`assignee_id = %d`, other.ID)},
	} {
		var want []int64
		if err := db.Select(&want, `SELECT id FROM cases WHERE `+tc.where+` ORDER BY due_at ASC NULLS LAST, id ASC`); err != nil {
			t.Fatal(err)
		}
		if len(want) < 4 {
			t.Fatalf("%s: only %d cases match; the test needs several pages", tc.name, len(want))
		}
		for _, limit := range []int{1, 2, 3, 50} {
			t.Run(fmt.Sprintf("%s/Limit%d", tc.name, limit), func(t *testing.T) {
				f := tc.f
				f.Limit = limit
				var got []int64
				for pages := 0; ; pages++ {
					if pages > len(want) {
						t.Fatalf("more pages than cases: %v so far", got)
					}
					p, err := s.List(context.Background(), f)
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range p.Items {
						got = append(got, c.ID)
					}
					if p.NextCursor == "" {
						break
					}
					f.Cursor = p.NextCursor
				}
				if !slices.Equal(got, want) {
					t.Fatalf("pages gave %v, want %v", got, want)
				}
			})
		}
	}
}
