package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

// addUser inserts a user directly; the people store has its own tests.
func addUser(t *testing.T, db *sqlx.DB, role cases.Role) cases.Actor {
	t.Helper()
	var id int64
	err := db.Get(&id, `INSERT INTO users (email, display_name, role, password_hash)
		VALUES ($1, $2, $3, '$argon2id$test') RETURNING id`,
		fmt.Sprintf("%s-%d@example.com", role, time.Now().UnixNano()), string(role), string(role))
	if err != nil {
		t.Fatal(err)
	}
	return cases.Actor{ID: id, Role: role}
}

func as(a cases.Actor) context.Context { return cases.WithActor(context.Background(), a) }

func newCase(t *testing.T, s *store.Store, a cases.Actor, mutate ...func(*cases.CaseInput)) cases.Case {
	t.Helper()
	in := cases.CaseInput{Platform: "taobao", Shop: "旗舰店", Kind: "bad_review", Summary: "收到的杯子破损了",
		Review: &cases.ReviewInput{Text: "收到的杯子破损了，非常失望"}}
	for _, m := range mutate {
		m(&in)
	}
	c, err := in.Case()
	if err != nil {
		t.Fatal(err)
	}
	created, err := s.Create(as(a), c, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

func codeOf(err error) cases.Code { return cases.ErrorCode(err) }

func TestCreateAndGet(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	c := newCase(t, s, agent, func(in *cases.CaseInput) {
		in.OrderValue = &cases.MoneyInput{Amount: "59.90", Currency: "CNY"}
		r := 1
		in.Review.Rating = &r
	})
	if c.Ref != fmt.Sprintf("C-%06d", c.ID) || c.State != cases.StateRespond || c.Version != 1 {
		t.Fatalf("created %+v", c)
	}
	if c.DueAt == nil || c.DueAt.Sub(c.CreatedAt) != 30*time.Minute {
		t.Fatalf("due %v, created %v: want 30 minutes later", c.DueAt, c.CreatedAt)
	}
	got, err := s.Get(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.OrderValue == nil || got.OrderValue.Amount() != "59.90" || *got.Review.Rating != 1 || got.Review.Text != c.Review.Text {
		t.Fatalf("read back %+v", got)
	}
	if _, err := s.Get(context.Background(), c.ID+1000); codeOf(err) != cases.NotFound {
		t.Fatalf("missing case: %v, want not found", err)
	}
	v, err := s.Verify(context.Background(), c.ID, false)
	if err != nil || !v.OK || v.Events != 1 {
		t.Fatalf("verify new case: %+v %v", v, err)
	}
	t.Run("RefusedWithoutActor", func(t *testing.T) {
		cin, _ := cases.CaseInput{Platform: "jd", Shop: "s", Kind: "complaint"}.Case()
		if _, err := s.Create(context.Background(), cin, time.Minute); codeOf(err) != cases.Unauthorized {
			t.Fatalf("create without actor: %v", err)
		}
	})
	t.Run("DatabaseRefusesBadRating", func(t *testing.T) {
		if _, err := db.Exec(`UPDATE cases SET review_rating = 6 WHERE id = $1`, c.ID); err == nil {
			t.Fatal("the database accepted rating 6")
		}
	})
}

func TestChangeIsConditional(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	c := newCase(t, s, agent)
	bump := func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		next := cur
		next.Summary = cur.Summary + "!"
		return cases.Change{Case: next, Events: []cases.NewEvent{{Kind: cases.EventEdited, Payload: map[string]any{"n": 1}}}}, nil
	}
	t.Run("StaleVersionConflicts", func(t *testing.T) {
		stale := c.Version + 5
		_, err := s.Change(as(agent), c.ID, &stale, bump)
		var e *cases.Error
		if !errors.As(err, &e) || e.Code != cases.Conflict || e.Extra["current_version"] != c.Version {
			t.Fatalf("stale write: %v", err)
		}
	})
	t.Run("ConcurrentWritesOneWins", func(t *testing.T) {
		cur, _ := s.Get(context.Background(), c.ID)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				v := cur.Version
				_, errs[i] = s.Change(as(agent), c.ID, &v, bump)
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch codeOf(err) {
			case "":
				won++
			case cases.Conflict:
			default:
				t.Fatalf("unexpected error %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d writers won, want exactly 1", won)
		}
		evs, _ := s.Events(context.Background(), c.ID)
		if len(evs) != 2 {
			t.Fatalf("ledger holds %d events, want created + one edit", len(evs))
		}
	})
	t.Run("OtherAgentForbidden", func(t *testing.T) {
		other := addUser(t, db, cases.RoleAgent)
		mine := newCase(t, s, agent, func(in *cases.CaseInput) { in.AssigneeID = &agent.ID })
		if _, err := s.Change(as(other), mine.ID, nil, bump); codeOf(err) != cases.Forbidden {
			t.Fatalf("other agent: %v, want forbidden", err)
		}
		sup := addUser(t, db, cases.RoleSupervisor)
		if _, err := s.Change(as(sup), mine.ID, nil, bump); err != nil {
			t.Fatalf("supervisor: %v", err)
		}
	})
	t.Run("DecisionErrorChangesNothing", func(t *testing.T) {
		before, _ := s.Get(context.Background(), c.ID)
		_, err := s.Change(as(agent), c.ID, nil, func(cases.Case, cases.Facts) (cases.Change, error) {
			return cases.Change{}, cases.FieldError("to", "no")
		})
		after, _ := s.Get(context.Background(), c.ID)
		if codeOf(err) != cases.Invalid || after.Version != before.Version || after.Summary != before.Summary {
			t.Fatalf("refused decision changed the case: %v", err)
		}
	})
}

func TestLedgerIsAppendOnlyAndTamperEvident(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	c := newCase(t, s, agent)
	for i := range 3 {
		_, err := s.Change(as(agent), c.ID, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
			return cases.Change{Case: cur, KeepVersion: true, Events: []cases.NewEvent{{Kind: cases.EventCommented, Payload: map[string]any{"body": fmt.Sprint("note ", i)}}}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`UPDATE case_events SET payload = '{"body":"forged"}' WHERE case_id = $1 AND seq = 3`, c.ID); err == nil {
		t.Fatal("UPDATE on the ledger was accepted")
	}
	if _, err := db.Exec(`DELETE FROM case_events WHERE case_id = $1`, c.ID); err == nil {
		t.Fatal("DELETE on the ledger was accepted")
	}
	// A superuser can disable the trigger; verify must still catch it.
	tamper := func(sql string) {
		t.Helper()
		tx := db.MustBegin()
		tx.MustExec(`ALTER TABLE case_events DISABLE TRIGGER case_events_append_only`)
		tx.MustExec(sql, c.ID)
		tx.MustExec(`ALTER TABLE case_events ENABLE TRIGGER case_events_append_only`)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	tamper(`UPDATE case_events SET payload = '{"body":"forged"}' WHERE case_id = $1 AND seq = 3`)
	v, err := s.Verify(context.Background(), c.ID, false)
	if err != nil || v.OK || v.BrokenAt == nil || *v.BrokenAt != 3 {
		t.Fatalf("verify after tampering seq 3: %+v %v", v, err)
	}
	tamper(`DELETE FROM case_events WHERE case_id = $1 AND seq >= 3`)
	v, _ = s.Verify(context.Background(), c.ID, false)
	if v.OK || *v.BrokenAt != 3 {
		t.Fatalf("verify after deleting the tail: %+v", v)
	}
	var broken []int64
	checked, n, err := s.VerifyAll(context.Background(), false, func(v cases.Verification) { broken = append(broken, v.CaseID) })
	if err != nil || checked != 1 || n != 1 || broken[0] != c.ID {
		t.Fatalf("verify all: checked %d broken %d %v %v", checked, n, broken, err)
	}
}

func TestListFiltersAndPages(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	other := addUser(t, db, cases.RoleAgent)
	var mine []cases.Case
	for i := range 7 {
		mine = append(mine, newCase(t, s, agent, func(in *cases.CaseInput) {
			in.AssigneeID = &agent.ID
			in.Summary = fmt.Sprintf("case %d", i)
		}))
	}
	newCase(t, s, other, func(in *cases.CaseInput) {
		in.AssigneeID = &other.ID
		in.Platform, in.Kind = "amazon", "lost_parcel"
		in.Summary, in.Review = "Parcel never arrived, want a refund", nil
	})
	ctx := context.Background()
	t.Run("KeysetPagesCoverEverythingOnce", func(t *testing.T) {
		seen := map[int64]bool{}
		f := cases.Filter{States: []cases.State{cases.StateRespond}, AssigneeID: &agent.ID, Limit: 3}
		pages := 0
		for {
			p, err := s.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, c := range p.Items {
				if seen[c.ID] {
					t.Fatalf("case %d on two pages", c.ID)
				}
				seen[c.ID] = true
			}
			if p.NextCursor == "" {
				break
			}
			f.Cursor = p.NextCursor
		}
		if len(seen) != 7 || pages != 3 {
			t.Fatalf("saw %d cases on %d pages, want 7 on 3", len(seen), pages)
		}
	})
	t.Run("ChineseSearch", func(t *testing.T) {
		p, err := s.List(ctx, cases.Filter{Q: "破损"})
		if err != nil || len(p.Items) != 7 {
			t.Fatalf("q=破损: %d items, %v", len(p.Items), err)
		}
		p, _ = s.List(ctx, cases.Filter{Q: "杯子破损"})
		if len(p.Items) != 7 {
			t.Fatalf("q=杯子破损: %d items", len(p.Items))
		}
		p, _ = s.List(ctx, cases.Filter{Q: "耳机"})
		if len(p.Items) != 0 {
			t.Fatalf("q=耳机 found %d cases that do not mention it", len(p.Items))
		}
	})
	t.Run("EnglishSearchAndPrefix", func(t *testing.T) {
		p, _ := s.List(ctx, cases.Filter{Q: "refu"})
		if len(p.Items) != 1 || p.Items[0].Platform != "amazon" {
			t.Fatalf("q=refu: %+v", p.Items)
		}
		p, _ = s.List(ctx, cases.Filter{Q: "PARCEL arrived"})
		if len(p.Items) != 1 {
			t.Fatalf("q=PARCEL arrived: %d", len(p.Items))
		}
	})
	t.Run("SearchByRef", func(t *testing.T) {
		p, _ := s.List(ctx, cases.Filter{Q: mine[2].Ref})
		if len(p.Items) != 1 || p.Items[0].ID != mine[2].ID {
			t.Fatalf("q=%s: %d items", mine[2].Ref, len(p.Items))
		}
	})
	t.Run("Filters", func(t *testing.T) {
		p, _ := s.List(ctx, cases.Filter{Platform: "amazon", Kind: "lost_parcel"})
		if len(p.Items) != 1 {
			t.Fatalf("platform+kind: %d", len(p.Items))
		}
		p, _ = s.List(ctx, cases.Filter{Shop: "旗舰店", Sort: cases.SortCreated})
		if len(p.Items) != 8 || p.Items[0].ID < p.Items[1].ID {
			t.Fatalf("shop, newest first: %d", len(p.Items))
		}
		db.MustExec(`UPDATE cases SET due_at = now() - interval '1 minute' WHERE id = $1`, mine[0].ID)
		p, _ = s.List(ctx, cases.Filter{Overdue: true})
		if len(p.Items) != 1 || !p.Items[0].Overdue {
			t.Fatalf("overdue: %+v", p.Items)
		}
	})
	t.Run("BadFilters", func(t *testing.T) {
		for name, f := range map[string]cases.Filter{
			"state":  {States: []cases.State{"lost"}},
			"limit":  {Limit: 1000},
			"sort":   {Sort: "random()"},
			"cursor": {Cursor: "not-a-cursor"},
			"kind":   {Kind: "x"},
		} {
			_, err := s.List(ctx, f)
			var e *cases.Error
			if !errors.As(err, &e) || e.Field != name {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

func TestMaskContact(t *testing.T) {
	for in, want := range map[string]string{"13812345678": "138****5678", "": "", "abc": "***", "a@b.cn": "a****n"} {
		if got := cases.MaskContact(in); got != want {
			t.Errorf("MaskContact(%q) = %q, want %q", in, got, want)
		}
	}
}
