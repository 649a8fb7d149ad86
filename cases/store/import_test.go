package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

func due(cases.Kind, cases.Severity) time.Duration { return 30 * time.Minute }

func count(t *testing.T, s *store.Store) int {
	t.Helper()
	p, err := s.List(context.Background(), cases.Filter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Items)
}

func TestImport(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	ctx := as(agent)
	csv := "\xef\xbb\xbfplatform,external_id,shop,kind,order_amount,order_currency,review_rating,review_text,review_posted_at\n" +
		"taobao,TB-1,旗舰店,bad_review,59.90,CNY,1,\"杯子破损了, 很失望\",2026-11-20 10:00:00\n" +
		"jd,JD-1,京东店,lost_parcel,,,,,\n" +
		"taobao,TB-2,旗舰店,bad_review,59.90,CNY,6,差,\n" + // rating 6
		"taobao,TB-3,旗舰店,nonsense,,,,,\n" + // unknown kind
		"taobao,TB-1,旗舰店,bad_review,,,,,\n" + // repeats line 2
		"amazon,AZ-1,US store,refund_dispute,-5,USD,,,\n" + // negative money
		",,,,,,,,\n" // blank line
	rep, err := s.Import(ctx, []byte(csv), due)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 2 || rep.Skipped != 0 || len(rep.Errors) != 4 {
		t.Fatalf("report %+v", rep)
	}
	wantErr := map[int]string{4: "review_rating", 5: "kind", 6: "external_id", 7: "order_amount"}
	for _, e := range rep.Errors {
		if wantErr[e.Line] != e.Field {
			t.Errorf("line %d: field %q (%s), want %q", e.Line, e.Field, e.Detail, wantErr[e.Line])
		}
	}
	p, _ := s.List(context.Background(), cases.Filter{Q: "破损"})
	if len(p.Items) != 1 || p.Items[0].ExternalID != "TB-1" || p.Items[0].Review.PostedAt == nil ||
		p.Items[0].Review.PostedAt.UTC().Hour() != 2 {
		t.Fatalf("imported case: %+v", p.Items)
	}
	t.Run("SecondImportSkips", func(t *testing.T) {
		rep, err := s.Import(ctx, []byte(csv), due)
		if err != nil || rep.Created != 0 || rep.Skipped != 2 {
			t.Fatalf("second import: %+v %v", rep, err)
		}
		if n := count(t, s); n != 2 {
			t.Fatalf("%d cases after importing twice, want 2", n)
		}
	})
	refused := map[string]string{
		"UnknownColumn":   "platform,external_id,shop,kind,colour\ntaobao,X,s,damaged,red\n",
		"MissingColumn":   "platform,shop,kind\ntaobao,s,damaged\n",
		"DuplicateColumn": "platform,external_id,shop,kind,shop\ntaobao,X,s,damaged,t\n",
		"NotUTF8":         "platform,external_id,shop,kind\ntaobao,X,\xb5\xea,damaged\n",
		"Empty":           "",
	}
	for name, body := range refused {
		t.Run("Refuses"+name, func(t *testing.T) {
			_, err := s.Import(ctx, []byte(body), due)
			var e *cases.Error
			if !asErr(err, &e) || e.Code != cases.Invalid || (e.Field != "columns" && e.Field != "body") {
				t.Fatalf("got %v", err)
			}
			if n := count(t, s); n != 2 {
				t.Fatalf("refused file changed the cases: %d", n)
			}
		})
	}
	t.Run("NotUTF8NamesTheLine", func(t *testing.T) {
		_, err := s.Import(ctx, []byte(refused["NotUTF8"]), due)
		if !strings.Contains(err.Error(), "line 2") {
			t.Fatalf("%v does not name line 2", err)
		}
	})
}
