// Package migrations holds Redress's schema as numbered SQL files, embedded
// in the binary and applied with goose under a PostgreSQL advisory lock.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed *.sql
var files embed.FS

// FS returns the embedded migration files.
func FS() fs.FS { return files }

// lockID is the advisory lock key shared by every Redress instance, so that
// two instances starting together apply migrations one after the other.
const lockID = 0x7265647265737301 // "redress\x01"

// NewProvider returns a goose provider for db that serialises migration runs
// across processes with a session advisory lock on a pinned connection.
func NewProvider(db *sql.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, files, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Up applies every pending migration and returns how many it applied.
func Up(ctx context.Context, db *sql.DB) (int, error) {
	p, err := NewProvider(db)
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrations: up: %w", err)
	}
	return len(res), nil
}

// Pending reports whether db lacks migrations this binary knows.
func Pending(ctx context.Context, p *goose.Provider) (bool, error) {
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("migrations: %w", err)
	}
	return pending, nil
}
