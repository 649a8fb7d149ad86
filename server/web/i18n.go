package web

import (
	"redress/cases"
	"redress/ui/i18n"
)

// The translation catalogue is package ui/i18n; what is left here are the
// server's own names for it.

// langCookieName remembers the language a visitor chose before signing in.
const langCookieName = i18n.CookieName

// enumKeys are the catalogue key prefixes whose keys the server builds from
// domain values and its own lists ("state.respond", "flash.created"), with
// every value each must cover; a test checks that the catalogue has them
// (ui/i18n's tests cannot see the server's lists).
func enumKeys() map[string][]string {
	return map[string][]string{
		"state":          strs(cases.States()),
		"kind":           strs(cases.Kinds()),
		"platform":       strs(cases.Platforms()),
		"severity":       strs(cases.Severities()),
		"root_cause":     strs(cases.RootCauses()),
		"remedy_type":    strs(cases.RemedyTypes()),
		"review_outcome": strs(cases.ReviewOutcomes()),
		"close_reason":   strs(cases.CloseReasons()),
		"evidence_kind":  strs(cases.EvidenceKinds()),
		"role":           strs(cases.Roles()),
		"lang":           strs(cases.Languages()),
		"event":          strs(eventKinds()),
		"move":           strs(moveKinds()),
		"stage":          stageFields(),
		"err.code":       errorCodes(),
		"status":         httpStatusKeys(),
		"need":           stageFields(),
		"flash":          flashes(),
		"reminder_level": strs(cases.ReminderLevels()),
		"notice_kind":    noticeKinds(),
		"notifications.filter": append([]string{"all"}, func() []string {
			var names []string
			for _, f := range noticeFilters() {
				names = append(names, f.Name)
			}
			return names
		}()...),
		"field":        append(caseFields(), newCaseInputs()...),
		"queue.title":  {"mine", "unassigned", "all"},
		"users":        userInputs(),
		"audit_reason": strs(cases.AuditReasons()),
		"audit_status": strs(cases.AuditStatuses()),
		"audit_period": strs(cases.AuditPeriods()),
		"verdict_kind": strs([]cases.VerdictKind{cases.VerdictApproved, cases.VerdictRework}),
		"remedy_status": strs([]cases.RemedyStatus{cases.RemedyProposed, cases.RemedyPending, cases.RemedyApproved,
			cases.RemedyDeclined, cases.RemedyWithdrawn, cases.RemedyApplied}),
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
