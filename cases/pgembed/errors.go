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

// FolderError is a data folder the server cannot use: its user cannot
// reach or write it, it is no folder, or it holds something else. The
// message says what is wrong and how to fix it in place; a caller that
// configures the folder adds the name of its setting.
type FolderError struct {
	Dir  string // the data folder
	User string // the system user PostgreSQL runs as when started by root; "" for the current user
	err  error
}

func (e *FolderError) Error() string { return e.err.Error() }
func (e *FolderError) Unwrap() error { return e.err }

// folderError returns a FolderError about dir for acct (nil: the current
// user), its message formatted.
func folderError(dir string, acct *account, format string, args ...any) error {
	e := &FolderError{Dir: dir, err: fmt.Errorf(format, args...)}
	if acct != nil {
		e.User = acct.name
	}
	return e
}
