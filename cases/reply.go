package cases

import (
	"encoding/json"
	"time"
)

// Reply statuses: agents propose, supervisors and admins approve. Only
// approved replies are offered for insertion.
const (
	ReplyProposed = "proposed"
	ReplyApproved = "approved"
)

// Reply is one entry of the team's reply library (快捷短语). Body may hold
// variables such as {buyer} and {order_ref}, filled from a case on use.
type Reply struct {
	ID           int64           `json:"id" db:"id"`
	Stage        State           `json:"stage" db:"stage"`
	Kind         *Kind           `json:"kind" db:"kind"` // nil: any case kind
	Lang         Language        `json:"lang" db:"lang"`
	Title        string          `json:"title" db:"title"`
	Body         string          `json:"body" db:"body"`
	Status       string          `json:"status" db:"status"`
	ToneWarnings json.RawMessage `json:"tone_warnings" db:"tone_warnings"`
	CreatedBy    int64           `json:"created_by" db:"created_by"`
	CreatedAt    time.Time       `json:"created_at" db:"created_at"`
	UpdatedBy    *int64          `json:"updated_by" db:"updated_by"`
	UpdatedAt    time.Time       `json:"updated_at" db:"updated_at"`
	ApprovedBy   *int64          `json:"approved_by" db:"approved_by"`
	ApprovedAt   *time.Time      `json:"approved_at" db:"approved_at"`
	ArchivedAt   *time.Time      `json:"archived_at,omitempty" db:"archived_at"`
}

// ReplyStats are the uses and outcomes of the cases whose texts were saved
// from a reply, read from their ledgers.
type ReplyStats struct {
	ReplyID     int64 `json:"-" db:"reply_id"`
	Uses        int64 `json:"uses" db:"uses"`                 // texts saved from it
	Cases       int64 `json:"cases" db:"cases"`               // distinct cases
	ReviewCases int64 `json:"review_cases" db:"review_cases"` // closed with a review outcome other than not_applicable
	Recovered   int64 `json:"recovered" db:"recovered"`       // of those, review upgraded or removed
	Reopened    int64 `json:"reopened" db:"reopened"`         // reopened after the reply was used
	Audited     int64 `json:"audited" db:"audited"`           // with an audit verdict
	AuditFailed int64 `json:"audit_failed" db:"audit_failed"` // whose latest verdict is rework
}

// ReplyFilter selects replies.
type ReplyFilter struct {
	Stage     State
	Kind      Kind // matches replies for this kind and those for any kind
	Lang      Language
	Q         string
	Status    string // "" is approved
	CreatedBy *int64 // only this author's (an agent's own proposals)
}
