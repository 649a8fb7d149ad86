package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"redress/cases"
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
}

// detail is one labelled value of an event.
type detail struct {
	Label, Value string
}

// timeline renders a case's ledger, oldest first, with names for actors
// and translated labels for what the events recorded.
func (s *Server) timeline(v *view, events []cases.Event, dir directory) []eventView {
	out := make([]eventView, 0, len(events))
	for _, e := range events {
		ev := eventView{Seq: e.Seq, Kind: e.Kind, At: e.At, Title: s.t(v, "event."+string(e.Kind))}
		if e.ActorID == nil {
			ev.Actor = s.t(v, "timeline.system")
		} else {
			ev.Actor = dir.name(e.ActorID)
		}
		var p map[string]any
		_ = json.Unmarshal(e.Payload, &p) // the ledger holds JSON objects only
		s.describe(v, &ev, p, dir)
		out = append(out, ev)
	}
	return out
}

// describe fills an event's title and details from its payload.
func (s *Server) describe(v *view, ev *eventView, p map[string]any, dir directory) {
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
		ev.Title = s.t(v, "event.moved", "from", s.t(v, "state."+str("from")), "to", s.t(v, "state."+str("to")))
		if m := str("move"); m != "" && m != "forward" {
			add(s.t(v, "timeline.move"), s.t(v, "move."+m))
		}
		for _, f := range stageFields() {
			val, ok := p[f]
			if !ok {
				continue
			}
			add(s.t(v, "stage."+f), s.stageValue(v, f, val))
		}
		if due := str("due_at"); due != "" {
			add(s.t(v, "field.due_at"), s.isoTime(v, due))
		}
	case cases.EventAssigned:
		add(s.t(v, "timeline.from"), s.userName(v, dir, p["from"]))
		add(s.t(v, "timeline.to"), s.userName(v, dir, p["to"]))
	case cases.EventCommented:
		ev.Body = str("body")
	case cases.EventRemedyProposed, cases.EventRemedyApproved:
		add(s.t(v, "stage.remedy"), s.stageValue(v, "remedy", p["remedy"]))
		if p["needs_approval"] == true {
			add(s.t(v, "timeline.approval"), s.t(v, "remedy.needs_approval"))
		}
	case cases.EventEvidenceAdded, cases.EventEvidenceVoided:
		add(s.t(v, "evidence.kind"), s.t(v, "evidence_kind."+str("kind")))
		add(s.t(v, "evidence.file_name"), str("file_name"))
		add(s.t(v, "evidence.void_reason"), str("reason"))
		if h := str("sha256"); len(h) >= 12 {
			add("SHA-256", h[:12]+"…")
		}
	case cases.EventReminded, cases.EventEscalated:
		add(s.t(v, "timeline.level"), s.t(v, "reminder_level."+str("level")))
		add(s.t(v, "timeline.state"), s.t(v, "state."+str("state")))
		add(s.t(v, "field.due_at"), s.isoTime(v, str("due_at")))
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
				label = s.t(v, "field."+k)
			}
			ch, _ := changes[k].(map[string]any)
			add(label, fmt.Sprintf("%s → %s", plain(ch["old"]), plain(ch["new"])))
		}
	}
}

// stageValue renders a stage-data value: enums translated, remedies and
// outcomes spelled out.
func (s *Server) stageValue(v *view, field string, val any) string {
	switch field {
	case "root_cause":
		return s.t(v, "root_cause."+plain(val))
	case "close_reason":
		return s.t(v, "close_reason."+plain(val))
	case "remedy", "previous_remedy":
		m, _ := val.(map[string]any)
		return s.t(v, "remedy_type."+plain(m["type"])) + " " + plain(m["amount"]) + " " + plain(m["currency"])
	case "outcome":
		m, _ := val.(map[string]any)
		sat := s.t(v, "form.no")
		if m["buyer_satisfied"] == true {
			sat = s.t(v, "form.yes")
		}
		return s.t(v, "timeline.outcome", "satisfied", sat, "review", s.t(v, "review_outcome."+plain(m["review"]))) +
			" — " + plain(m["note"])
	}
	return plain(val)
}

// userName is the name of the user id a payload holds, or "nobody".
func (s *Server) userName(v *view, dir directory, id any) string {
	n, ok := id.(float64)
	if !ok {
		return s.t(v, "queue.nobody")
	}
	uid := int64(n)
	return dir.name(&uid)
}

// isoTime shows an RFC 3339 time of a payload in the viewer's zone.
func (s *Server) isoTime(v *view, iso string) string {
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
