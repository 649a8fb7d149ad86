package web

// refusedFields lists, by form (named as refusals name it: "move" for
// "move-forward", "decide" for "decide-12"), the fields a refusal of that
// form may be about: the inputs a person fills in and the fields the
// domain names when it refuses what the form sends. Each has a sentence
// in the catalogue (need.<form>.<field> or need.<field>, in every
// language) so that a refusal reads in the reader's language; a test
// holds the pages' forms and the domain's field names to it.
func refusedFields() map[string][]string {
	return map[string][]string{
		"new_case":  append(newCaseInputs(), "order_value", "review", "review.posted_at"),
		"move":      stageFields(),
		"assign":    {"assignee_id"},
		"comment":   {"body"},
		"contact":   {"buyer_contact"},
		"decide":    {"comment"},
		"return":    returnFields(),
		"evidence":  evidenceFields(),
		"chat":      evidenceFields(),
		"void":      {"reason"},
		"dispute":   {"comment"},
		"verdict":   {"verdict", "comment", "scores", "item"},
		"limits":    {"shop", "currency", "max_order_percent", "case_limit", "buyer_limit", "buyer_window_days"},
		"rates":     {"currency", "to_currency", "rate"},
		"checklist": {"key", "label_en", "label_zh", "weight", "position", "critical", "active"},
		"settings":  {"random_percent", "min_per_agent", "period", "calibration_percent", "approval_window_minutes"},
		"rule":      platformRuleFields(),
		"tone":      toneRuleFields(),
		"reply":     replyInputs(),
		"user":      userInputs(),
		"handover": {"to_user_id", "to_shift", "note", "cases", "cases.status", "cases.note", "cases.next_action",
			"cases.next_action_due_at", "cases.promise", "cases.promise_due_at", "cases.contingency"},
		"handovers": {"cases.read_back"},
		"import":    {"file", "charset", "mapping", "mapping_name", "save_as", "columns"},
		"queue":     {"q", "state", "kind", "platform", "shop", "assignee", "cursor"},
		"desk":      {"reason", "shop", "agent", "cursor"},
		"reports":   {"group_by", "from", "to"},
		"daily":     {"date"},
		"notices":   {"unread"},
	}
}
