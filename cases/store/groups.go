package store

// The store's operations are grouped by what they are for, each group a
// view of the same Store (one pool, one inTx) reached through an accessor:
// store.Desk() for the supervisor's desk (remedies, approvals, audits,
// verdicts, policy), store.Shifts() for shops and handovers,
// store.Rules() for the platforms' deadline rules.

// Desk is the supervisor's desk's part of the store.
type Desk struct{ *Store }

// Desk returns the store's supervisor's-desk operations.
func (s *Store) Desk() *Desk { return &Desk{s} }

// Shifts is the shops' and shift handovers' part of the store.
type Shifts struct{ *Store }

// Shifts returns the store's shop and handover operations.
func (s *Store) Shifts() *Shifts { return &Shifts{s} }

// Rules is the platform deadline rules' part of the store.
type Rules struct{ *Store }

// Rules returns the store's platform rule operations.
func (s *Store) Rules() *Rules { return &Rules{s} }
