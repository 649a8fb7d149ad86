package pgembed

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoBinaries reports that no directory holds the PostgreSQL server
// binaries initdb, pg_ctl and postgres.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries found")

// noBinariesError wraps ErrNoBinaries in a one-line message that names the
// places searched and both ways out: install PostgreSQL, or use Docker.
func noBinariesError(searched []string) error {
	if len(searched) == 0 {
		searched = []string{"no folders"}
	}
	return fmt.Errorf("%w (searched %s): install PostgreSQL 15+ (apt-get install postgresql / brew install postgresql@15), or run \"docker compose up\" and set DATABASE_URL",
		ErrNoBinaries, strings.Join(searched, ", "))
}
