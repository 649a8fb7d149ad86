package cases

import (
	"slices"
	"time"
)

// ToTeam reports whether h was handed to a shift's team rather than to one
// agent.
func (h Handover) ToTeam() bool { return h.ToUserID == nil }

// Receives reports whether userID may acknowledge h: its incoming agent,
// or, for a team handover, anyone but the outgoing agent.
func (h Handover) Receives(userID int64) bool {
	if h.ToUserID == nil {
		return userID != h.FromUserID
	}
	return *h.ToUserID == userID
}

// HandoverStatus is the outgoing agent's read of a handed case (I-PASS's
// severity): on track, to watch, or at risk.
type HandoverStatus string

// The handover statuses.
const (
	StatusOnTrack HandoverStatus = "on_track"
	StatusWatch   HandoverStatus = "watch"
	StatusAtRisk  HandoverStatus = "at_risk"
)

// HandoverStatuses returns every status, calmest first.
func HandoverStatuses() []HandoverStatus {
	return []HandoverStatus{StatusOnTrack, StatusWatch, StatusAtRisk}
}

// Valid reports whether s is a known status.
func (s HandoverStatus) Valid() bool { return slices.Contains(HandoverStatuses(), s) }

// EventHandoverAcknowledged is appended when the incoming agent takes a
// handed case; payload {"handover_id","from","to","read_back"}.
const EventHandoverAcknowledged EventKind = "handover_acknowledged"

// EventHandoverReminded is appended to every case of a handover left
// unacknowledged when it is reminded to the incoming agent or escalated to
// supervisors; payload {"handover_id","level","ack_due_at","to","recipients"}.
const EventHandoverReminded EventKind = "handover_reminded"

// HandoverLevel is a reminder about a handover left unacknowledged.
type HandoverLevel string

// The handover reminder levels: the incoming agent first, supervisors a
// grace later.
const (
	HandoverOverdue    HandoverLevel = "handover_overdue"
	HandoverEscalation HandoverLevel = "handover_escalation"
)

// HandoverNotice is one reminder about a handover left unacknowledged.
type HandoverNotice struct {
	HandoverID int64
	Level      HandoverLevel
	AckDueAt   time.Time
	Cases      int
	Now        time.Time
}

// Handover is one shift's handing of cases from an outgoing agent to an
// incoming one, or to the next shift's team: then ToUserID is nil, ToShift
// names the shift, and whoever on it acknowledges a case takes it.
type Handover struct {
	ID             int64          `json:"id"`
	FromUserID     int64          `json:"from_user_id"`
	ToUserID       *int64         `json:"to_user_id"`
	ToShift        string         `json:"to_shift,omitempty"`
	Note           string         `json:"note"`
	Cases          []HandoverCase `json:"cases"`
	CreatedAt      time.Time      `json:"created_at"`
	AckDueAt       time.Time      `json:"ack_due_at"`
	AcknowledgedAt *time.Time     `json:"acknowledged_at"`
}

// HandoverCase is the structured note on one handed case, and its
// acknowledgement.
type HandoverCase struct {
	CaseID          int64          `json:"case_id"`
	Ref             string         `json:"ref"`
	ShopID          int64          `json:"shop_id"`
	Shop            string         `json:"shop"`
	Status          HandoverStatus `json:"status"`
	Note            string         `json:"note"`
	NextAction      string         `json:"next_action"`
	NextActionDueAt *time.Time     `json:"next_action_due_at"`
	Contingency     string         `json:"contingency"`
	Promise         string         `json:"promise"`
	PromiseDueAt    *time.Time     `json:"promise_due_at"`
	CaseState       State          `json:"case_state"`
	CaseDueAt       *time.Time     `json:"case_due_at"`
	PlatformDueAt   *time.Time     `json:"platform_due_at"`
	ReadBack        string         `json:"read_back"`
	AcknowledgedAt  *time.Time     `json:"acknowledged_at"`
	AcknowledgedBy  *int64         `json:"acknowledged_by"`
}

// HandoverInput is a handover as the outgoing agent posts it: to one
// incoming agent (ToUserID) or to the next shift's team (ToShift, the
// shift's name).
type HandoverInput struct {
	ToUserID int64               `json:"to_user_id"`
	ToShift  string              `json:"to_shift"`
	Note     string              `json:"note"`
	Cases    []HandoverCaseInput `json:"cases"`
}

// HandoverCaseInput is the structured note on one case to hand over.
type HandoverCaseInput struct {
	CaseID          int64          `json:"case_id"`
	Status          HandoverStatus `json:"status"`
	Note            string         `json:"note"`
	NextAction      string         `json:"next_action"`
	NextActionDueAt *time.Time     `json:"next_action_due_at"`
	Contingency     string         `json:"contingency"`
	Promise         string         `json:"promise"`
	PromiseDueAt    *time.Time     `json:"promise_due_at"`
}

// AckInput is the incoming agent's acknowledgement; no cases means all of
// them (at-risk cases still need their read-back).
type AckInput struct {
	Cases []AckCase `json:"cases"`
}

// AckCase acknowledges one handed case, with a read-back in the incoming
// agent's own words (required for at-risk cases).
type AckCase struct {
	CaseID   int64  `json:"case_id"`
	ReadBack string `json:"read_back"`
}

// HandoverFilter selects handovers for the history: by agent (either
// side), shop, creation time, case and words of the notes.
type HandoverFilter struct {
	AgentID *int64
	ShopID  *int64
	CaseID  *int64
	From    *time.Time
	To      *time.Time
	Q       string
	Pending bool // awaiting acknowledgement only
	ToUser  *int64
	Limit   int
	Cursor  string
}

// HandoverPage is one page of the history, newest first.
type HandoverPage struct {
	Items      []Handover `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

// Window is a stretch of time, start inclusive, end exclusive.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Contains reports whether t falls in w.
func (w Window) Contains(t *time.Time) bool {
	return t != nil && !t.Before(w.Start) && t.Before(w.End)
}

// HandoverItem is one open case in the handover view, with what the
// outgoing agent needs to write its note.
type HandoverItem struct {
	CaseID          int64      `json:"case_id"`
	Ref             string     `json:"ref"`
	ShopID          int64      `json:"shop_id"`
	Shop            string     `json:"shop"`
	Platform        Platform   `json:"platform"`
	Kind            Kind       `json:"kind"`
	Severity        Severity   `json:"severity"`
	State           State      `json:"state"`
	Summary         string     `json:"summary"`
	BuyerHandle     string     `json:"buyer_handle"`
	DueAt           *time.Time `json:"due_at"`
	PlatformDueAt   *time.Time `json:"platform_due_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	PendingApproval bool       `json:"pending_approval"`
	// The latest handover note on the case, to prefill the next one.
	LastStatus       HandoverStatus `json:"last_status,omitempty"`
	LastNote         string         `json:"last_note,omitempty"`
	LastNextAction   string         `json:"last_next_action,omitempty"`
	LastContingency  string         `json:"last_contingency,omitempty"`
	LastPromise      string         `json:"last_promise,omitempty"`
	LastPromiseDueAt *time.Time     `json:"last_promise_due_at,omitempty"`
	// What the view found: overdue, due next shift, and so on.
	Overdue              bool           `json:"overdue"`
	DueNextShift         bool           `json:"due_next_shift"`
	PlatformDueNextShift bool           `json:"platform_due_next_shift"`
	PromiseDueNextShift  bool           `json:"promise_due_next_shift"`
	ChangedThisShift     bool           `json:"changed_this_shift"`
	NeedsNote            bool           `json:"needs_note"`
	SuggestedStatus      HandoverStatus `json:"suggested_status"`
}

// HandoverView is what an outgoing agent hands over at the end of a shift.
type HandoverView struct {
	AgentID   int64  `json:"agent_id"`
	ThisShift Window `json:"this_shift"`
	NextShift Window `json:"next_shift"`
	ShiftName string `json:"shift_name,omitempty"`
	// NextShiftName names the shift a team handover goes to ("" when the
	// shop has no shifts: then it is simply the next shift).
	NextShiftName string         `json:"next_shift_name,omitempty"`
	Open          []HandoverItem `json:"open"`
	// Case ids of Open by what the view found about them.
	Overdue              []int64 `json:"overdue"`
	DueNextShift         []int64 `json:"due_next_shift"`
	PlatformDueNextShift []int64 `json:"platform_due_next_shift"`
	PromisesNextShift    []int64 `json:"promises_next_shift"`
	PendingApprovals     []int64 `json:"pending_approvals"`
	ChangedThisShift     []int64 `json:"changed_this_shift"`
	// Handovers still awaiting acknowledgement, to and from the agent.
	Incoming []Handover `json:"incoming"`
	Outgoing []Handover `json:"outgoing"`
}
