package store

import (
	"github.com/jmoiron/sqlx"
)

// Store keeps cases, their ledgers and their evidence in PostgreSQL, and
// imports cases from platform exports; users live in People. Each exported
// method owns its transaction and calls …Tx helpers that run in the
// caller's; only BeginEvidence hands its transaction on, to the
// EvidenceDraft that commits it.
type Store struct {
	db  *sqlx.DB
	sql statements
}

// New returns a Store on db.
func New(db *sqlx.DB) *Store { return &Store{db: db, sql: buildStatements()} }
