package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

// searchCase is what the search tests know of a stored case.
type searchCase struct {
	ID         int64      `db:"id"`
	Ref        string     `db:"ref"`
	State      string     `db:"state"`
	AssigneeID *int64     `db:"assignee_id"`
	Kind       string     `db:"kind"`
	Platform   string     `db:"platform"`
	Shop       string     `db:"shop"`
	DueAt      *time.Time `db:"due_at"`
	CreatedAt  time.Time  `db:"created_at"`
	Overdue    bool       `db:"overdue"`
}

// TestSearchFindsExactlyTheRightCases searches identifiers of every kind
// and words of every frequency, alone and with every filter, in both
// orders and in pages of several sizes, with both of the words search's
// strategies: the pages together must be exactly the cases that carry the
// identifier or the words, in the list's order.
func TestSearchFindsExactlyTheRightCases(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	a := addUser(t, db, cases.RoleAgent)
	b := addUser(t, db, cases.RoleAgent)

	type spec struct {
		platform cases.Platform
		kind     cases.Kind
		shop     string
		order    string
		ext      string
		handle   string
		contact  string
		summary  string
	}
	specs := []spec{
		{"taobao", "damaged", "旗舰店", "202444380906", "TA100000335307", "momo4553", "13812345678", "收到的杯子破损了，要求退款"},
		{"taobao", "damaged", "旗舰店", "202444380907", "", "momo4553", "13900001111", "杯子破损，客服不回消息"},
		{"jd", "quality", "京东店", "TB20260001", "JD100000000001", "MOMO4553", "13700005678", "耳机没声音，要求退款"},
		{"jd", "wrong_item", "京东店", "TB20260002", "", "jd_0042", "", "发错颜色了，要求退款"},
		{"amazon", "damaged", "Acme Home US", "113-1234567-1234567", "AM100000000009", "jsmith12", "+1 415 555 5678", "The mug arrived broken. I want a refund."},
		{"amazon", "quality", "Acme Home US", "113-7654321-7654321", "", "amy_k7", "+1 415 555 0000", "My iphone15 case will not charge, refund please"},
		{"pinduoduo", "lost_parcel", "拼多多店", "231120-555", "", "小明爱购物0042", "15000005678", "快递丢件了，退款"},
		{"douyin", "complaint", "抖音店", "DY88888888", "", "快乐的猫0007", "", "客服态度很差"},
	}
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	var ids []int64
	for i := range 32 {
		sp := specs[i%len(specs)]
		c := newCase(t, s, a, func(in *cases.CaseInput) {
			in.Platform, in.Kind, in.Shop, in.BuyerHandle, in.BuyerContact = sp.platform, sp.kind, sp.shop, sp.handle, sp.contact
			in.Summary, in.Review = sp.summary, nil
			if i < len(specs) {
				in.OrderRef, in.ExternalID = sp.order, sp.ext
			} else {
				in.OrderRef = fmt.Sprintf("9%011d", i)
			}
			switch i % 3 {
			case 1:
				in.AssigneeID = &b.ID
			case 2:
				in.AssigneeID = nil
			}
		})
		ids = append(ids, c.ID)
		// Due times that tie and interleave with the ids, some past; a
		// third of the cases closed.
		due := base.Add(time.Duration(i%5) * time.Hour)
		if i%4 == 0 {
			due = time.Now().Add(-time.Duration(i) * time.Minute)
		}
		if i%3 == 1 {
			db.MustExec(`UPDATE cases SET state = 'closed', closed_at = now(), due_at = NULL WHERE id = $1`, c.ID)
		} else {
			db.MustExec(`UPDATE cases SET due_at = $2, state = $3 WHERE id = $1`, c.ID, due, []string{"respond", "listen", "remedy"}[i%3])
		}
	}
	// A waybill on one case's delivery signature.
	db.MustExec(`INSERT INTO evidence (case_id, kind, sha256, size, content_type, body, courier, waybill, signed_by, signed_at, added_by)
		VALUES ($1, 'delivery_signature', repeat('a', 64), 2, 'application/json', '{}', 'SF', 'SF1234567890', '本人', now(), $2)`, ids[5], a.ID)

	// Statistics, so that common words are known as common (termStats).
	db.MustExec(`ANALYZE cases`)
	var all []searchCase
	if err := db.Select(&all, `SELECT id, ref, state, assignee_id, kind, platform, shop, due_at, created_at,
		(state <> 'closed' AND due_at < now()) AS overdue FROM cases`); err != nil {
		t.Fatal(err)
	}
	byOrder := func(ids ...int64) func(searchCase) bool {
		return func(c searchCase) bool { return slices.Contains(ids, c.ID) }
	}
	// words are matched by the database's own @@ over the search column:
	// what is tested is that every strategy returns the same.
	words := func(q string) func(searchCase) bool {
		var ids []int64
		if err := db.Select(&ids, `SELECT id FROM cases WHERE search @@ to_tsquery('simple', $1)`, store.SearchQuery(q)); err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 {
			t.Fatalf("no case has the words %q: the test needs some", q)
		}
		return byOrder(ids...)
	}
	queries := []struct {
		q     string
		match func(searchCase) bool
		n     int // how many cases match, without filters (0: words, not checked)
	}{
		{all[3].Ref, byOrder(all[3].ID), 1},
		{strings.ToLower(strings.Replace(all[3].Ref, "-", "", 1)), byOrder(all[3].ID), 1},
		{"202444380906", byOrder(ids[0]), 1},
		{"2024443809", byOrder(ids[0], ids[1]), 2},
		{"tb2026", byOrder(ids[2], ids[3]), 2},
		{"TA100000335307", byOrder(ids[0]), 1},
		{"jd100000000001", byOrder(ids[2]), 1},
		{"113-1234567-1234567", byOrder(ids[4]), 1},
		{"SF1234567890", byOrder(ids[5]), 1},
		{"momo4553", func(c searchCase) bool { return slices.Contains([]int64{0, 1, 2}, indexOf(ids, c.ID)%8) }, 12},
		{"小明爱购物0042", func(c searchCase) bool { return indexOf(ids, c.ID)%8 == 6 }, 4},
		{"5678", func(c searchCase) bool { return slices.Contains([]int64{0, 2, 4, 6}, indexOf(ids, c.ID)%8) }, 16},
		{"尾号5678", func(c searchCase) bool { return slices.Contains([]int64{0, 2, 4, 6}, indexOf(ids, c.ID)%8) }, 16},
		{"+1 415 555 5678", func(c searchCase) bool { return indexOf(ids, c.ID)%8 == 4 }, 4},
		{"iphone15", words("iphone15"), 0}, // shaped like an identifier, but only a word
		{"破损", words("破损"), 0},
		{"杯子破损", words("杯子破损"), 0},
		{"退款", words("退款"), 0},
		{"客服", words("客服"), 0},
		{"refu", words("refu"), 0},
		{"Acme", words("Acme"), 0},
	}
	filters := []struct {
		name  string
		f     cases.Filter
		match func(searchCase) bool
	}{
		{"All", cases.Filter{}, func(searchCase) bool { return true }},
		{"State", cases.Filter{States: []cases.State{"respond"}}, func(c searchCase) bool { return c.State == "respond" }},
		{"Closed", cases.Filter{States: []cases.State{"closed"}}, func(c searchCase) bool { return c.State == "closed" }},
		{"Assignee", cases.Filter{AssigneeID: &a.ID}, func(c searchCase) bool { return c.AssigneeID != nil && *c.AssigneeID == a.ID }},
		{"Unassigned", cases.Filter{Unassigned: true}, func(c searchCase) bool { return c.AssigneeID == nil }},
		{"Kind", cases.Filter{Kind: "damaged"}, func(c searchCase) bool { return c.Kind == "damaged" }},
		{"Platform", cases.Filter{Platform: "jd"}, func(c searchCase) bool { return c.Platform == "jd" }},
		{"Shop", cases.Filter{Shop: "旗舰店"}, func(c searchCase) bool { return c.Shop == "旗舰店" }},
		{"Overdue", cases.Filter{Overdue: true}, func(c searchCase) bool { return c.Overdue }},
	}
	for _, strategy := range []struct {
		name      string
		fewMax    int
		common    float64
		probeRows int
	}{
		{"Default", 5000, 0.05, 2000}, // every match fetched and sorted
		{"Many", 3, 2, 2000},          // read in order once more than 3 match
		// Every term in the statistics read in order: in one state or
		// overdue, a probe of the list's first 2,000 cases fills the page.
		{"Common", 5000, 0.0001, 2000},
		// A probe of 3 cases mostly falls short: the count answers.
		{"ShortProbe", 5000, 0.0001, 3},
	} {
		store.SetSearchFewMax(s, strategy.fewMax)
		store.SetSearchCommonFreq(s, strategy.common)
		store.SetSearchProbeRows(s, strategy.probeRows)
		if common := store.CommonQuery(s, store.SearchQuery("退款")); common != (strategy.common < 1) {
			t.Fatalf("%s: 退款 read as common: %v", strategy.name, common)
		}
		for _, q := range queries {
			if q.n > 0 {
				n := 0
				for _, c := range all {
					if q.match(c) {
						n++
					}
				}
				if n != q.n {
					t.Fatalf("q=%s: the test expects %d cases, its data has %d", q.q, q.n, n)
				}
			}
			for _, fl := range filters {
				for _, sort := range []string{cases.SortDue, cases.SortCreated} {
					var want []int64
					for _, c := range sortedCases(all, sort) {
						if q.match(c) && fl.match(c) {
							want = append(want, c.ID)
						}
					}
					for _, limit := range []int{2, 50} {
						name := fmt.Sprintf("%s/%s/%s/%s/Limit%d", strategy.name, q.q, fl.name, sort, limit)
						f := fl.f
						f.Q, f.Sort, f.Limit = q.q, sort, limit
						got := allPages(t, s, f, len(all))
						if !slices.Equal(got, want) {
							t.Errorf("%s: got %v, want %v", name, got, want)
						}
					}
				}
			}
		}
	}
}

// allPages lists every page of f.
func allPages(t *testing.T, s *store.Store, f cases.Filter, max int) []int64 {
	t.Helper()
	var got []int64
	for pages := 0; ; pages++ {
		if pages > max {
			t.Fatalf("more pages than cases: %v so far", got)
		}
		p, err := s.List(context.Background(), f)
		if err != nil {
			t.Fatalf("q=%s: %v", f.Q, err)
		}
		for _, c := range p.Items {
			got = append(got, c.ID)
		}
		if p.NextCursor == "" {
			return got
		}
		f.Cursor = p.NextCursor
	}
}

// sortedCases is all in a list's order.
func sortedCases(all []searchCase, sort string) []searchCase {
	out := slices.Clone(all)
	slices.SortFunc(out, func(x, y searchCase) int {
		if sort == cases.SortCreated {
			if c := y.CreatedAt.Compare(x.CreatedAt); c != 0 {
				return c
			}
			return int(y.ID - x.ID)
		}
		switch {
		case x.DueAt == nil && y.DueAt != nil:
			return 1
		case x.DueAt != nil && y.DueAt == nil:
			return -1
		case x.DueAt != nil:
			if c := x.DueAt.Compare(*y.DueAt); c != 0 {
				return c
			}
		}
		return int(x.ID - y.ID)
	})
	return out
}

func indexOf(ids []int64, id int64) int64 { return int64(slices.Index(ids, id)) }
