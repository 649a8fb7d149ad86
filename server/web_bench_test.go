package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
	"redress/cases/store"
)

// BenchmarkQueuePage measures the server time of the queue pages with
// 1,000,000 cases in the database (100 agents with about 950 open cases
// each, 5,000 open cases unassigned): the handler, its queries and the template,
// through the real router, without a network in between.
//
//	go test -run '^$' -bench QueuePage -benchtime 200x ./server/
func BenchmarkQueuePage(b *testing.B) {
	db, h := newBenchServer(b)
	people := store.NewPeople(db, testAccessPolicy())
	ctx := context.Background()
	var agents []int64
	var agent, lead cases.User
	for i := 0; i < 101; i++ {
		role := cases.RoleAgent
		if i == 100 {
			role = cases.RoleSupervisor
		}
		u, err := people.CreateUser(ctx, cases.NewUser{Email: fmt.Sprintf("bench%d@example.com", i),
			DisplayName: fmt.Sprintf("客服%d", i), Role: role, Password: testPassword})
		if err != nil {
			b.Fatal(err)
		}
		if role == cases.RoleAgent {
			agents = append(agents, u.ID)
		}
		if i == 7 {
			agent = u
		}
		lead = u
	}
	start := time.Now()
	seedQueueMillion(b, db, agents)
	b.Logf("seeded 1,000,000 cases in %s", time.Since(start).Round(time.Second))

	cookie := func(u cases.User) string {
		ns, err := people.Login(ctx, cases.LoginAttempt{Email: u.Email, Password: testPassword, Address: "192.0.2.9"})
		if err != nil {
			b.Fatal(err)
		}
		return "redress_session=" + ns.Token
	}
	agentCookie, leadCookie := cookie(agent), cookie(lead)
	get := func(path, ck string) string {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", ck)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d: %.300s", path, rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	first := get("/", agentCookie)
	if n := strings.Count(first, "<tr data-row"); n != cases.DefaultPageSize {
		b.Fatalf("the queue shows %d rows", n)
	}
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first)
	if next == nil {
		b.Fatal("no next page")
	}
	nextPage := strings.ReplaceAll(next[1], "&amp;", "&")

	for _, bc := range []struct{ name, path, cookie string }{
		{"MyQueue", "/", agentCookie},
		{"MyQueueNextPage", nextPage, agentCookie},
		{"MyQueueFilteredByKind", "/?kind=lost_parcel", agentCookie},
		{"Unassigned", "/?scope=unassigned", agentCookie},
		{"AllCasesSupervisor", "/cases", leadCookie},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rows := strings.Count(get(bc.path, bc.cookie), "<tr data-row")
			if rows == 0 {
				b.Fatalf("%s lists no cases: the benchmark would measure an empty page", bc.path)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				get(bc.path, bc.cookie)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// seedQueueMillion inserts 1,000,000 cases in one INSERT … SELECT: nine in ten
// closed, the open ones spread over the five open states with due times
// from half an hour ago to four days ahead; a twentieth of the closed ones
// and 5,000 open ones unassigned.
func seedQueueMillion(b *testing.B, db *sqlx.DB, agents []int64) {
	b.Helper()
	_, err := db.Exec(`
		INSERT INTO cases (platform, shop, order_ref, order_amount, order_currency, buyer_handle, buyer_contact,
			kind, severity, summary, assignee_id, state, due_at, created_at, closed_at, version)
		SELECT (ARRAY['taobao','tmall','jd','pinduoduo','douyin','shopify','amazon','other'])[1 + g % 8],
			'店铺' || (g % 40), 'ORD' || g, 59.90 + g % 300, 'CNY', '买家' || g, '138' || lpad((g % 100000000)::text, 8, '0'),
			(ARRAY['bad_review','medium_review','logistics_query','lost_parcel','missing_item','damaged',
				'wrong_item','quality','refund_dispute','complaint'])[1 + (g / 7) % 10],
			(ARRAY['low','normal','normal','high','urgent'])[1 + g % 5],
			'收到的商品有问题 ' || g,
			CASE WHEN g % 20 = 0 OR g % 200 = 3 THEN NULL ELSE ($1::bigint[])[1 + (g / 20) % array_length($1::bigint[], 1)] END,
			CASE WHEN g % 10 <> 3 THEN 'closed'
				ELSE (ARRAY['respond','listen','apologise','remedy','follow_up'])[1 + (g / 10) % 5] END,
			CASE WHEN g % 10 <> 3 THEN NULL ELSE now() + ((g::bigint * 7919) % 6000 - 30) * interval '1 minute' END,
			now() - (g % 525600) * interval '1 minute',
			CASE WHEN g % 10 <> 3 THEN now() - (g % 500000) * interval '1 minute' END,
			3
		FROM generate_series(1, 1000000) AS g`, pq.Array(agents))
	if err != nil {
		b.Fatal(err)
	}
	// As autovacuum would have: statistics for the planner, and a
	// visibility map for index-only scans.
	if _, err := db.Exec(`VACUUM ANALYZE cases`); err != nil {
		b.Fatal(err)
	}
}
