package store

import (
	"regexp"
	"testing"

	"github.com/jmoiron/sqlx"

	"redress/cases/testdb"
)

// namedParam finds sqlx's :name parameters, not PostgreSQL's ::type casts.
var namedParam = regexp.MustCompile(`(?:^|[^:]):[a-z_]+`)

func TestQueryFiles(t *testing.T) {
	if len(queries) == 0 {
		t.Fatal("no queries embedded from sql/")
	}
	t.Run("EveryFileIsLoaded", func(t *testing.T) {
		for name := range queries {
			if !loaded[name] {
				t.Errorf("sql/%s.sql is never loaded", name)
			}
		}
	})
	t.Run("EveryQueryPreparesAgainstTheSchema", func(t *testing.T) {
		db := testdb.New(t)
		for name, q := range queries {
			var err error
			if namedParam.MatchString(q) {
				var st *sqlx.NamedStmt
				if st, err = db.PrepareNamed(q); err == nil {
					st.Close()
				}
			} else {
				var st *sqlx.Stmt
				if st, err = db.Preparex(q); err == nil {
					st.Close()
				}
			}
			if err != nil {
				t.Errorf("sql/%s.sql: %v", name, err)
			}
		}
	})
}
