package testdb

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/migrations"
)

// These tests run against the real server with families of their own
// (redress_testdb_…), which neither real runs nor these tests' neighbours
// ever look at.

// testFamily is a family only this test uses; its databases are dropped
// when the test ends.
func testFamily(t *testing.T, admin *sqlx.DB) family {
	t.Helper()
	r := randomHex(3)
	f := family{template: "redress_testdb_tpl_" + r + "_", test: "redress_testdb_db_" + r + "_"}
	t.Cleanup(func() {
		var names []string
		if err := admin.Select(&names, `SELECT datname FROM pg_database
			WHERE starts_with(datname, $1) OR starts_with(datname, $2)`, f.template, f.test); err != nil {
			t.Logf("list test databases: %v", err)
		}
		for _, n := range names {
			if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(n) + ` WITH (FORCE)`); err != nil {
				t.Logf("drop %s: %v", n, err)
			}
		}
	})
	return f
}

func openAdmin(t *testing.T) (*sqlx.DB, *sql.Conn) {
	t.Helper()
	admin, err := sqlx.Open("postgres", AdminURL())
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		t.Fatalf("no PostgreSQL reachable at %s: %v\nfix: %s", redact(AdminURL()), err, howToFix)
	}
	t.Cleanup(func() { admin.Close() })
	conn, err := admin.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return admin, conn
}

// createEmpty creates the database name, commented with prefix and at
// unless prefix is empty.
func createEmpty(t *testing.T, conn *sql.Conn, name, prefix string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)+` TEMPLATE template0`); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	if prefix != "" {
		if err := mark(ctx, conn, name, prefix, at); err != nil {
			t.Fatal(err)
		}
	}
}

// lookUp is the oid and comment of database name, if it exists.
func lookUp(t *testing.T, admin *sqlx.DB, name string) (oid int64, comment string, exists bool) {
	t.Helper()
	err := admin.QueryRow(`SELECT oid, coalesce(shobj_description(oid, 'pg_database'), '')
		FROM pg_database WHERE datname = $1`, name).Scan(&oid, &comment)
	if err == sql.ErrNoRows {
		return 0, "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return oid, comment, true
}

func TestStale(t *testing.T) {
	f := family{template: "redress_testdb_tpl_", test: "redress_testdb_db_"}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	marked := func(prefix string, at time.Time) string { return prefix + at.Format(time.RFC3339) }
	keep := f.template + "000000000000"
	for _, c := range []struct {
		behaviour string
		db        database
		stale     bool
	}{
		{"FreshTemplateOfAnotherHash", database{f.template + "aaaaaaaaaaaa", marked(completeMark, now.Add(-time.Hour)), 0}, false},
		{"TemplateUnusedForADay", database{f.template + "aaaaaaaaaaaa", marked(completeMark, now.Add(-day-time.Minute)), 0}, true},
		{"TemplateUnusedForADaySomeoneIsConnectedTo", database{f.template + "aaaaaaaaaaaa", marked(completeMark, now.Add(-2*day)), 1}, false},
		{"TemplateWithoutMark", database{f.template + "aaaaaaaaaaaa", "", 0}, false},
		{"TemplateWithAnotherComment", database{f.template + "aaaaaaaaaaaa", "made by hand", 0}, false},
		{"BuildAbandonedADayAgo", database{f.template + "aaaaaaaaaaaa", marked(buildingMark, now.Add(-2*day)), 0}, true},
		{"BuildInProgress", database{f.template + "aaaaaaaaaaaa", marked(buildingMark, now.Add(-time.Minute)), 0}, false},
		{"TheTemplateInUse", database{keep, marked(completeMark, now.Add(-2*day)), 0}, false},
		{"TestDatabaseOfACrashedRun", database{f.testName(now.Add(-2 * day)), "", 0}, true},
		{"TestDatabaseOfARecentRun", database{f.testName(now.Add(-time.Hour)), "", 0}, false},
		{"TestDatabaseWithoutCreationTime", database{f.test + "0123456789ab", "", 0}, false},
		{"DatabaseOfAnotherFamily", database{"redress_bench", marked(completeMark, now.Add(-2*day)), 0}, false},
	} {
		t.Run(c.behaviour, func(t *testing.T) {
			if got := f.stale(c.db, keep, now); got != c.stale {
				t.Errorf("stale(%+v) = %v, want %v", c.db, got, c.stale)
			}
		})
	}
}

// TestDropStale holds dropStale to the rules above on the real server, where
// "connected" and "dropped" mean what PostgreSQL says.
func TestDropStale(t *testing.T) {
	admin, conn := openAdmin(t)
	f := testFamily(t, admin)
	now := time.Now()
	day := 24 * time.Hour
	dbs := []struct {
		behaviour string
		name      string
		mark      string
		at        time.Time
		connect   bool
		dropped   bool
	}{
		{"KeepsFreshTemplateOfAnotherHash", f.template + "aaaaaaaaaaaa", completeMark, now.Add(-time.Hour), false, false},
		{"DropsStaleUnusedTemplate", f.template + "bbbbbbbbbbbb", completeMark, now.Add(-2 * day), false, true},
		{"KeepsStaleTemplateSomeoneIsConnectedTo", f.template + "cccccccccccc", completeMark, now.Add(-2 * day), true, false},
		{"DropsTestDatabaseOfACrashedRun", f.testName(now.Add(-2 * day)), "", time.Time{}, false, true},
	}
	for _, d := range dbs {
		createEmpty(t, conn, d.name, d.mark, d.at)
		if d.connect {
			db, err := sql.Open("postgres", withDatabase(AdminURL(), d.name))
			if err == nil {
				err = db.Ping()
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
		}
	}

	if err := dropStale(context.Background(), conn, f, f.template+"000000000000", now); err != nil {
		t.Fatalf("dropStale: %v", err)
	}
	for _, d := range dbs {
		t.Run(d.behaviour, func(t *testing.T) {
			if _, _, exists := lookUp(t, admin, d.name); exists == d.dropped {
				t.Errorf("%s exists = %v after dropStale, want %v", d.name, exists, !d.dropped)
			}
		})
	}
}

func TestEnsureTemplate(t *testing.T) {
	ctx := context.Background()
	sum, err := schemaHash(migrations.FS())
	if err != nil {
		t.Fatal(err)
	}
	migrated := func(t *testing.T, name string) {
		t.Helper()
		db, err := sql.Open("postgres", withDatabase(AdminURL(), name))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var cases sql.NullString
		if err := db.QueryRow(`SELECT to_regclass('cases')::text`).Scan(&cases); err != nil {
			t.Fatal(err)
		}
		if !cases.Valid {
			t.Errorf("template %s has no cases table: not migrated", name)
		}
	}

	t.Run("BuildsTheTemplateOnceThenMarksItUsed", func(t *testing.T) {
		admin, conn := openAdmin(t)
		f := testFamily(t, admin)
		name, err := ensureTemplate(ctx, admin, f, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if want := f.template + sum; name != want {
			t.Fatalf("template %s, want %s", name, want)
		}
		before, comment, _ := lookUp(t, admin, name)
		if !strings.HasPrefix(comment, completeMark) {
			t.Errorf("template comment %q, want it marked complete", comment)
		}
		migrated(t, name)

		if err := mark(ctx, conn, name, completeMark, time.Now().Add(-30*time.Hour)); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if _, err := ensureTemplate(ctx, admin, f, now); err != nil {
			t.Fatal(err)
		}
		after, comment, exists := lookUp(t, admin, name)
		if !exists || after != before {
			t.Fatalf("a complete template was rebuilt or dropped (oid %d, then %d, exists %v)", before, after, exists)
		}
		if at, ok := markedAt(comment); !ok || !strings.HasPrefix(comment, completeMark) || at.Before(now.Add(-time.Second)) {
			t.Errorf("template comment %q, want complete and last used at %s", comment, now.UTC().Format(time.RFC3339))
		}
	})

	t.Run("RebuildsATemplateWhoseBuildCrashed", func(t *testing.T) {
		admin, conn := openAdmin(t)
		f := testFamily(t, admin)
		name := f.template + sum
		createEmpty(t, conn, name, buildingMark, time.Now().Add(-time.Minute))
		before, _, _ := lookUp(t, admin, name)
		if _, err := ensureTemplate(ctx, admin, f, time.Now()); err != nil {
			t.Fatal(err)
		}
		after, comment, exists := lookUp(t, admin, name)
		if !exists || after == before {
			t.Fatalf("incomplete template not rebuilt (oid %d, then %d, exists %v)", before, after, exists)
		}
		if !strings.HasPrefix(comment, completeMark) {
			t.Errorf("template comment %q, want it marked complete", comment)
		}
		migrated(t, name)
	})
}

func TestSchemaHash(t *testing.T) {
	base := fstest.MapFS{
		"00001_a.sql": {Data: []byte("CREATE TABLE a ();")},
		"00002_b.sql": {Data: []byte("CREATE TABLE b ();")},
	}
	hash := func(fsys fstest.MapFS) string {
		t.Helper()
		h, err := schemaHash(fsys)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	h := hash(base)
	if len(h) != 12 {
		t.Fatalf("hash %q, want 12 hex digits", h)
	}
	if again := hash(fstest.MapFS{"00001_a.sql": base["00001_a.sql"], "00002_b.sql": base["00002_b.sql"]}); again != h {
		t.Errorf("same migrations hash to %s and %s", h, again)
	}
	changed := fstest.MapFS{"00001_a.sql": base["00001_a.sql"], "00002_b.sql": {Data: []byte("CREATE TABLE b (x int);")}}
	renamed := fstest.MapFS{"00001_a.sql": base["00001_a.sql"], "00003_b.sql": base["00002_b.sql"]}
	added := fstest.MapFS{"00001_a.sql": base["00001_a.sql"], "00002_b.sql": base["00002_b.sql"], "00003_c.sql": {Data: []byte("")}}
	for what, fsys := range map[string]fstest.MapFS{"a changed file": changed, "a renamed file": renamed, "an added file": added} {
		if hash(fsys) == h {
			t.Errorf("%s keeps the hash %s", what, h)
		}
	}
}
