package cases

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// State is a step of the handling protocol.
type State string

// The protocol's states, in order.
const (
	StateRespond   State = "respond"
	StateListen    State = "listen"
	StateApologise State = "apologise"
	StateRemedy    State = "remedy"
	StateFollowUp  State = "follow_up"
	StateClosed    State = "closed"
)

// States returns every state in protocol order.
func States() []State {
	return []State{StateRespond, StateListen, StateApologise, StateRemedy, StateFollowUp, StateClosed}
}

// Valid reports whether s is one of the protocol's states.
func (s State) Valid() bool { return slices.Contains(States(), s) }

// Open reports whether a case in state s still needs work.
func (s State) Open() bool { return s.Valid() && s != StateClosed }

// Platform is the marketplace a case comes from.
type Platform string

// Platforms returns the marketplaces Redress knows.
func Platforms() []Platform {
	return []Platform{"taobao", "tmall", "jd", "pinduoduo", "douyin", "shopify", "amazon", "other"}
}

// Valid reports whether p is a known platform.
func (p Platform) Valid() bool { return slices.Contains(Platforms(), p) }

// Kind is what the buyer's problem is.
type Kind string

// Kinds returns every case kind.
func Kinds() []Kind {
	return []Kind{"bad_review", "medium_review", "logistics_query", "lost_parcel", "missing_item",
		"damaged", "wrong_item", "quality", "refund_dispute", "refund_only", "return_refund",
		"platform_intervention", "complaint"}
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// IsReview reports whether the case is about a medium or bad review.
func (k Kind) IsReview() bool { return k == "bad_review" || k == "medium_review" }

// Severity ranks how urgent a case is.
type Severity string

// Severities returns every severity, lowest first.
func Severities() []Severity { return []Severity{"low", "normal", "high", "urgent"} }

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return slices.Contains(Severities(), s) }

// RootCause is what listening found to be behind the complaint.
type RootCause string

// RootCauses returns every root-cause category.
func RootCauses() []RootCause {
	return []RootCause{"product", "logistics", "service", "buyer_misunderstanding", "suspected_abuse"}
}

// Valid reports whether r is a known root cause.
func (r RootCause) Valid() bool { return slices.Contains(RootCauses(), r) }

// RemedyType is what the shop offers the buyer.
type RemedyType string

// RemedyTypes returns every remedy type.
func RemedyTypes() []RemedyType {
	return []RemedyType{"refund", "partial_refund", "reship", "replace", "coupon", "gift", "explanation", "return_refund"}
}

// Valid reports whether r is a known remedy type.
func (r RemedyType) Valid() bool { return slices.Contains(RemedyTypes(), r) }

// ReviewOutcome is what happened to the buyer's review.
type ReviewOutcome string

// ReviewOutcomes returns every review outcome.
func ReviewOutcomes() []ReviewOutcome {
	return []ReviewOutcome{"upgraded", "removed", "unchanged", "not_applicable"}
}

// Valid reports whether r is a known review outcome.
func (r ReviewOutcome) Valid() bool { return slices.Contains(ReviewOutcomes(), r) }

// CloseReason explains an early close; reports count these separately.
type CloseReason string

// CloseReasons returns every early-close reason.
func CloseReasons() []CloseReason { return []CloseReason{"duplicate", "withdrawn_by_buyer", "invalid"} }

// Valid reports whether r is a known close reason.
func (r CloseReason) Valid() bool { return slices.Contains(CloseReasons(), r) }

// Review is the buyer's review a case is about, when there is one.
type Review struct {
	Rating   *int       `json:"rating"`
	Text     string     `json:"text"`
	PostedAt *time.Time `json:"posted_at"`
	URL      string     `json:"url"`
	// FollowUpText is the buyer's follow-up review (追评), and Removed says
	// the platform no longer shows the review: both learnt from exports.
	FollowUpText string `json:"follow_up_text,omitempty"`
	Removed      bool   `json:"removed,omitempty"`
}

// Return is the goods a buyer sends back under a return_refund remedy:
// the courier and waybill of the parcel, and when the shop received it.
type Return struct {
	Courier    string     `json:"courier"`
	Waybill    string     `json:"waybill"`
	ReceivedAt *time.Time `json:"received_at"`
}

// Remedy is what the shop offers, and whether a supervisor approved it.
// JSON carries it flat, as clients send it: {"type","amount","currency",…}.
type Remedy struct {
	Type       RemedyType
	Amount     Money
	ApprovedBy *int64
	ApprovedAt *time.Time
}

type remedyJSON struct {
	Type       RemedyType `json:"type"`
	Amount     string     `json:"amount"`
	Currency   string     `json:"currency"`
	ApprovedBy *int64     `json:"approved_by"`
	ApprovedAt *time.Time `json:"approved_at"`
}

// MarshalJSON writes the remedy flat, as remedyJSON, by hand (see
// Money.MarshalJSON).
func (r Remedy) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 128)
	b = append(b, `{"type":`...)
	b = appendJSONString(b, string(r.Type))
	b = append(b, `,"amount":"`...)
	b = r.Amount.appendAmount(b)
	b = append(b, `","currency":`...)
	b = appendJSONString(b, r.Amount.Currency)
	b = append(b, `,"approved_by":`...)
	if r.ApprovedBy == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *r.ApprovedBy, 10)
	}
	b = append(b, `,"approved_at":`...)
	if r.ApprovedAt == nil {
		return append(b, "null}"...), nil
	}
	at, err := r.ApprovedAt.MarshalJSON()
	if err != nil {
		return nil, err
	}
	b = append(b, at...)
	return append(b, '}'), nil
}

// UnmarshalJSON reads a flat remedy.
func (r *Remedy) UnmarshalJSON(b []byte) error {
	var in remedyJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	m, err := ParseMoney("remedy", in.Amount, in.Currency)
	if err != nil {
		return err
	}
	*r = Remedy{Type: in.Type, Amount: m, ApprovedBy: in.ApprovedBy, ApprovedAt: in.ApprovedAt}
	return nil
}

// Outcome is how a case ended after follow-up.
type Outcome struct {
	BuyerSatisfied bool          `json:"buyer_satisfied"`
	Review         ReviewOutcome `json:"review"`
	Note           string        `json:"note"`
}

// Case is one complaint, dispute or review handled through the protocol.
type Case struct {
	ID            int64      `json:"id"`
	Ref           string     `json:"ref"`
	ExternalID    string     `json:"external_id"`
	Platform      Platform   `json:"platform"`
	Shop          string     `json:"shop"`
	ShopID        int64      `json:"shop_id"`
	OrderRef      string     `json:"order_ref"`
	OrderValue    *Money     `json:"order_value"`
	BuyerHandle   string     `json:"buyer_handle"`
	BuyerContact  string     `json:"buyer_contact"`
	Kind          Kind       `json:"kind"`
	Severity      Severity   `json:"severity"`
	Summary       string     `json:"summary"`
	Review        Review     `json:"review"`
	AssigneeID    *int64     `json:"assignee_id"`
	State         State      `json:"state"`
	DueAt         *time.Time `json:"due_at"`
	PlatformDueAt *time.Time `json:"platform_due_at"`
	// PlatformRule names the platform rule that set PlatformDueAt, when the
	// deadline was not given.
	PlatformRule   string `json:"platform_rule,omitempty"`
	SuspectedAbuse bool   `json:"suspected_abuse"`
	Overdue        bool   `json:"overdue"`
	// Return is the returned parcel of a return_refund remedy.
	Return *Return `json:"return,omitempty"`
	// BuyerFlaggedAbuse says, in lists, whether the buyer has another case
	// on the platform flagged as suspected abuse (nil when not read).
	BuyerFlaggedAbuse *bool `json:"buyer_flagged_abuse,omitempty"`
	// BuyerHistory is the buyer's other cases on the platform, when read
	// with the case.
	BuyerHistory *BuyerHistory `json:"buyer_history,omitempty"`

	// Stage data recorded by the protocol's moves.
	FirstResponse string      `json:"first_response,omitempty"`
	Account       string      `json:"account,omitempty"`
	RootCause     RootCause   `json:"root_cause,omitempty"`
	Apology       string      `json:"apology,omitempty"`
	SkipReason    string      `json:"skip_apology_reason,omitempty"`
	Remedy        *Remedy     `json:"remedy,omitempty"`
	Outcome       *Outcome    `json:"outcome,omitempty"`
	CloseReason   CloseReason `json:"close_reason,omitempty"`
	ReopenCount   int         `json:"reopen_count"`

	Version   int64      `json:"version"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ClosedAt  *time.Time `json:"closed_at"`
}

// BuyerHistory sums up a buyer's other cases on the same platform (same
// buyer handle): how many there are, how many are still open or were
// flagged as suspected abuse, and what their remedies came to, per
// currency.
type BuyerHistory struct {
	Earlier      int            `json:"earlier"`
	Open         int            `json:"open"`
	AbuseFlagged int            `json:"abuse_flagged"`
	RemedyTotal  []MoneyTotal   `json:"remedy_total"`
	Cases        []HistoryEntry `json:"cases"`
}

// MoneyTotal is a sum in one currency, as a decimal string.
type MoneyTotal struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// HistoryEntry is one of a buyer's other cases, for the case page.
type HistoryEntry struct {
	ID             int64     `json:"id"`
	Ref            string    `json:"ref"`
	Kind           Kind      `json:"kind"`
	State          State     `json:"state"`
	SuspectedAbuse bool      `json:"suspected_abuse"`
	CreatedAt      time.Time `json:"created_at"`
}
