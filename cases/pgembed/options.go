package pgembed

import (
	"fmt"
	"log/slog"
	"path/filepath"
)

// defaultDatabase is the database Start creates when Options.Database is empty.
const defaultDatabase = "redress"

// superuser is the cluster's bootstrap superuser, the role in Server.URL.
const superuser = "redress"

// Options configures Start.
type Options struct {
	// DataDir is the cluster's folder (PGDATA), e.g. "./data/postgres". Its
	// parent folder holds the password file and the server log.
	DataDir string
	// BinDirs, when non-nil, are the only folders searched for the server
	// binaries; nil means the default search (see FindBinaries).
	BinDirs []string
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Database is the database to create and connect to; "" means "redress".
	Database string
}

// layout is where a cluster's files live, derived from Options.
type layout struct {
	dataDir  string // PGDATA, absolute
	parent   string // folder holding dataDir, the password file and the log
	password string // password file
	log      string // server log written by pg_ctl
}

// newLayout resolves the data folder to an absolute path and names the files
// kept beside it.
func newLayout(dataDir string) (layout, error) {
	if dataDir == "" {
		return layout{}, fmt.Errorf("pgembed: Options.DataDir is empty")
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return layout{}, fmt.Errorf("pgembed: data folder %s: %w", dataDir, err)
	}
	parent := filepath.Dir(abs)
	return layout{
		dataDir:  abs,
		parent:   parent,
		password: filepath.Join(parent, "postgres.password"),
		log:      filepath.Join(parent, "postgres.log"),
	}, nil
}
