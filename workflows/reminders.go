package workflows

import (
	"time"

	"redress/cases"
)

// ReminderPolicy says when reminders fire beyond a step's own due time.
type ReminderPolicy struct {
	// Grace is how long a step may stay overdue before supervisors hear of
	// it.
	Grace time.Duration
	// PlatformLead is how long before a platform deadline the case's owner
	// is reminded of it.
	PlatformLead time.Duration
	// BusinessHours counts the grace in the business hours of the case's
	// shop (in Zone when the shop names no time zone), as the deadlines
	// do: a business-hours SLA does not escalate at night.
	BusinessHours bool
	Zone          *time.Location
	// Handover, when set, reminds unacknowledged handovers.
	Handover *HandoverPolicy
}

// DefaultReminderPolicy returns the defaults: escalate after an hour
// overdue, remind four hours before a platform deadline.
func DefaultReminderPolicy() ReminderPolicy {
	return ReminderPolicy{Grace: time.Hour, PlatformLead: 4 * time.Hour}
}

// Validate reports the first problem with p.
func (p ReminderPolicy) Validate() error {
	if p.Grace <= 0 || p.Grace > maxDeadline {
		return cases.FieldError("reminders.grace", "the grace period must be positive and at most %v, not %v", maxDeadline, p.Grace)
	}
	if p.PlatformLead <= 0 || p.PlatformLead > maxDeadline {
		return cases.FieldError("reminders.platform_lead", "the platform lead must be positive and at most %v, not %v", maxDeadline, p.PlatformLead)
	}
	return nil
}

// DueLevels returns the reminder levels due for c at now, in firing order.
// Whether one of them already fired is the store's business (its claims);
// this says only what the deadlines call for:
//
//   - overdue: the case is open and now is past its current step's due time;
//   - escalation: it is still overdue a grace period after that due time;
//   - platform_soon: the platform deadline is within the lead but not passed;
//   - platform_passed: now is past the platform deadline.
//
// A closed case has none. A case that moved on has the due time of its new
// step, so the old step's reminders no longer apply.
func (p ReminderPolicy) DueLevels(c cases.ReminderCase, now time.Time) []cases.ReminderLevel {
	if !c.State.Open() {
		return nil
	}
	var out []cases.ReminderLevel
	if c.DueAt != nil && now.After(*c.DueAt) {
		out = append(out, cases.LevelOverdue)
		if !now.Before(p.clock(c).Add(*c.DueAt, p.Grace)) {
			out = append(out, cases.LevelEscalation)
		}
	}
	if c.PlatformDueAt != nil {
		switch due := *c.PlatformDueAt; {
		case now.After(due):
			out = append(out, cases.LevelPlatformPassed)
		case !now.Before(due.Add(-p.PlatformLead)):
			out = append(out, cases.LevelPlatformSoon)
		}
	}
	return out
}

// clock is the clock the grace of c counts on.
func (p ReminderPolicy) clock(c cases.ReminderCase) Clock {
	if !p.BusinessHours || c.Shop == nil {
		return Clock{}
	}
	zone := p.Zone
	if zone == nil {
		zone = time.UTC
	}
	return Clock{Business: true, Calendar: c.Shop.Calendar(zone)}
}

// SweepPlan returns the plan a sweep runs with this policy and the words of
// its messages (the translation catalogue's Reminder: the protocol decides
// when to remind, not how it is said); the caller adds the messages' time
// zone, the case links and the lock.
func (p ReminderPolicy) SweepPlan(message func(cases.Notice, cases.Reader) string) cases.SweepPlan {
	plan := cases.SweepPlan{Grace: p.Grace, Lead: p.PlatformLead, Due: p.DueLevels, Message: message, NeedsShops: p.BusinessHours}
	if p.Handover != nil {
		plan.HandoverDue = p.Handover.DueHandoverLevels
	}
	return plan
}
