package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/migrations"
)

// family names one set of databases testdb manages: migrated templates and
// the per-test databases cloned from them. The tests of testdb use families
// of their own, so they never touch the databases real test runs use.
type family struct {
	template string // a template is template + the migrations' hash
	test     string // a per-test database is test + its creation time + random
}

// ours is the family of every test of Redress.
var ours = family{template: "redress_tpl_", test: "redress_test_"}

// templateLock is the advisory lock under which every test process on the
// server builds, marks and drops templates, one process at a time.
const templateLock = 72657374

// A template's comment says how far it got: building since a time, or
// complete and last used at a time. Another run reads that time to tell a
// template in use from one nobody has needed for a day.
const (
	buildingMark = "redress testdb: template building since "
	completeMark = "redress testdb: template complete, last used "
)

// ensureTemplate makes sure f's template for the current migrations exists
// and is complete, marks it used at now, drops f's stale databases, and
// returns the template's name. It holds templateLock throughout, so that
// parallel test processes build a template once, and a process never drops
// a template another has just marked used.
func ensureTemplate(ctx context.Context, admin *sqlx.DB, f family, now time.Time) (string, error) {
	sum, err := schemaHash(migrations.FS())
	if err != nil {
		return "", err
	}
	name := f.template + sum
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		return "", fmt.Errorf("lock templates: %w", err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, templateLock) //nolint:errcheck

	exists, complete, err := templateState(ctx, conn, name)
	if err != nil {
		return "", err
	}
	if complete {
		if err := mark(ctx, conn, name, completeMark, now); err != nil {
			return "", err
		}
	} else {
		// Under the lock nobody else builds it, so a template that exists
		// but is not complete is what a crashed or failed build left.
		if exists {
			if _, err := conn.ExecContext(ctx, `DROP DATABASE `+pq.QuoteIdentifier(name)); err != nil {
				return "", fmt.Errorf("drop incomplete template %s: %w", name, err)
			}
		}
		if err := buildTemplate(ctx, conn, name, now); err != nil {
			return "", err
		}
	}
	// Best effort: what cannot be dropped now, a later run drops.
	_ = dropStale(ctx, conn, f, name, now)
	return name, nil
}

// templateState reports whether the template name exists and whether a
// build completed it. A database whose DROP was interrupted (datconnlimit
// -2) keeps its comment but can no longer be cloned.
func templateState(ctx context.Context, conn *sql.Conn, name string) (exists, complete bool, err error) {
	var comment string
	var invalid bool
	err = conn.QueryRowContext(ctx, `SELECT coalesce(shobj_description(oid, 'pg_database'), ''), datconnlimit = -2
		FROM pg_database WHERE datname = $1`, name).Scan(&comment, &invalid)
	if err == sql.ErrNoRows {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("look up template %s: %w", name, err)
	}
	return true, strings.HasPrefix(comment, completeMark) && !invalid, nil
}

// buildTemplate creates the template name and migrates it. It is marked
// building first, so that a build that dies half-way is rebuilt by the next
// run of the same migrations, or dropped as stale by a run of other ones.
func buildTemplate(ctx context.Context, conn *sql.Conn, name string, now time.Time) error {
	// A UTF-8 ctype is what makes pg_trgm produce trigrams for Chinese text.
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)+
		` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`); err != nil {
		return fmt.Errorf("create template %s: %w", name, err)
	}
	if err := mark(ctx, conn, name, buildingMark, now); err != nil {
		return err
	}
	tdb, err := sql.Open("postgres", withDatabase(AdminURL(), name))
	if err != nil {
		return err
	}
	_, err = migrations.Up(ctx, tdb)
	tdb.Close()
	if err != nil {
		return fmt.Errorf("migrate template %s: %w", name, err)
	}
	return mark(ctx, conn, name, completeMark, now)
}

// mark sets the comment of database name to prefix and the time at.
func mark(ctx context.Context, conn *sql.Conn, name, prefix string, at time.Time) error {
	comment := prefix + at.UTC().Format(time.RFC3339)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`COMMENT ON DATABASE %s IS %s`,
		pq.QuoteIdentifier(name), pq.QuoteLiteral(comment))); err != nil {
		return fmt.Errorf("mark template %s: %w", name, err)
	}
	return nil
}

// markedAt is the time in a comment mark wrote, building or complete.
func markedAt(comment string) (time.Time, bool) {
	for _, prefix := range []string{completeMark, buildingMark} {
		if rest, ok := strings.CutPrefix(comment, prefix); ok {
			at, err := time.Parse(time.RFC3339, rest)
			return at, err == nil
		}
	}
	return time.Time{}, false
}

// schemaHash identifies the migrations by their names and contents: the
// first 12 hex digits of a SHA-256, so a changed migration gets a new
// template and the same migrations share one across checkouts.
func schemaHash(migrationFiles fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrationFiles, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrationFiles, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}
