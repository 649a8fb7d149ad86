package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// staleAfter is how long a database must have gone unused before a run may
// drop it: far longer than a test run (go test stops one after ten minutes
// unless told otherwise), so no run loses a database it is using.
const staleAfter = 24 * time.Hour

// createdLayout is the creation time in a per-test database's name.
const createdLayout = "20060102150405"

// testName names a per-test database of f after its creation time, so that
// a later run can tell one a crashed run left behind from one in use.
func (f family) testName(created time.Time) string {
	return f.test + created.UTC().Format(createdLayout) + "_" + randomHex(6)
}

// database is what dropStale knows of a database.
type database struct {
	name        string
	comment     string
	connections int
}

// stale reports whether d, one of f's databases other than the template
// keep, may be dropped: nobody is connected to it and it was last used, or
// created, more than staleAfter before now. A database without a time
// stale can read is kept: a run of an older testdb, which records none, may
// be using it (and that testdb, finding its template gone, would rebuild it
// and drop every other template by force).
func (f family) stale(d database, keep string, now time.Time) bool {
	if d.name == keep || d.connections > 0 {
		return false
	}
	var at time.Time
	var ok bool
	switch {
	case strings.HasPrefix(d.name, f.template):
		at, ok = markedAt(d.comment)
	case strings.HasPrefix(d.name, f.test):
		stamp, _, _ := strings.Cut(strings.TrimPrefix(d.name, f.test), "_")
		var err error
		at, err = time.Parse(createdLayout, stamp)
		ok = err == nil
	}
	return ok && now.Sub(at) > staleAfter
}

// dropStale drops f's stale databases. It never forces: PostgreSQL refuses
// to drop a database someone connected to since the look-up, and that run
// keeps it.
func dropStale(ctx context.Context, conn *sql.Conn, f family, keep string, now time.Time) error {
	rows, err := conn.QueryContext(ctx, `SELECT d.datname, coalesce(shobj_description(d.oid, 'pg_database'), ''),
			(SELECT count(*) FROM pg_stat_activity a WHERE a.datid = d.oid)
		FROM pg_database d
		WHERE starts_with(d.datname, $1) OR starts_with(d.datname, $2)`, f.template, f.test)
	if err != nil {
		return fmt.Errorf("list databases: %w", err)
	}
	var stale []string
	for rows.Next() {
		var d database
		if err := rows.Scan(&d.name, &d.comment, &d.connections); err != nil {
			rows.Close()
			return fmt.Errorf("list databases: %w", err)
		}
		if f.stale(d, keep, now) {
			stale = append(stale, d.name)
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("list databases: %w", err)
	}
	var errs []error
	for _, name := range stale {
		if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)); err != nil {
			errs = append(errs, fmt.Errorf("drop stale %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
