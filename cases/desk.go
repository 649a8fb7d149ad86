package cases

import (
	"slices"
	"time"
)

// RemedyStatus is where one remedy a case was offered stands.
type RemedyStatus string

// Remedy statuses. Proposed: within the limits; pending: waits for a
// supervisor; approved and declined: a supervisor decided; withdrawn:
// replaced by a later proposal or left behind; applied: the case left
// remedy with it, so the cumulative limits count it.
const (
	RemedyProposed  RemedyStatus = "proposed"
	RemedyPending   RemedyStatus = "pending"
	RemedyApproved  RemedyStatus = "approved"
	RemedyDeclined  RemedyStatus = "declined"
	RemedyWithdrawn RemedyStatus = "withdrawn"
	RemedyApplied   RemedyStatus = "applied"
)

// Open reports whether the remedy is still on the table: proposed,
// pending or approved and not yet applied.
func (s RemedyStatus) Open() bool {
	return s == RemedyProposed || s == RemedyPending || s == RemedyApproved
}

// RemedyRecord is one remedy a case was offered, from its proposal to its
// application or decline.
type RemedyRecord struct {
	ID            int64        `json:"id"`
	CaseID        int64        `json:"case_id"`
	Type          RemedyType   `json:"type"`
	Amount        Money        `json:"amount"`
	Status        RemedyStatus `json:"status"`
	NeedsApproval bool         `json:"needs_approval"`
	Limit         string       `json:"limit,omitempty"`
	ProposedBy    *int64       `json:"proposed_by"`
	ProposedAt    time.Time    `json:"proposed_at"`
	ProposedSeq   int64        `json:"proposed_seq"`
	ApprovalDueAt *time.Time   `json:"approval_due_at,omitempty"`
	DecidedBy     *int64       `json:"decided_by,omitempty"`
	DecidedAt     *time.Time   `json:"decided_at,omitempty"`
	Comment       string       `json:"comment,omitempty"`
	AppliedAt     *time.Time   `json:"applied_at,omitempty"`
}

// RemedyHistory is every remedy a case was offered, oldest first, and what
// the applied ones cost, per currency.
type RemedyHistory struct {
	Items []RemedyRecord `json:"items"`
	Total []Money        `json:"total"`
}

// RemedyLimit is one row of the remedy policy: the limits of one shop in
// one currency (Shop "" holds the defaults of every shop without a row).
type RemedyLimit struct {
	Shop            string    `json:"shop"`
	Currency        string    `json:"currency"`
	MaxOrderPercent int64     `json:"max_order_percent"`
	CaseLimit       Money     `json:"case_limit"`
	BuyerLimit      *Money    `json:"buyer_limit"`
	BuyerWindowDays int       `json:"buyer_window_days"`
	UpdatedBy       *int64    `json:"updated_by"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// ExchangeRate says that one unit of Currency is Rate units of ToCurrency;
// Rate is a positive decimal string.
type ExchangeRate struct {
	Currency   string    `json:"currency" db:"currency"`
	ToCurrency string    `json:"to_currency" db:"to_currency"`
	Rate       string    `json:"rate" db:"rate"`
	UpdatedAt  time.Time `json:"updated_at" db:"updated_at"`
}

// AppliedRemedy is a remedy applied on some case of a buyer.
type AppliedRemedy struct {
	CaseID    int64
	Amount    Money
	AppliedAt time.Time
}

// RemedyFacts are what the cumulative remedy guard reads, in the
// transaction that decides.
type RemedyFacts struct {
	Limits  []RemedyLimit  // the case's shop's rows and the defaults
	Rates   []ExchangeRate // every configured rate
	History []RemedyRecord // the case's remedies, oldest first
	// Buyer are the applied remedies of the same buyer in the same shop on
	// other cases, over the longest window a policy may set.
	Buyer []AppliedRemedy
}

// Approval is one remedy waiting for a supervisor, with the case's facts.
type Approval struct {
	Remedy          RemedyRecord `json:"remedy"`
	Case            Case         `json:"case"`
	CaseTotal       []Money      `json:"case_total"`
	BuyerCases      int64        `json:"buyer_cases"`
	BuyerTotal      []Money      `json:"buyer_total"`
	EvidenceCount   int64        `json:"evidence_count"`
	ApprovalOverdue bool         `json:"approval_overdue"`
}

// ApprovalFilter selects a page of the approvals queue.
type ApprovalFilter struct {
	Shop   string
	Limit  int
	Cursor string
}

// AuditReason is why a closed case was selected for audit.
type AuditReason string

// Audit selection reasons. ReviewTiedRemedy comes from the tone check's
// warnings recorded on the case's stage texts.
const (
	ReasonRemedyAboveThreshold AuditReason = "remedy_above_threshold"
	ReasonAbuseFlagged         AuditReason = "abuse_flagged"
	ReasonApologySkipped       AuditReason = "apology_skipped"
	ReasonSLABreached          AuditReason = "sla_breached"
	ReasonPlatformBreached     AuditReason = "platform_deadline_missed"
	ReasonReviewTiedRemedy     AuditReason = "review_tied_remedy"
	ReasonReopened             AuditReason = "reopened"
	ReasonRandom               AuditReason = "random"
	ReasonAgentMinimum         AuditReason = "agent_minimum"
	ReasonManual               AuditReason = "manual"
)

// AuditReasons returns every selection reason.
func AuditReasons() []AuditReason {
	return []AuditReason{ReasonRemedyAboveThreshold, ReasonAbuseFlagged, ReasonApologySkipped, ReasonSLABreached,
		ReasonPlatformBreached, ReasonReviewTiedRemedy, ReasonReopened, ReasonRandom, ReasonAgentMinimum, ReasonManual}
}

// Valid reports whether r is a known reason.
func (r AuditReason) Valid() bool { return slices.Contains(AuditReasons(), r) }

// AuditFacts are what audit selection reads about a case as it closes.
type AuditFacts struct {
	Case        Case
	Applied     []Money // the case's applied remedies, per currency
	SLABreached bool    // some step was left overdue, or an escalation fired
	ReviewTied  bool    // a stage text carried a review_tied_remedy warning
	// AgentAudited is how many of the assignee's cases were selected in the
	// current period, and AgentPeriod when that period started.
	AgentAudited int64
}

// AuditStatus is where an audit stands.
type AuditStatus string

// Audit statuses.
const (
	AuditQueued   AuditStatus = "queued"
	AuditDone     AuditStatus = "done"
	AuditDisputed AuditStatus = "disputed"
	// AuditWithdrawn is an audit whose case reopened before its verdict:
	// the closing it was about is no longer the case's last.
	AuditWithdrawn AuditStatus = "withdrawn"
)

// AuditStatuses returns every audit status.
func AuditStatuses() []AuditStatus {
	return []AuditStatus{AuditQueued, AuditDone, AuditDisputed, AuditWithdrawn}
}

// Audit is one closing of a case selected for audit: an audit queue item.
type Audit struct {
	ID          int64         `json:"id"`
	CaseID      int64         `json:"case_id"`
	Ref         string        `json:"ref"`
	Shop        string        `json:"shop"`
	AssigneeID  *int64        `json:"assignee_id"`
	ClosedAt    time.Time     `json:"closed_at"`
	Reasons     []AuditReason `json:"reasons"`
	SelectedAt  time.Time     `json:"selected_at"`
	Status      AuditStatus   `json:"status"`
	Calibration bool          `json:"calibration"`
	ExcludedID  *int64        `json:"excluded_id,omitempty"`
	WithdrawnAt *time.Time    `json:"withdrawn_at,omitempty"`
	// A calibration audit, once both blind verdicts are in: when, whether
	// they agreed on the verdict, how many points their scores differ and
	// the outcome that acted on the case.
	CalibratedAt *time.Time   `json:"calibrated_at,omitempty"`
	Agreement    *bool        `json:"agreement,omitempty"`
	ScoreDiff    *int         `json:"score_difference,omitempty"`
	Outcome      *VerdictKind `json:"outcome,omitempty"`
}

// AuditFilter selects a page of the audit queue.
type AuditFilter struct {
	Reason  AuditReason
	AgentID *int64
	Shop    string
	Limit   int
	Cursor  string
}

// ChecklistItem is one line of the audit scorecard. Items are scored 0
// (not met), 1 (partly) or 2 (met), or left out as not applicable; a
// critical item scored 0 fails the audit.
type ChecklistItem struct {
	Key      string `json:"key" db:"key"`
	LabelEN  string `json:"label_en" db:"label_en"`
	LabelZH  string `json:"label_zh" db:"label_zh"`
	Weight   int    `json:"weight" db:"weight"`
	Critical bool   `json:"critical" db:"critical"`
	Active   bool   `json:"active" db:"active"`
	Position int    `json:"position" db:"position"`
}

// MaxItemScore is the best score of a checklist item.
const MaxItemScore = 2

// VerdictKind is what a supervisor decided about a closed case.
type VerdictKind string

// Verdicts.
const (
	VerdictApproved VerdictKind = "approved"
	VerdictRework   VerdictKind = "rework"
)

// Valid reports whether v is a known verdict.
func (v VerdictKind) Valid() bool { return v == VerdictApproved || v == VerdictRework }

// Verdict is a supervisor's audit of a closed case.
type Verdict struct {
	ID             int64          `json:"id"`
	AuditID        int64          `json:"audit_id"`
	CaseID         int64          `json:"case_id"`
	Round          int            `json:"round"`
	AuditorID      int64          `json:"auditor_id"`
	AgentID        *int64         `json:"agent_id"`
	Verdict        VerdictKind    `json:"verdict"`
	Scores         map[string]int `json:"scores"`
	Score          int            `json:"score"`
	FailedItems    []string       `json:"failed_items"`
	Comment        string         `json:"comment"`
	Cited          []int64        `json:"cited_events"`
	EventSeq       int64          `json:"event_seq"`
	CreatedAt      time.Time      `json:"created_at"`
	DisputedAt     *time.Time     `json:"disputed_at"`
	DisputeComment string         `json:"dispute_comment,omitempty"`
}

// Recipient is an active user a desk notice goes to, with the language
// their notice is written in.
type Recipient struct {
	ID       int64    `db:"id"`
	Role     Role     `db:"role"`
	Language Language `db:"language"`
}

// Wording writes a notice in a language.
type Wording func(lang Language) string

// AuditPeriod is what the minimum random sample per agent counts over.
type AuditPeriod string

// Audit periods: a day, a week from Monday, a calendar month, in the
// desk's time zone.
const (
	PeriodDay   AuditPeriod = "day"
	PeriodWeek  AuditPeriod = "week"
	PeriodMonth AuditPeriod = "month"
)

// AuditPeriods returns every audit period.
func AuditPeriods() []AuditPeriod { return []AuditPeriod{PeriodDay, PeriodWeek, PeriodMonth} }

// DeskSettings are the supervisor's desk's settings an admin edits: how
// closed cases are sampled for audit and how long a remedy may wait for
// approval.
type DeskSettings struct {
	// RandomPercent is the share of closed cases no rule selects that is
	// sampled at random.
	RandomPercent int `json:"random_percent" db:"random_percent"`
	// MinPerAgent is how many cases of each agent are selected per Period
	// at least (sampled when the random share missed them).
	MinPerAgent int         `json:"min_per_agent" db:"min_per_agent"`
	Period      AuditPeriod `json:"period" db:"sample_period"`
	// CalibrationPercent is the share of the random sample (random and
	// agent minimum) audited blind by two supervisors.
	CalibrationPercent int `json:"calibration_percent" db:"calibration_percent"`
	// ApprovalWindowMinutes is how long a remedy may wait for a
	// supervisor before they are reminded; twice as long, admins are told.
	ApprovalWindowMinutes int       `json:"approval_window_minutes" db:"approval_window_minutes"`
	Version               int64     `json:"version" db:"version"`
	UpdatedBy             *int64    `json:"updated_by" db:"updated_by"`
	UpdatedAt             time.Time `json:"updated_at" db:"updated_at"`
}

// ApprovalWindow is ApprovalWindowMinutes as a duration.
func (s DeskSettings) ApprovalWindow() time.Duration {
	return time.Duration(s.ApprovalWindowMinutes) * time.Minute
}

// Calibration is how far supervisors agreed in the blind calibration
// audits completed in [From, To): N audits, Agreed of them with the same
// verdict; AgreementRate is Agreed/N (nil when N is 0), MeanScoreDiff
// the mean absolute difference of their scores in points.
type Calibration struct {
	From          time.Time         `json:"from"`
	To            time.Time         `json:"to"`
	N             int               `json:"n"`
	Agreed        int               `json:"agreed"`
	AgreementRate *float64          `json:"agreement_rate"`
	MeanScoreDiff *float64          `json:"mean_score_difference"`
	Items         []CalibrationPair `json:"items"`
}

// CalibrationPair is one calibration audit's two blind verdicts.
type CalibrationPair struct {
	AuditID      int64       `json:"audit_id" db:"audit_id"`
	CaseID       int64       `json:"case_id" db:"case_id"`
	Ref          string      `json:"ref" db:"ref"`
	CalibratedAt time.Time   `json:"calibrated_at" db:"calibrated_at"`
	Agreement    bool        `json:"agreement" db:"agreement"`
	ScoreDiff    int         `json:"score_difference" db:"score_diff"`
	Outcome      VerdictKind `json:"outcome" db:"outcome"`
	FirstID      int64       `json:"first_auditor_id" db:"first_auditor_id"`
	First        VerdictKind `json:"first_verdict" db:"first_verdict"`
	FirstScore   int         `json:"first_score" db:"first_score"`
	SecondID     int64       `json:"second_auditor_id" db:"second_auditor_id"`
	Second       VerdictKind `json:"second_verdict" db:"second_verdict"`
	SecondScore  int         `json:"second_score" db:"second_score"`
}
