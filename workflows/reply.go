package workflows

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"redress/cases"
)

// Reply stages: the protocol's states a library reply is written for.
// A reply for remedy is the remedy offer; for follow_up, the follow-up.
func ReplyStages() []cases.State {
	return []cases.State{cases.StateRespond, cases.StateListen, cases.StateApologise, cases.StateRemedy, cases.StateFollowUp}
}

// ReplyVariables are the names a reply may hold as {name}, filled from the
// case it is inserted into.
func ReplyVariables() []string {
	return []string{"buyer", "order_ref", "order_value", "courier", "waybill", "due", "shop", "amount", "ref", "platform"}
}

// variable is a {name} in a text.
var variable = regexp.MustCompile(`\{([a-z_]{1,40})\}`)

// UnknownVariables lists the {names} in body that are not ReplyVariables,
// each once, in order.
func UnknownVariables(body string) []string {
	var out []string
	for _, m := range variable.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(ReplyVariables(), m[1]) && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// UnfilledVariables lists the variables still written {name} in a text,
// each once, in order: a text about to be saved as sent to a buyer must
// hold none.
func UnfilledVariables(text string) []string {
	var out []string
	for _, m := range variable.FindAllStringSubmatch(text, -1) {
		if slices.Contains(ReplyVariables(), m[1]) && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// FillReply replaces the variables of body with values. A variable without
// a value (absent or blank) stays written {name} and is listed in missing,
// so that it is never inserted silently as an empty string.
func FillReply(body string, values map[string]string) (text string, missing []string) {
	text = variable.ReplaceAllStringFunc(body, func(m string) string {
		name := m[1 : len(m)-1]
		if !slices.Contains(ReplyVariables(), name) {
			return m
		}
		if v := strings.TrimSpace(values[name]); v != "" {
			return v
		}
		if !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		return m
	})
	return text, missing
}

// CaseVariables are the values of the reply variables for case c: courier
// and waybill from its newest delivery signature or tracking record that is
// not voided, {amount} from its remedy, {due} the due time of its current
// step in loc. A value the case does not have is left out.
func CaseVariables(c cases.Case, evidence []cases.Evidence, loc *time.Location) map[string]string {
	if loc == nil {
		loc = time.UTC
	}
	v := map[string]string{
		"buyer": c.BuyerHandle, "order_ref": c.OrderRef, "shop": c.Shop, "ref": c.Ref, "platform": string(c.Platform),
	}
	if c.OrderValue != nil {
		v["order_value"] = c.OrderValue.String()
	}
	if c.Remedy != nil {
		v["amount"] = c.Remedy.Amount.String()
	}
	if c.DueAt != nil {
		v["due"] = c.DueAt.In(loc).Format("2006-01-02 15:04")
	}
	var newest *cases.Evidence
	for i := range evidence {
		e := &evidence[i]
		if e.Voided || (e.Kind != cases.EvidenceDeliverySignature && e.Kind != cases.EvidenceTrackingRecord) {
			continue
		}
		if e.Courier == "" && e.Waybill == "" {
			continue
		}
		if newest == nil || e.AddedAt.After(newest.AddedAt) || (e.AddedAt.Equal(newest.AddedAt) && e.ID > newest.ID) {
			newest = e
		}
	}
	if newest != nil {
		v["courier"], v["waybill"] = newest.Courier, newest.Waybill
	}
	for k, s := range v {
		if strings.TrimSpace(s) == "" {
			delete(v, k)
		}
	}
	return v
}
