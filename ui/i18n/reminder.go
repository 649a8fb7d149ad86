package i18n

import (
	"strconv"
	"time"

	"redress/cases"
)

// Reminder writes the text of a reminder for its reader, in the reader's
// language and with times in the reader's time zone (UTC when it has
// none). The in-app notice and the webhook message both come from here:
//
//	C-000123 is overdue in the Listen step (due 10:30)
//	C-000123 在「倾听」步骤已超时（应于 10:30 完成）
//
// Its signature is cases.SweepPlan's Message.
func (c *Catalogue) Reminder(n cases.Notice, r cases.Reader) string {
	lang, loc := r.Language, r.Location
	if !lang.Valid() {
		lang = cases.DefaultLanguage
	}
	if loc == nil {
		loc = time.UTC
	}
	due, _ := n.Case.Deadline(n.Level)
	at := c.clock(lang, due, n.Now, loc)
	state := c.State(lang, n.Case.State)
	ref := n.Case.Ref
	switch n.Level {
	case cases.LevelOverdue:
		return c.T(lang, "reminder.overdue", "ref", ref, "state", state, "at", at)
	case cases.LevelEscalation:
		late := c.Duration(lang, n.Now.Sub(due))
		return c.T(lang, "reminder.escalation", "ref", ref, "state", state, "at", at, "late", late)
	case cases.LevelPlatformSoon:
		left := c.Duration(lang, due.Sub(n.Now))
		return c.T(lang, "reminder.platform_soon", "ref", ref, "at", at, "left", left)
	case cases.LevelPlatformPassed:
		return c.T(lang, "reminder.platform_passed", "ref", ref, "at", at)
	}
	return ref
}

// clock shows t in loc as briefly as is unambiguous next to now: the time
// of day on the same day, the date too on another day, the year too in
// another year. The catalogue's clock.* messages are Go time layouts.
func (c *Catalogue) clock(lang cases.Language, t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	switch {
	case t.Year() != now.Year():
		return t.Format(c.T(lang, "clock.other_year"))
	case t.YearDay() != now.YearDay():
		return t.Format(c.T(lang, "clock.same_year"))
	}
	return t.Format(c.T(lang, "clock.same_day"))
}

// HandoverReminder writes the text of a reminder about a handover left
// unacknowledged, for its reader:
//
//	Handover #12 (3 cases) awaits your acknowledgement since 16:30
//	交接单 #12（3 个案件）自 16:30 起待你确认
//
// Its signature is cases.SweepPlan's HandoverMessage.
func (c *Catalogue) HandoverReminder(n cases.HandoverNotice, r cases.Reader) string {
	lang, loc := r.Language, r.Location
	if !lang.Valid() {
		lang = cases.DefaultLanguage
	}
	if loc == nil {
		loc = time.UTC
	}
	at := c.clock(lang, n.AckDueAt, n.Now, loc)
	id := strconv.FormatInt(n.HandoverID, 10)
	count := strconv.Itoa(n.Cases)
	if n.Level == cases.HandoverEscalation {
		late := c.Duration(lang, n.Now.Sub(n.AckDueAt))
		return c.T(lang, "handover.reminder_escalation", "id", id, "count", count, "at", at, "late", late)
	}
	return c.T(lang, "handover.reminder_overdue", "id", id, "count", count, "at", at)
}
