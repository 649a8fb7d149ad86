package store_test

import (
	"context"
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

func TestNotificationInbox(t *testing.T) {
	db := testdb.New(t)
	s, r, inbox := store.New(db), store.NewReminders(db), store.NewNotifications(db)
	me := addUser(t, db, cases.RoleAgent)
	other := addUser(t, db, cases.RoleAgent)
	var mine []cases.Case
	for range 5 {
		mine = append(mine, newCase(t, s, me, func(in *cases.CaseInput) { in.AssigneeID = &me.ID }))
	}
	theirs := newCase(t, s, other, func(in *cases.CaseInput) { in.AssigneeID = &other.ID })
	if _, err := r.Sweep(context.Background(), theirs.DueAt.Add(time.Minute), testPlan()); err != nil {
		t.Fatal(err)
	}

	t.Run("NewestFirstInPagesWithUnreadCount", func(t *testing.T) {
		p1, err := inbox.List(as(me), cases.NotificationFilter{Limit: 3})
		if err != nil || len(p1.Items) != 3 || p1.NextCursor == "" || p1.Unread != 5 {
			t.Fatalf("page 1: %+v %v", p1, err)
		}
		p2, err := inbox.List(as(me), cases.NotificationFilter{Limit: 3, Cursor: p1.NextCursor})
		if err != nil || len(p2.Items) != 2 || p2.NextCursor != "" {
			t.Fatalf("page 2: %+v %v", p2, err)
		}
		items := append(p1.Items, p2.Items...)
		for i := 1; i < len(items); i++ {
			if items[i].ID >= items[i-1].ID {
				t.Fatalf("not newest first: %d after %d", items[i].ID, items[i-1].ID)
			}
		}
		seen := map[int64]bool{}
		for _, n := range items {
			if n.CaseRef == nil || n.CaseID == nil || n.Kind != "overdue" || n.ReadAt != nil {
				t.Fatalf("notification %+v", n)
			}
			seen[*n.CaseID] = true
		}
		if seen[theirs.ID] || len(seen) != len(mine) {
			t.Fatalf("my inbox shows cases %v", seen)
		}
	})
	t.Run("MarkReadIsMineAndIdempotent", func(t *testing.T) {
		page, _ := inbox.List(as(me), cases.NotificationFilter{})
		id := page.Items[0].ID
		n, err := inbox.MarkRead(as(me), id)
		if err != nil || n.ReadAt == nil {
			t.Fatalf("mark read: %+v %v", n, err)
		}
		again, err := inbox.MarkRead(as(me), id)
		if err != nil || !again.ReadAt.Equal(*n.ReadAt) {
			t.Fatalf("mark read again: %+v %v, want the first read time kept", again, err)
		}
		if _, err := inbox.MarkRead(as(other), id); codeOf(err) != cases.NotFound {
			t.Fatalf("someone else marks my notice: %v, want not found", err)
		}
		if u, _ := inbox.Unread(as(me)); u != 4 {
			t.Fatalf("unread %d, want 4", u)
		}
		unread, err := inbox.List(as(me), cases.NotificationFilter{UnreadOnly: true})
		if err != nil || len(unread.Items) != 4 {
			t.Fatalf("unread only: %d items %v", len(unread.Items), err)
		}
	})
	t.Run("MarkAllRead", func(t *testing.T) {
		n, err := inbox.MarkAllRead(as(me))
		if err != nil || n != 4 {
			t.Fatalf("marked %d %v, want 4", n, err)
		}
		if u, _ := inbox.Unread(as(me)); u != 0 {
			t.Fatalf("unread %d after read-all", u)
		}
		if u, _ := inbox.Unread(as(other)); u != 1 {
			t.Fatalf("someone else's unread changed to %d", u)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		if _, err := inbox.List(as(me), cases.NotificationFilter{Cursor: "nonsense"}); codeOf(err) != cases.Malformed {
			t.Fatalf("bad cursor: %v", err)
		}
		if _, err := inbox.List(as(me), cases.NotificationFilter{Limit: 500}); codeOf(err) != cases.Invalid {
			t.Fatalf("limit 500: %v", err)
		}
		if _, err := inbox.List(context.Background(), cases.NotificationFilter{}); codeOf(err) != cases.Unauthorized {
			t.Fatalf("no actor: %v", err)
		}
	})
}
