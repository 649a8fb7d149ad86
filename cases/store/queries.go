package store

import (
	"embed"
	"io/fs"
	"strings"
)

// The longer static queries live in sql/<name>.sql, one query a file, read
// once when the package initialises; queries built from Go column lists or
// allow-listed fragments stay next to the code that builds them.
//
//go:embed sql/*.sql
var sqlFiles embed.FS

// queries are the files of sql/ by name, without the extension; loaded
// records the names query was asked for, so that a test can find files
// nobody loads.
var (
	queries = readQueries(sqlFiles)
	loaded  = map[string]bool{}
)

func readQueries(fsys fs.FS) map[string]string {
	names, err := fs.Glob(fsys, "sql/*.sql")
	if err != nil {
		panic(err)
	}
	out := make(map[string]string, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			panic(err)
		}
		out[strings.TrimSuffix(strings.TrimPrefix(n, "sql/"), ".sql")] = strings.TrimSpace(string(b))
	}
	return out
}

// query returns the query in sql/<name>.sql. It is called to initialise
// package variables, so a missing file stops the program at start-up.
func query(name string) string {
	q, ok := queries[name]
	if !ok {
		panic("store: no query sql/" + name + ".sql")
	}
	loaded[name] = true
	return q
}

// Queries from sql/.
var (
	evidenceSelect        = query("evidence_select")
	evidenceInsert        = query("evidence_insert")
	loginFailureWait      = query("login_failure_wait")
	reminderClaimsInsert  = query("reminder_claims_insert")
	replyStats            = query("reply_stats")
	webhookDeliveriesPage = query("webhook_deliveries_page")
)
