package cases

import (
	"encoding/json"
	"time"
)

// ToneRuleRecord is a tone rule as it is kept: the rule itself as JSON (its
// shape and validation are package workflows/tone's), whether Redress ships
// it, and whether it is checked.
type ToneRuleRecord struct {
	ID        string          `json:"id" db:"id"`
	Rule      json.RawMessage `json:"rule" db:"rule"`
	Builtin   bool            `json:"builtin" db:"builtin"`
	Enabled   bool            `json:"enabled" db:"enabled"`
	UpdatedBy *int64          `json:"updated_by" db:"updated_by"`
	UpdatedAt time.Time       `json:"updated_at" db:"updated_at"`
}

// FlagReviewTiedRemedy is the reason a case is flagged for audit when one
// of its texts ties a remedy to a review (a "flagged" event's payload
// reason).
const FlagReviewTiedRemedy = "review_tied_remedy"
