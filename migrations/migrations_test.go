package migrations_test

import (
	"context"
	"sync"
	"testing"

	"redress/cases/testdb"
	"redress/migrations"
)

func TestUpTwiceIsNoOp(t *testing.T) {
	db, _ := testdb.NewEmpty(t)
	ctx := context.Background()
	n, err := migrations.Up(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("first run applied no migration")
	}
	n, err = migrations.Up(ctx, db.DB)
	if err != nil || n != 0 {
		t.Fatalf("second run: applied %d, err %v; want 0, nil", n, err)
	}
	p, err := migrations.NewProvider(db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if pending, err := migrations.Pending(ctx, p); err != nil || pending {
		t.Fatalf("pending = %v, %v after up", pending, err)
	}
}

func TestConcurrentStartsBothSucceed(t *testing.T) {
	_, dsn := testdb.NewEmpty(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	applied := make([]int, 2)
	for i := range 2 {
		wg.Go(func() {
			// Each "instance" has its own pool, as two processes would.
			db, err := openPlain(dsn)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			applied[i], errs[i] = migrations.Up(ctx, db)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	p, _ := migrations.NewProvider(mustOpen(t, dsn))
	total := len(p.ListSources())
	if applied[0]+applied[1] != total {
		t.Fatalf("applied %d + %d migrations, want %d in all (each exactly once)", applied[0], applied[1], total)
	}
}

func TestPendingOnEmptyDatabase(t *testing.T) {
	db, _ := testdb.NewEmpty(t)
	p, err := migrations.NewProvider(db.DB)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := migrations.Pending(context.Background(), p)
	if err != nil || !pending {
		t.Fatalf("pending = %v, %v on an empty database; want true", pending, err)
	}
}
