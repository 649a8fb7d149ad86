package cases

import "github.com/jmoiron/sqlx"

// Store keeps cases, their ledger, evidence and users in PostgreSQL. Its
// exported methods each own one transaction.
type Store struct {
	db  *sqlx.DB
	sql statements
}

// NewStore returns a Store on db.
func NewStore(db *sqlx.DB) *Store { return &Store{db: db, sql: buildStatements()} }
