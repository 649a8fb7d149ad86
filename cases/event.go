package cases

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// EventKind names what happened to a case.
type EventKind string

// Event kinds recorded in a case's ledger.
const (
	EventCreated         EventKind = "created"
	EventEdited          EventKind = "edited"          // payload: {"changes":{field:{"old":…,"new":…}}}
	EventTransitioned    EventKind = "transitioned"    // payload: {"from","to","move",…stage data}
	EventAssigned        EventKind = "assigned"        // payload: {"from","to"}
	EventCommented       EventKind = "commented"       // payload: {"body"}
	EventRemedyProposed  EventKind = "remedy_proposed" // payload: {"remedy","needs_approval","limit"}
	EventRemedyApproved  EventKind = "remedy_approved" // payload: {"remedy"}
	EventEvidenceAdded   EventKind = "evidence_added"
	EventEvidenceVoided  EventKind = "evidence_voided"
	EventReminded        EventKind = "reminded"
	EventEscalated       EventKind = "escalated"
	EventHandedOver      EventKind = "handed_over"
	EventAudited         EventKind = "audited"          // payload: {"verdict","score","failed_items","comment","cited"}
	EventRemedyDeclined  EventKind = "remedy_declined"  // payload: {"remedy","comment"}
	EventVerdictDisputed EventKind = "verdict_disputed" // payload: {"verdict_id","comment"}
	// EventApprovalRequested is not a ledger event: it names the webhook
	// message that tells supervisors a remedy waits for them.
	EventApprovalRequested EventKind = "approval_requested"
	// EventFlagged marks a case for audit; payload {"reason", "field",
	// "rules"}. Reason FlagReviewTiedRemedy is recorded when a text of the
	// case ties a remedy to a review; the audit queue selects on it.
	EventFlagged        EventKind = "flagged"
	EventReviewChanged  EventKind = "review_changed"  // payload: {"changes":{field:{"old":…,"new":…}},"source":"import",…}
	EventReturnReceived EventKind = "return_received" // payload: {"received_at","courier","waybill"}
	// EventContactViewed records that someone was shown the buyer's whole
	// contact (personal data), who and when; the payload is empty.
	EventContactViewed EventKind = "contact_viewed"
)

// NewEvent is an event to append; the store gives it its sequence, actor,
// time and hashes.
type NewEvent struct {
	Kind    EventKind
	Payload map[string]any
}

// Event is one entry of a case's append-only, hash-chained ledger.
type Event struct {
	Seq      int64           `json:"seq" db:"seq"`
	CaseID   int64           `json:"case_id" db:"case_id"`
	Kind     EventKind       `json:"kind" db:"kind"`
	ActorID  *int64          `json:"actor_id" db:"actor_id"`
	At       time.Time       `json:"at" db:"at"`
	Payload  json.RawMessage `json:"payload" db:"payload"`
	PrevHash string          `json:"prev_hash" db:"prev_hash"`
	Hash     string          `json:"hash" db:"hash"`
}

// CanonicalJSON re-encodes a JSON document with sorted object keys, no
// insignificant white space and numbers as written, so that the bytes hashed
// before storing match the bytes recomputed from PostgreSQL's jsonb later.
func CanonicalJSON(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	return json.Marshal(v) // maps marshal with sorted keys
}

// EventHash computes the ledger hash of e chained to prevHash: SHA-256 over
// a length-prefixed encoding of every field but Hash, so that no two events
// share an encoding.
func EventHash(prevHash string, e Event) (string, error) {
	payload, err := CanonicalJSON(e.Payload)
	if err != nil {
		return "", err
	}
	actor := ""
	if e.ActorID != nil {
		actor = strconv.FormatInt(*e.ActorID, 10)
	}
	h := sha256.New()
	for _, part := range []string{
		"redress-event-v1",
		strconv.FormatInt(e.CaseID, 10),
		strconv.FormatInt(e.Seq, 10),
		string(e.Kind),
		actor,
		e.At.UTC().Format(time.RFC3339Nano),
		string(payload),
		prevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// VerifyChain recomputes the hashes of events (oldest first) and returns the
// sequence number of the first event whose link is broken, or 0 when the
// chain is intact.
func VerifyChain(events []Event) int64 {
	prev := ""
	for i, e := range events {
		if e.Seq != int64(i+1) || e.PrevHash != prev {
			return e.Seq
		}
		h, err := EventHash(prev, e)
		if err != nil || h != e.Hash {
			return e.Seq
		}
		prev = e.Hash
	}
	return 0
}
