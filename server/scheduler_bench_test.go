package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// BenchmarkSweep measures the reminder sweep over 1,000,000 cases (half of
// them closed, half open with due times spread over the coming month, each
// assigned to one of 20 agents):
//
//	NewlyOverdue10k  10,000 cases fall overdue before each sweep, which
//	                 reminds them (claims, ledger events, notices)
//	NoneDue          a sweep that finds nothing new, with the cases the
//	                 first sub-benchmark reminded still overdue
//
// Seeding takes a minute or two. Run it with:
//
//	go test -run '^$' -bench Sweep -benchtime 3x ./server/
func BenchmarkSweep(b *testing.B) {
	const total, batch = 1_000_000, 10_000
	db, srv, _ := newServer(b, nil)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	seedMillion(b, db, total, now)

	next := int64(0) // the last open case id made overdue
	b.Run("NewlyOverdue10k", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			var last int64
			if err := db.Get(&last, `WITH due AS (
					SELECT id FROM cases WHERE state <> 'closed' AND id > $1 ORDER BY id LIMIT $2),
				moved AS (UPDATE cases c SET due_at = $3 FROM due WHERE c.id = due.id RETURNING c.id)
				SELECT max(id) FROM moved`,
				next, batch, now.Add(-time.Minute)); err != nil {
				b.Fatal(err)
			}
			next = last
			b.StartTimer()
			res, err := srv.Sweep(ctx, now)
			if err != nil {
				b.Fatal(err)
			}
			if res.Total() != batch {
				b.Fatalf("fired %d, want %d", res.Total(), batch)
			}
		}
	})
	b.Run("NoneDue", func(b *testing.B) {
		for b.Loop() {
			res, err := srv.Sweep(ctx, now)
			if err != nil {
				b.Fatal(err)
			}
			if res.Total() != 0 {
				b.Fatalf("fired %d, want none", res.Total())
			}
		}
	})
}

// seedMillion inserts n cases in one statement: odd ids closed a month
// ago, even ids open and due between an hour and a month after now.
func seedMillion(b *testing.B, db *sqlx.DB, n int, now time.Time) {
	b.Helper()
	start := time.Now()
	stmts := []string{
		`INSERT INTO users (email, display_name, role, password_hash)
			SELECT 'bench-agent-' || g || '@example.com', 'agent ' || g, 'agent', '$argon2id$bench'
			FROM generate_series(1, 20) AS g`,
		`INSERT INTO users (email, display_name, role, password_hash)
			SELECT 'bench-sup-' || g || '@example.com', 'supervisor ' || g, 'supervisor', '$argon2id$bench'
			FROM generate_series(1, 3) AS g`,
		`INSERT INTO cases (platform, shop, kind, severity, state, due_at, closed_at, assignee_id, created_at)
			SELECT (ARRAY['taobao','tmall','jd','pinduoduo','douyin'])[1 + g % 5], 'shop-' || (g % 40),
				(ARRAY['bad_review','logistics_query','damaged','refund_dispute'])[1 + g % 4], 'normal',
				CASE WHEN g % 2 = 1 THEN 'closed'
					ELSE (ARRAY['respond','listen','apologise','remedy','follow_up'])[1 + (g / 2) % 5] END,
				CASE WHEN g % 2 = 1 THEN NULL ELSE $1::timestamptz + interval '1 hour' + (g % 2592000) * interval '1 second' END,
				CASE WHEN g % 2 = 1 THEN $1::timestamptz - interval '30 days' END,
				(SELECT min(id) FROM users WHERE role = 'agent') + g % 20,
				$1::timestamptz - interval '40 days'
			FROM generate_series(1, $2) AS g`,
		`ANALYZE cases`,
		`ANALYZE users`,
	}
	for _, q := range stmts {
		var err error
		if q == stmts[2] {
			_, err = db.Exec(q, now, n)
		} else {
			_, err = db.Exec(q)
		}
		if err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	b.Logf("seeded %d cases in %v", n, time.Since(start).Round(time.Second))
}
