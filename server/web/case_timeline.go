package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"redress/cases"
	"redress/workflows"
	"redress/workflows/tone"
)

// eventView is one entry of a case's timeline.
type eventView struct {
	Seq     int64
	Kind    cases.EventKind
	Title   string
	Actor   string
	At      time.Time
	Body    string // a comment's text
	Details []detail
	// Tone is what the tone check found in the texts the event recorded
	// (payload "tone_warnings").
	Tone []toneNote
}

// toneNote is one stored tone warning, in the viewer's language: the
// field whose text it is about, the rule's category and severity, the
// words that matched, what is wrong and what to write instead.
type toneNote struct {
	Key        string // the category as the rule names it
	Field      string
	Category   string
	Severity   string
	Match      string
	Message    string
	Suggestion string
}

// toneRuleTexts are the kept tone rules by id, for their message and
// suggestion in the viewer's language (a warning stores them in the
// text's).
type toneRuleTexts map[string]tone.Rule

// detail is one labelled value of an event.
type detail struct {
	Label, Value string
}

// timeline renders a case's ledger, oldest first, with names for actors
// and translated labels for what the events recorded.
func (h *CasePages) timeline(v *view, events []cases.Event, dir directory, rules toneRuleTexts) []eventView {
	out := make([]eventView, 0, len(events))
	for _, e := range events {
		ev := eventView{Seq: e.Seq, Kind: e.Kind, At: e.At, Title: h.t(v, "event."+string(e.Kind))}
		if e.ActorID == nil {
			ev.Actor = h.t(v, "timeline.system")
		} else {
			ev.Actor = dir.name(e.ActorID)
		}
		var p map[string]any
		_ = json.Unmarshal(e.Payload, &p) // the ledger holds JSON objects only
		h.describe(v, &ev, p, dir)
		ev.Tone = h.toneNotes(v, p["tone_warnings"], rules)
		out = append(out, ev)
	}
	return out
}

// describe fills an event's title and details from its payload.
func (h *CasePages) describe(v *view, ev *eventView, p map[string]any, dir directory) {
	str := func(k string) string {
		if x, ok := p[k].(string); ok {
			return x
		}
		return ""
	}
	add := func(label, value string) {
		if value != "" {
			ev.Details = append(ev.Details, detail{Label: label, Value: value})
		}
	}
	switch ev.Kind {
	case cases.EventTransitioned:
		ev.Title = h.t(v, "event.moved", "from", h.t(v, "state."+str("from")), "to", h.t(v, "state."+str("to")))
		if m := str("move"); m != "" && m != "forward" {
			add(h.t(v, "timeline.move"), h.t(v, "move."+m))
		}
		for _, f := range stageFields() {
			val, ok := p[f]
			if !ok {
				continue
			}
			add(h.t(v, "stage."+f), h.stageValue(v, f, val))
		}
		if due := str("due_at"); due != "" {
			add(h.t(v, "field.due_at"), h.isoTime(v, due))
		}
	case cases.EventAssigned:
		add(h.t(v, "timeline.from"), h.userName(v, dir, p["from"]))
		add(h.t(v, "timeline.to"), h.userName(v, dir, p["to"]))
	case cases.EventHandedOver:
		add(h.t(v, "timeline.from"), h.userName(v, dir, p["from"]))
		add(h.t(v, "timeline.to"), h.userName(v, dir, p["to"]))
		if s := str("status"); s != "" {
			add(h.t(v, "handover.status"), h.t(v, "handover.status."+s))
		}
		add(h.t(v, "handover.case_note"), str("note"))
		add(h.t(v, "handover.next_action"), str("next_action"))
		add(h.t(v, "handover.contingency"), str("contingency"))
		add(h.t(v, "handover.promise"), str("promise"))
	case cases.EventHandoverAcknowledged:
		add(h.t(v, "timeline.from"), h.userName(v, dir, p["from"]))
		add(h.t(v, "timeline.to"), h.userName(v, dir, p["to"]))
		add(h.t(v, "handovers.read_back"), str("read_back"))
	case cases.EventCommented:
		ev.Body = str("body")
	case cases.EventRemedyProposed, cases.EventRemedyApproved, cases.EventRemedyDeclined:
		add(h.t(v, "stage.remedy"), h.stageValue(v, "remedy", p["remedy"]))
		if p["needs_approval"] == true {
			add(h.t(v, "timeline.approval"), h.t(v, "remedy.needs_approval"))
		}
		ev.Body = str("comment")
	case cases.EventAudited:
		if p["blind"] == true {
			// The first verdict of a calibration audit: sealed until the
			// second is in (that event carries both).
			add(h.t(v, "verdict.label"), h.t(v, "calibration.sealed"))
			break
		}
		if cal, ok := p["calibration"].(map[string]any); ok {
			agreed := "calibration.disagreed"
			if cal["agreement"] == true {
				agreed = "calibration.agreed"
			}
			add(h.t(v, "calibration.title"), h.t(v, agreed))
			add(h.t(v, "calibration.outcome"), h.t(v, "verdict_kind."+plain(cal["outcome"])))
		}
		add(h.t(v, "verdict.label"), h.t(v, "verdict_kind."+str("verdict")))
		add(h.t(v, "verdict.score"), plain(p["score"])+"%")
		if failed, _ := p["failed_items"].([]any); len(failed) > 0 {
			var keys []string
			for _, f := range failed {
				keys = append(keys, plain(f))
			}
			add(h.t(v, "verdict.failed"), strings.Join(keys, h.t(v, "list.separator")))
		}
		ev.Body = str("comment")
	case cases.EventVerdictDisputed:
		ev.Body = str("comment")
	case cases.EventEvidenceAdded, cases.EventEvidenceVoided:
		add(h.t(v, "evidence.kind"), h.t(v, "evidence_kind."+str("kind")))
		add(h.t(v, "evidence.file_name"), str("file_name"))
		add(h.t(v, "evidence.void_reason"), str("reason"))
		if h := str("sha256"); len(h) >= 12 {
			add("SHA-256", h[:12]+"…")
		}
	case cases.EventReminded, cases.EventEscalated:
		add(h.t(v, "timeline.level"), h.t(v, "reminder_level."+str("level")))
		add(h.t(v, "timeline.state"), h.t(v, "state."+str("state")))
		add(h.t(v, "field.due_at"), h.isoTime(v, str("due_at")))
	case cases.EventEdited:
		changes, _ := p["changes"].(map[string]any)
		keys := make([]string, 0, len(changes))
		for k := range changes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			label := k
			if slices.Contains(caseFields(), k) {
				label = h.t(v, "field."+k)
			}
			ch, _ := changes[k].(map[string]any)
			add(label, fmt.Sprintf("%s → %s", plain(ch["old"]), plain(ch["new"])))
		}
	}
}

// toneNotes reads a payload's stored tone warnings.
func (h *CasePages) toneNotes(v *view, raw any, rules toneRuleTexts) []toneNote {
	if raw == nil {
		return nil
	}
	b, _ := json.Marshal(raw)
	var found []workflows.ToneFinding
	if json.Unmarshal(b, &found) != nil {
		return nil
	}
	var out []toneNote
	for _, f := range found {
		n := toneNote{Key: f.Category, Field: f.Field, Category: f.Category, Severity: f.Severity, Match: f.Match,
			Message: f.Message, Suggestion: f.Suggestion}
		if slices.Contains(stageFields(), f.Field) {
			n.Field = h.t(v, "stage."+f.Field)
		} else if f.Field == "body" {
			n.Field = h.t(v, "comment.label")
		}
		if key := "tone.category." + f.Category; h.tr.Has(key) {
			n.Category = h.t(v, key)
		}
		if r, ok := rules[f.Rule]; ok {
			if m := r.Message[string(v.Lang)]; m != "" {
				n.Message = m
			}
			if s := r.Suggestion[string(v.Lang)]; s != "" {
				n.Suggestion = s
			}
		}
		out = append(out, n)
	}
	return out
}

// toneRuleTexts returns the kept tone rules by id, read only when some
// event carries tone warnings.
func (h *CasePages) toneRuleTexts(ctx context.Context, events []cases.Event) (toneRuleTexts, error) {
	need := false
	for _, e := range events {
		need = need || bytes.Contains(e.Payload, []byte(`"tone_warnings"`))
	}
	if !need {
		return nil, nil
	}
	recs, err := h.tone.Rules(ctx)
	if err != nil {
		return nil, err
	}
	out := toneRuleTexts{}
	for _, rec := range recs {
		var r tone.Rule
		if json.Unmarshal(rec.Rule, &r) == nil {
			out[rec.ID] = r
		}
	}
	return out, nil
}

// stageValue renders a stage-data value: enums translated, remedies and
// outcomes spelled out.
func (h *CasePages) stageValue(v *view, field string, val any) string {
	switch field {
	case "root_cause":
		return h.t(v, "root_cause."+plain(val))
	case "close_reason":
		return h.t(v, "close_reason."+plain(val))
	case "remedy", "previous_remedy":
		m, _ := val.(map[string]any)
		return h.t(v, "remedy_type."+plain(m["type"])) + " " + plain(m["amount"]) + " " + plain(m["currency"])
	case "outcome":
		m, _ := val.(map[string]any)
		sat := h.t(v, "form.no")
		if m["buyer_satisfied"] == true {
			sat = h.t(v, "form.yes")
		}
		return h.t(v, "timeline.outcome", "satisfied", sat, "review", h.t(v, "review_outcome."+plain(m["review"]))) +
			" — " + plain(m["note"])
	}
	return plain(val)
}

// userName is the name of the user id a payload holds, or "nobody".
func (h *CasePages) userName(v *view, dir directory, id any) string {
	n, ok := id.(float64)
	if !ok {
		return h.t(v, "queue.nobody")
	}
	uid := int64(n)
	return dir.name(&uid)
}

// isoTime shows an RFC 3339 time of a payload in the viewer's zone.
func (h *CasePages) isoTime(v *view, iso string) string {
	t, err := time.Parse(time.RFC3339Nano, iso)
	if err != nil {
		return iso
	}
	return formatTime(v.Loc, t)
}

// plain renders a payload value as text.
func plain(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// caseFields lists a case's own fields, labelled field.<name> in forms and
// in the timeline's edits.
func caseFields() []string {
	return []string{"external_id", "platform", "shop", "order_ref", "order_value", "buyer_handle", "buyer_contact",
		"kind", "severity", "summary", "review", "platform_due_at", "suspected_abuse", "due_at"}
}
