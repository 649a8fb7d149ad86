package cases

import (
	"encoding/json"
	"time"
)

// Ledger is a case's position in its hash chain: how many events its ledger
// holds and the hash of the newest ("" while it is empty). The case row
// keeps a copy, so that deleting the newest events is caught as well.
type Ledger struct {
	CaseID int64
	Seq    int64
	Head   string
}

// Chain turns new events into ledger entries after l's head, recorded by
// actor (nil for the system) at at, and advances l past them. The store
// calls it while it holds the case's row lock.
func (l *Ledger) Chain(actor *int64, at time.Time, evs []NewEvent) ([]Event, error) {
	out := make([]Event, 0, len(evs))
	for _, ne := range evs {
		payload := ne.Payload
		if payload == nil {
			payload = map[string]any{}
		}
		raw, err := json.Marshal(payload)
		if err != nil {
			return nil, Internalf(err, "encode %s event", ne.Kind)
		}
		if raw, err = CanonicalJSON(raw); err != nil {
			return nil, Internalf(err, "encode %s event", ne.Kind)
		}
		e := Event{CaseID: l.CaseID, Seq: l.Seq + 1, Kind: ne.Kind, ActorID: actor, At: at, Payload: raw, PrevHash: l.Head}
		if e.Hash, err = EventHash(l.Head, e); err != nil {
			return nil, Internalf(err, "hash %s event", ne.Kind)
		}
		l.Seq, l.Head = e.Seq, e.Hash
		out = append(out, e)
	}
	return out, nil
}

// Verification is the result of recomputing a case's ledger.
type Verification struct {
	CaseID   int64  `json:"case_id"`
	OK       bool   `json:"ok"`
	Events   int    `json:"events"`
	BrokenAt *int64 `json:"broken_at"`
	Head     string `json:"head"`
	// EvidenceChecked is how many evidence items had their stored bytes
	// hashed again (nil when the check was not asked for: it reads every
	// byte); EvidenceBroken lists those that no longer match the ledger.
	EvidenceChecked *int               `json:"evidence_checked,omitempty"`
	EvidenceBroken  []EvidenceMismatch `json:"evidence_broken,omitempty"`
}

// EvidenceMismatch is an evidence item whose stored content no longer
// hashes to the SHA-256 its evidence_added event recorded in the ledger.
type EvidenceMismatch struct {
	EvidenceID int64  `json:"evidence_id"`
	Recorded   string `json:"recorded_sha256"`
	Stored     string `json:"stored_sha256"`
	Reason     string `json:"reason"`
}

// Verify recomputes evs, a case's ledger oldest first, and checks that it
// ends at l, the head the case row recorded; it names the first broken link.
func (l Ledger) Verify(evs []Event) Verification {
	v := Verification{CaseID: l.CaseID, Events: len(evs), OK: true}
	if broken := VerifyChain(evs); broken != 0 {
		v.OK, v.BrokenAt = false, &broken
	} else if n := int64(len(evs)); n != l.Seq || (n > 0 && evs[n-1].Hash != l.Head) {
		// Events missing at the end: the first missing one is the break.
		at := n + 1
		if n > l.Seq {
			at = l.Seq + 1
		}
		v.OK, v.BrokenAt = false, &at
	}
	if len(evs) > 0 {
		v.Head = evs[len(evs)-1].Hash
	}
	return v
}
