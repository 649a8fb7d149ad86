package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver
)

// benchDB is the only database the benchmark creates, fills or drops:
// redress_bench for the default million cases, redress_bench_<n> for
// another size (the growth curve keeps both), or what -db names, which
// must start with redress_bench too. main sets it before anything runs.
var benchDB = "redress_bench"

// benchDBName is the bench database for n cases, or name when given.
func benchDBName(name string, n int) (string, error) {
	if name == "" {
		if n == 1_000_000 {
			return "redress_bench", nil
		}
		return fmt.Sprintf("redress_bench_%d", n), nil
	}
	if !regexp.MustCompile(`^redress_bench[a-z0-9_]*$`).MatchString(name) {
		return "", fmt.Errorf("-db %q: the bench database's name must start with redress_bench and hold only a-z, 0-9 and _", name)
	}
	return name, nil
}

// seedVersion changes whenever the seeded data set changes shape, so that
// an older seeded database is rebuilt instead of reused.
const seedVersion = 1

// localAdminURL is the machine's PostgreSQL, used when DATABASE_URL is unset.
const localAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// databaseURLs returns the server to create the bench database on and the
// bench database's own URL: DATABASE_URL's server when it is set, else the
// local server.
func databaseURLs(databaseURL string) (admin, bench string, err error) {
	admin = databaseURL
	if admin == "" {
		admin = localAdminURL
	}
	if !strings.HasPrefix(admin, "postgres://") && !strings.HasPrefix(admin, "postgresql://") {
		return "", "", errors.New("DATABASE_URL must be a postgres:// URL for the benchmark")
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", "", errors.New("DATABASE_URL is not a valid URL")
	}
	if strings.TrimPrefix(u.Path, "/") == benchDB {
		// Never stay connected to the database we may drop.
		u.Path = "/postgres"
		admin = u.String()
	}
	b := *u
	b.Path = "/" + benchDB
	return admin, b.String(), nil
}

// openBench connects to the bench database.
func openBench(ctx context.Context, benchURL string) (*sqlx.DB, error) {
	db, err := sqlx.ConnectContext(ctx, "postgres", benchURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", benchDB, err)
	}
	db.SetMaxOpenConns(8)
	return db, nil
}

// prepareDatabase makes sure the bench database exists with a complete seed
// of n cases. It returns true when the existing one can be reused; a
// database from an interrupted or different seed is dropped and created
// afresh, with a UTF-8 locale so that Chinese text is classified as letters.
func prepareDatabase(ctx context.Context, adminURL, benchURL string, n int, reseed bool) (reuse bool, err error) {
	admin, err := sqlx.ConnectContext(ctx, "postgres", adminURL)
	if err != nil {
		return false, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, benchDB); err != nil {
		return false, err
	}
	if exists && !reseed {
		ok, why, err := seedComplete(ctx, benchURL, n)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
		fmt.Printf("seed: %s exists but %s; building it again\n", benchDB, why)
	}
	if exists {
		if err := dropDatabase(ctx, admin); err != nil {
			return false, err
		}
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+benchDB+
		` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`); err != nil {
		return false, fmt.Errorf("create %s: %w", benchDB, err)
	}
	return false, nil
}

// seedComplete reports whether the bench database holds a finished seed of
// n cases of the current seed version, and if not, why.
func seedComplete(ctx context.Context, benchURL string, n int) (bool, string, error) {
	db, err := openBench(ctx, benchURL)
	if err != nil {
		return false, "", err
	}
	defer db.Close()
	var m struct {
		Cases   int `db:"cases"`
		Version int `db:"version"`
	}
	err = db.GetContext(ctx, &m, `SELECT cases, version FROM bench.seed`)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, "its seed did not finish", nil
	case err != nil:
		return false, "it has no seed marker", nil
	case m.Cases != n:
		return false, fmt.Sprintf("it was seeded with %d cases, not %d", m.Cases, n), nil
	case m.Version != seedVersion:
		return false, fmt.Sprintf("its seed is version %d, not %d", m.Version, seedVersion), nil
	}
	return true, "", nil
}

// dropDatabase drops the bench database, and only it.
func dropDatabase(ctx context.Context, admin *sqlx.DB) error {
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+benchDB+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop %s: %w", benchDB, err)
	}
	return nil
}

// clean drops the bench database (make bench-clean).
func clean(ctx context.Context, adminURL string) error {
	admin, err := sqlx.ConnectContext(ctx, "postgres", adminURL)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer admin.Close()
	if err := dropDatabase(ctx, admin); err != nil {
		return err
	}
	fmt.Printf("dropped %s\n", benchDB)
	return nil
}
