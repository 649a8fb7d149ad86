package cases

import (
	"slices"
	"time"
)

// ReminderLevel is what a reminder is about: a step overdue, a step still
// overdue after the grace period, a platform deadline close or passed.
type ReminderLevel string

// The reminder levels, in the order a sweep fires them for one case.
const (
	LevelOverdue        ReminderLevel = "overdue"
	LevelEscalation     ReminderLevel = "escalation"
	LevelPlatformSoon   ReminderLevel = "platform_soon"
	LevelPlatformPassed ReminderLevel = "platform_passed"
)

// ReminderLevels returns every level in firing order.
func ReminderLevels() []ReminderLevel {
	return []ReminderLevel{LevelOverdue, LevelEscalation, LevelPlatformSoon, LevelPlatformPassed}
}

// Valid reports whether l is a known level.
func (l ReminderLevel) Valid() bool { return slices.Contains(ReminderLevels(), l) }

// Platform reports whether l is about the marketplace's deadline rather than
// the deadline of the case's current step.
func (l ReminderLevel) Platform() bool {
	return l == LevelPlatformSoon || l == LevelPlatformPassed
}

// EventKind is the ledger event a reminder of level l appends: a platform
// deadline that passed is escalated like a step long overdue.
func (l ReminderLevel) EventKind() EventKind {
	if l == LevelEscalation || l == LevelPlatformPassed {
		return EventEscalated
	}
	return EventReminded
}

// ReminderCase is what a sweep reads of a case it looks at.
type ReminderCase struct {
	ID            int64
	Ref           string
	State         State
	DueAt         *time.Time
	PlatformDueAt *time.Time
	AssigneeID    *int64
	// Shop is the case's shop, read when the plan counts business hours.
	Shop *Shop
}

// Deadline returns the deadline a reminder of level l is about, and false
// when the case has none.
func (c ReminderCase) Deadline(l ReminderLevel) (time.Time, bool) {
	d := c.DueAt
	if l.Platform() {
		d = c.PlatformDueAt
	}
	if d == nil {
		return time.Time{}, false
	}
	return *d, true
}

// Notice is one reminder that fires: a level for a case at the sweep's time.
type Notice struct {
	Case  ReminderCase
	Level ReminderLevel
	Now   time.Time
}

// Reader is who a reminder's message is written for: a user, or the group
// behind a webhook.
type Reader struct {
	Language Language
	Location *time.Location
}

// SweepPlan is what a sweep needs from the protocol: the windows that bound
// its queries, the rule that says which levels are due, and the words of
// the messages. The windows must match Due, or Due gets candidates it
// refuses (harmless) or never sees cases it would fire (a missed reminder).
type SweepPlan struct {
	// Grace is how long a step stays overdue before it is escalated.
	Grace time.Duration
	// Lead is how long before a platform deadline its reminder fires.
	Lead time.Duration
	// Due returns the levels due for c at now, in firing order.
	Due func(c ReminderCase, now time.Time) []ReminderLevel
	// Message writes the text of a notice for a reader.
	Message func(n Notice, r Reader) string
	// Location is the time zone of webhook messages and of users whose
	// time zone does not load.
	Location *time.Location
	// CaseURL is the link to a case that webhook payloads carry.
	CaseURL func(id int64) string
	// BatchSize is how many cases one transaction handles (default 500).
	BatchSize int
	// LockKey, when not zero, makes each batch take the transaction-scoped
	// advisory lock of that key first; a sweep that finds it held stops,
	// because another instance is sweeping. Correctness never depends on
	// the lock: it only saves duplicate work.
	LockKey int64
	// NeedsShops asks the sweep to read each case's shop (ReminderCase.Shop),
	// for a policy that counts business hours.
	NeedsShops bool
	// HandoverDue returns the reminder levels due for an unacknowledged
	// handover whose acknowledgement was due at ackDue; nil sweeps no
	// handovers. HandoverMessage words them.
	HandoverDue     func(ackDue, now time.Time) []HandoverLevel
	HandoverMessage func(n HandoverNotice, r Reader) string
	// HandoverURL links a handover in webhook payloads.
	HandoverURL func(id int64) string
}

// SweepResult counts what one sweep did.
type SweepResult struct {
	Fired         map[ReminderLevel]int // claims that fired, by level
	Notifications int                   // in-app notices written
	Deliveries    int                   // webhook deliveries queued
	Busy          bool                  // another instance held the lock
	Handovers     map[HandoverLevel]int // handover reminders that fired, by level
}

// Total returns how many reminders of any level fired.
func (r SweepResult) Total() int {
	n := 0
	for _, v := range r.Fired {
		n += v
	}
	return n
}
