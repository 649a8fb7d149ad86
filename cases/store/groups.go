package store

// The store's operations are grouped by what they are for, each group a
// view of the same Store (one pool, one inTx) reached through an accessor:
// store.Desk() for the supervisor's desk (remedies, approvals, audits,
// verdicts, policy, audit flags), store.Shifts() for shops and handovers,
// store.Intake() for what imports read and keep: the platforms' deadline
// rules, saved column mappings, cases by their platform key.

// Desk is the supervisor's desk's part of the store.
type Desk struct{ *Store }

// Desk returns the store's supervisor's-desk operations.
func (s *Store) Desk() *Desk { return &Desk{s} }

// Shifts is the shops' and shift handovers' part of the store.
type Shifts struct{ *Store }

// Shifts returns the store's shop and handover operations.
func (s *Store) Shifts() *Shifts { return &Shifts{s} }

// Intake is the imports' part of the store: platform rules, mappings.
type Intake struct{ *Store }

// Intake returns the store's platform rule and import mapping operations.
func (s *Store) Intake() *Intake { return &Intake{s} }
