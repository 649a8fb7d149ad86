package main

import (
	"context"
	_ "embed"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/errgroup"

	"redress/cases"
	"redress/cases/store"
	"redress/migrations"
)

//go:embed schema.sql
var benchSchema string

// seedBatch is how many cases one generator job builds.
const seedBatch = 5000

// Users of the bench database.
const (
	agentCount    = 20
	benchPassword = "redress-bench-password"
)

// prepareSchema migrates the bench database and (re)creates the bench
// schema's objects; both are idempotent.
func prepareSchema(ctx context.Context, db *sqlx.DB) error {
	if _, err := migrations.Up(ctx, db.DB); err != nil {
		return fmt.Errorf("migrate %s: %w", benchDB, err)
	}
	if _, err := db.ExecContext(ctx, benchSchema); err != nil {
		return fmt.Errorf("bench schema: %w", err)
	}
	return nil
}

// seed fills an empty, migrated bench database with n cases and their
// ledgers, then records that it is complete.
func seed(ctx context.Context, db *sqlx.DB, n int) error {
	start := time.Now()
	// The generator allocates briskly and lives briefly: collect less often.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	agents, err := createAgents(ctx, db)
	if err != nil {
		return err
	}
	fmt.Printf("seed: %d agents and their API tokens created through the store (%.1fs)\n", len(agents), time.Since(start).Seconds())
	deferred, err := deferIndexes(ctx, db)
	if err != nil {
		return err
	}
	plan := newSeedPlan(n, time.Now().UTC().Truncate(time.Microsecond), agents)
	events, err := copyCases(ctx, db, plan)
	if err != nil {
		return err
	}
	fmt.Printf("seed: copied %d cases and %d events (%.1fs)\n", n, events, time.Since(start).Seconds())
	if err := checkIDs(ctx, db, n); err != nil {
		return err
	}
	if err := restoreIndexes(ctx, db, deferred); err != nil {
		return err
	}
	fmt.Printf("seed: indexes and foreign keys restored (%.1fs)\n", time.Since(start).Seconds())
	if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE) cases, case_events, users, api_tokens`); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	fmt.Printf("seed: vacuumed and analysed (%.1fs)\n", time.Since(start).Seconds())
	if err := checkSeed(ctx, db, n); err != nil {
		return err
	}
	if err := countWords(ctx, db); err != nil {
		return err
	}
	took := time.Since(start).Seconds()
	if _, err := db.ExecContext(ctx, `INSERT INTO bench.seed (cases, version, events, max_case_id, seconds)
		VALUES ($1, $2, $3, $4, $5)`, n, seedVersion, events, int64(n), took); err != nil {
		return fmt.Errorf("seed marker: %w", err)
	}
	fmt.Printf("seed: done in %.1fs\n", took)
	return nil
}

// createAgents creates the agents, a supervisor and an admin through the
// people store, each with an API token kept in bench.agents. Password
// hashing (argon2id) is the slow part, so users are created side by side;
// agents first, so that their ids are consecutive.
func createAgents(ctx context.Context, db *sqlx.DB) ([]int64, error) {
	people := store.NewPeople(db, cases.DefaultAccessPolicy())
	add := func(email, name string, role cases.Role) (int64, error) {
		u, err := people.CreateUser(ctx, cases.NewUser{Email: email, DisplayName: name, Role: role, Password: benchPassword})
		if err != nil {
			return 0, fmt.Errorf("create user %s: %w", email, err)
		}
		tok, err := people.CreateToken(cases.WithActor(ctx, u.Actor()), "bench")
		if err != nil {
			return 0, fmt.Errorf("create token of %s: %w", email, err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO bench.agents (user_id, role, token) VALUES ($1, $2, $3)`,
			u.ID, string(role), tok.Token); err != nil {
			return 0, fmt.Errorf("keep token of %s: %w", email, err)
		}
		return u.ID, nil
	}
	agents := make([]int64, agentCount)
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range agents {
		g.Go(func() (err error) {
			agents[i], err = add(fmt.Sprintf("agent%02d@bench.redress", i+1), fmt.Sprintf("客服 %02d", i+1), cases.RoleAgent)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	g.Go(func() error {
		_, err := add("lead@bench.redress", "主管 Lead", cases.RoleSupervisor)
		return err
	})
	g.Go(func() error {
		_, err := add("admin@bench.redress", "Admin", cases.RoleAdmin)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.Sort(agents)
	for i := 1; i < len(agents); i++ {
		if agents[i] != agents[i-1]+1 {
			return nil, fmt.Errorf("agent ids are not consecutive (%v): pgbench draws them from a range", agents)
		}
	}
	return agents, nil
}

// checkIDs makes sure the identity column handed out ids 1..n in COPY
// order, as the generator (refs, hashes) assumed.
func checkIDs(ctx context.Context, db *sqlx.DB, n int) error {
	var got struct {
		Count int64  `db:"count"`
		Min   int64  `db:"min"`
		Max   int64  `db:"max"`
		Ref   string `db:"ref"`
	}
	if err := db.GetContext(ctx, &got, `SELECT count(*) AS count, min(id) AS min, max(id) AS max,
		(SELECT ref FROM cases WHERE id = max(c.id)) AS ref FROM cases c`); err != nil {
		return fmt.Errorf("check ids: %w", err)
	}
	if got.Count != int64(n) || got.Min != 1 || got.Max != int64(n) || got.Ref != caseRef(int64(n)) {
		return fmt.Errorf("seeded ids are not 1..%d (count %d, min %d, max %d, last ref %s)", n, got.Count, got.Min, got.Max, got.Ref)
	}
	return nil
}

// copyCases generates the cases on every core, in batches, and streams
// them in id order into two COPYs running side by side: cases and
// case_events. It returns how many events it wrote.
func copyCases(ctx context.Context, db *sqlx.DB, plan seedPlan) (int64, error) {
	batches := (plan.n + seedBatch - 1) / seedBatch
	caseSlots := make([]chan []seedCase, batches)
	eventSlots := make([]chan []seedCase, batches)
	for i := range caseSlots {
		caseSlots[i], eventSlots[i] = make(chan []seedCase, 1), make(chan []seedCase, 1)
	}
	g, ctx := errgroup.WithContext(ctx)
	ahead := make(chan struct{}, 2*runtime.GOMAXPROCS(0)) // bounds memory: batches generated but not yet copied
	jobs := make(chan int)
	g.Go(func() error {
		defer close(jobs)
		for b := range batches {
			select {
			case jobs <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			for b := range jobs {
				select {
				case ahead <- struct{}{}:
				case <-ctx.Done():
					return ctx.Err()
				}
				out := make([]seedCase, 0, seedBatch)
				for id := int64(b*seedBatch + 1); id <= int64(min((b+1)*seedBatch, plan.n)); id++ {
					sc, err := plan.generate(id)
					if err != nil {
						return err
					}
					out = append(out, sc)
				}
				caseSlots[b] <- out
				eventSlots[b] <- out
			}
			return nil
		})
	}
	var events int64
	g.Go(func() error {
		return copyRows(ctx, db, "cases", caseCopyColumns, caseSlots, func(sc seedCase, put func(...any) error) error {
			return put(caseCopyRow(sc)...)
		}, func() { <-ahead })
	})
	g.Go(func() error {
		return copyRows(ctx, db, "case_events", eventCopyColumns, eventSlots, func(sc seedCase, put func(...any) error) error {
			for _, e := range sc.events {
				events++
				if err := put(e.CaseID, e.Seq, string(e.Kind), *e.ActorID, e.At, string(e.Payload), e.PrevHash, e.Hash); err != nil {
					return err
				}
			}
			return nil
		}, nil)
	})
	return events, g.Wait()
}
