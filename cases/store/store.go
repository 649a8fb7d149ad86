// Package store keeps Redress's domain (package cases) in PostgreSQL: the
// only package that speaks SQL, with one inTx and the ledger-writing helpers.
//
// Exported methods own their transaction and call fooTx(ctx, tx, …) helpers
// that run in the caller's. The helpers that write a case's ledger are
// exported, for writers of several cases at once (handovers, audits) in
// this package or beside it: InTx, ChangeTx, LockCaseTx and AppendEventsTx.
package store

import (
	"context"
	"time"

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
	loc *time.Location // the shop's zone: chat excerpts' times are read in it
	// fewMax is searchFewMax, common searchCommonFreq and probeRows
	// searchProbeRows; tests change them to reach every strategy.
	fewMax    int
	common    float64
	probeRows int
	terms     *termStats
	// clock, when set, is the time writes are recorded at instead of the
	// database's (WithClock): for seeding a past only.
	clock func() time.Time
}

// New returns a Store on db. Chat excerpts' dated times are read in UTC
// until SetLocation names the shop's zone.
func New(db *sqlx.DB) *Store {
	return &Store{db: db, sql: buildStatements(), loc: time.UTC, fewMax: searchFewMax, common: searchCommonFreq,
		probeRows: searchProbeRows, terms: &termStats{db: db}}
}

// SetLocation sets the time zone in which chat excerpts' times without an
// offset are read (REDRESS_TIMEZONE, the shop's zone). Call it before the
// store is used.
func (s *Store) SetLocation(loc *time.Location) {
	if loc != nil {
		s.loc = loc
	}
}

// Location returns the zone chat excerpts' times are read in.
func (s *Store) Location() *time.Location { return s.loc }

// WithClock returns a copy of the store that records its case writes at
// now() instead of the database's clock: a case's creation (created_at,
// updated_at, its first due time and its created event) and every change
// (the facts' Now, the events' times, updated_at). It is for seeding a
// past that is consistent with itself (the demo walks its cases through
// the last fortnight); now must not go backwards, so that each ledger's
// events stay in time order. Production code never sets a clock.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.clock = now
	return &c
}

// RecordTime is the time a write in a transaction that read the database's
// clock as dbNow records: dbNow, or the store's clock when it has one.
func (s *Store) RecordTime(dbNow time.Time) time.Time {
	if s.clock == nil {
		return dbNow
	}
	return s.clock()
}

// clockArg is the store's clock as a statement argument: NULL (the
// statement falls back to now()) when it has none.
func (s *Store) clockArg() any {
	if s.clock == nil {
		return nil
	}
	return s.clock().UTC()
}

// InTx runs fn in one transaction and commits it when fn succeeds, mapping
// every error once (PostgreSQL's to domain errors; domain errors pass
// through). fn writes with the …Tx helpers, such as ChangeTx for each case
// it changes, so that all of it commits or none does.
func (s *Store) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return inTx(ctx, s.db, nil, "case", fn)
}
