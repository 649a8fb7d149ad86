package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

// The seed writes cases and ledgers without the store; these tests hold it
// to the store's own rules, so that a change to cases (the hash, the search
// document, the cursor) cannot silently make the benchmark's data differ.

func TestSeededCasesMatchWhatTheStoreWrites(t *testing.T) {
	db := testdb.New(t)
	if _, err := db.Exec(benchSchema); err != nil {
		t.Fatal(err)
	}
	plan := newSeedPlan(2000, time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC), []int64{3, 4, 5})
	states := map[cases.State]int{}
	for id := int64(1); id <= int64(plan.n); id += 7 {
		sc, err := plan.generate(id)
		if err != nil {
			t.Fatal(err)
		}
		states[sc.c.State]++
		if broken := cases.VerifyChain(sc.events); broken != 0 {
			t.Fatalf("case %d: ledger broken at event %d", id, broken)
		}
		if err := sc.c.Validate(); err != nil {
			t.Fatalf("case %d is not valid: %v", id, err)
		}
		if want := int64(len(sc.events)); sc.c.Version != want {
			t.Fatalf("case %d: version %d after %d events", id, sc.c.Version, want)
		}
		var same bool
		if err := db.Get(&same, `SELECT $1::tsvector = to_tsvector('simple', $2)`, sc.search, store.SearchDocument(sc.c)); err != nil {
			t.Fatal(err)
		}
		if !same {
			t.Fatalf("case %d: search literal %q differs from to_tsvector of %q", id, sc.search, store.SearchDocument(sc.c))
		}
		for _, e := range sc.events {
			var h string
			if err := db.Get(&h, `SELECT bench.event_hash($1, $2, $3, $4, $5, $6, $7)`,
				e.CaseID, e.Seq, string(e.Kind), e.ActorID, e.At, string(e.Payload), e.PrevHash); err != nil {
				t.Fatal(err)
			}
			if h != e.Hash {
				t.Fatalf("case %d event %d: bench.event_hash %s, cases.EventHash %s", id, e.Seq, h, e.Hash)
			}
		}
	}
	for _, st := range cases.States() {
		if states[st] == 0 {
			t.Errorf("no generated case ends in %s (%v)", st, states)
		}
	}
}

func TestBenchCursorIsOneTheListAccepts(t *testing.T) {
	db := testdb.New(t)
	at := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	b, err := json.Marshal(cursor{Sort: "due", At: &at, ID: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.New(db).List(context.Background(), cases.Filter{States: []cases.State{cases.StateListen},
		Cursor: base64.RawURLEncoding.EncodeToString(b)})
	if err != nil {
		t.Fatalf("the list refuses the benchmark's cursor: %v", err)
	}
}

func TestParsePgbench(t *testing.T) {
	out := `transaction type: pgbench/queue.sql
scaling factor: 1
query mode: extended
number of clients: 16
number of threads: 2
maximum number of tries: 1
duration: 25 s
number of transactions actually processed: 75730
number of failed transactions: 0 (0.000%)
latency average = 5.283 ms
initial connection time = 23.104 ms
tps = 3028.642219 (without initial connection time)
`
	r, err := parsePgbench(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.TPS != 3028.642219 || r.Transactions != 75730 || r.Failed != 0 || r.LatencyAvgMs != 5.283 {
		t.Fatalf("parsed %+v", r)
	}
	if _, err := parsePgbench("pgbench: error: connection refused\n"); err == nil {
		t.Fatal("output without tps parsed")
	}
}

func TestSeedPipelineRestoresTheSchemaAndPassesItsChecks(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	if _, err := db.Exec(benchSchema); err != nil {
		t.Fatal(err)
	}
	var agents []int64
	for i := range 3 {
		var id int64
		if err := db.Get(&id, `INSERT INTO users (email, display_name, role, password_hash)
			VALUES ($1, 'agent', 'agent', '$argon2id$test') RETURNING id`, "agent"+string(rune('a'+i))+"@bench.test"); err != nil {
			t.Fatal(err)
		}
		agents = append(agents, id)
	}
	schema := func() []string {
		var defs []string
		if err := db.Select(&defs, `SELECT pg_get_indexdef(indexrelid) FROM pg_index
			WHERE indrelid IN ('cases'::regclass, 'case_events'::regclass)
			UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated::text FROM pg_constraint
			WHERE conrelid IN ('cases'::regclass, 'case_events'::regclass) ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		return defs
	}
	before := schema()
	const n = 400
	d, err := deferIndexes(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.indexes) == 0 || len(d.foreignKeys) == 0 {
		t.Fatalf("deferred %d indexes and %d foreign keys; want some of each", len(d.indexes), len(d.foreignKeys))
	}
	events, err := copyCases(ctx, db, newSeedPlan(n, time.Now().UTC().Truncate(time.Microsecond), agents))
	if err != nil {
		t.Fatal(err)
	}
	if events < n {
		t.Fatalf("%d events for %d cases", events, n)
	}
	if err := checkIDs(ctx, db, n); err != nil {
		t.Fatal(err)
	}
	if err := restoreIndexes(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	if after := schema(); !slices.Equal(after, before) {
		t.Fatalf("schema after the seed:\n%v\nbefore:\n%v", after, before)
	}
	if err := checkSeed(ctx, db, n); err != nil {
		t.Fatal(err)
	}
}
