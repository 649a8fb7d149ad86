package cases

import "time"

// Facts are what the protocol needs to know beyond the case itself, read in
// the same transaction that changes the case.
type Facts struct {
	Now              time.Time // the database's clock
	Actor            Actor
	HasAbuseEvidence bool // a chat excerpt or delivery signature is on the case
	Shop             Shop // the case's shop, for its business calendar
}

// Change is what a decision does to a case.
type Change struct {
	Case   Case
	Events []NewEvent
	// KeepVersion leaves the version alone: a comment does not make what a
	// colleague is editing stale.
	KeepVersion bool
}

// Decide computes a change from the case as it stands, under its row lock.
type Decide func(c Case, f Facts) (Change, error)

// CreatedPayload is the payload of a case's "created" event; tools that
// write ledgers in bulk (the benchmark's seed) use it to write the same.
func CreatedPayload(c Case) map[string]any {
	p := map[string]any{
		"ref": c.Ref, "platform": c.Platform, "shop": c.Shop, "kind": c.Kind, "severity": c.Severity,
		"state": c.State, "due_at": c.DueAt,
	}
	if c.ExternalID != "" {
		p["external_id"] = c.ExternalID
	}
	if c.AssigneeID != nil {
		p["assignee_id"] = *c.AssigneeID
	}
	return p
}
