package workflows

import (
	"fmt"
	"strings"
	"time"

	"redress/cases"
)

// MaxHandoverCases bounds one handover: a shift's open cases, not a
// migration.
const MaxHandoverCases = 2000

// HandoverPolicy says how long an incoming agent has to acknowledge a
// handover before being reminded, and how much longer before supervisors
// hear of it.
type HandoverPolicy struct {
	AckWithin time.Duration
	Grace     time.Duration
}

// DefaultHandoverPolicy returns the defaults: acknowledge within 30
// minutes; supervisors are told 30 minutes after that.
func DefaultHandoverPolicy() HandoverPolicy {
	return HandoverPolicy{AckWithin: 30 * time.Minute, Grace: 30 * time.Minute}
}

// Validate reports the first problem with p.
func (p HandoverPolicy) Validate() error {
	if p.AckWithin <= 0 || p.AckWithin > maxDeadline {
		return cases.FieldError("handover.ack_within", "must be positive and at most %v, not %v", maxDeadline, p.AckWithin)
	}
	if p.Grace <= 0 || p.Grace > maxDeadline {
		return cases.FieldError("handover.grace", "must be positive and at most %v, not %v", maxDeadline, p.Grace)
	}
	return nil
}

// DueHandoverLevels returns the reminder levels due for an unacknowledged
// handover whose acknowledgement was due at ackDue, at now.
func (p HandoverPolicy) DueHandoverLevels(ackDue, now time.Time) []cases.HandoverLevel {
	var out []cases.HandoverLevel
	if now.After(ackDue) {
		out = append(out, cases.HandoverOverdue)
		if !now.Before(ackDue.Add(p.Grace)) {
			out = append(out, cases.HandoverEscalation)
		}
	}
	return out
}

// CheckHandoverInput checks a handover's shape before anything is read:
// every refusal names its field.
func CheckHandoverInput(in *cases.HandoverInput) error {
	in.Note, in.ToShift = strings.TrimSpace(in.Note), strings.TrimSpace(in.ToShift)
	switch {
	case in.ToUserID != 0 && in.ToShift != "":
		return cases.FieldError("to_shift", "hand over to one agent (to_user_id) or to a shift's team (to_shift), not both")
	case in.ToShift != "":
		if err := cases.CheckText("to_shift", in.ToShift, 50, true); err != nil {
			return err
		}
	case in.ToUserID <= 0:
		return cases.FieldError("to_user_id", "to_user_id is required: the incoming agent (or to_shift, the next shift's team)")
	}
	if err := cases.CheckText("note", in.Note, 4000, false); err != nil {
		return err
	}
	if len(in.Cases) == 0 {
		return cases.FieldError("cases", "hand over at least one case")
	}
	if len(in.Cases) > MaxHandoverCases {
		return cases.FieldError("cases", "at most %d cases in one handover", MaxHandoverCases)
	}
	seen := map[int64]int{}
	for i := range in.Cases {
		c := &in.Cases[i]
		f := fmt.Sprintf("cases[%d]", i)
		if c.CaseID <= 0 {
			return cases.FieldError(f+".case_id", "case_id is required")
		}
		if j, dup := seen[c.CaseID]; dup {
			return cases.FieldError(f+".case_id", "case %d is already cases[%d]", c.CaseID, j)
		}
		seen[c.CaseID] = i
		if c.Status == "" {
			c.Status = cases.StatusOnTrack
		}
		if !c.Status.Valid() {
			return cases.FieldError(f+".status", "status must be on_track, watch or at_risk")
		}
		c.Note, c.NextAction = strings.TrimSpace(c.Note), strings.TrimSpace(c.NextAction)
		c.Contingency, c.Promise = strings.TrimSpace(c.Contingency), strings.TrimSpace(c.Promise)
		for _, t := range []struct {
			name, v string
			max     int
		}{{"note", c.Note, 4000}, {"next_action", c.NextAction, 500}, {"contingency", c.Contingency, 1000}, {"promise", c.Promise, 1000}} {
			if err := cases.CheckText(f+"."+t.name, t.v, t.max, false); err != nil {
				return err
			}
		}
		if c.Status == cases.StatusAtRisk && c.Note == "" {
			return cases.FieldError(f+".note", "an at-risk case needs a note: say what is at risk and what to do")
		}
		if c.NextActionDueAt != nil && c.NextAction == "" {
			return cases.FieldError(f+".next_action", "a next action due time needs the action")
		}
		if c.PromiseDueAt != nil && c.Promise == "" {
			return cases.FieldError(f+".promise", "a promise due time needs the promise")
		}
	}
	return nil
}

// CheckIncoming refuses handing over to nobody, to oneself or to a
// deactivated user. to is nil when the user does not exist.
func CheckIncoming(actor cases.Actor, toID int64, to *cases.User) error {
	switch {
	case toID == actor.ID:
		return cases.FieldError("to_user_id", "you cannot hand over to yourself")
	case to == nil:
		return cases.FieldError("to_user_id", "user %d does not exist", toID)
	case !to.Active:
		return cases.FieldError("to_user_id", "user %d is deactivated", toID)
	}
	return nil
}

// CheckHandedCase refuses handing over a case that is closed or that the
// outgoing agent is not responsible for (assigned to them), and one already
// waiting in another handover. i is its index in the input.
func CheckHandedCase(actor cases.Actor, i int, c cases.Case, pendingIn int64) error {
	f := fmt.Sprintf("cases[%d].case_id", i)
	if !c.State.Open() {
		return cases.FieldError(f, "case %s is closed; only open cases are handed over", c.Ref)
	}
	if c.AssigneeID == nil || *c.AssigneeID != actor.ID {
		return &cases.Error{Code: cases.Forbidden, Field: f,
			Message: fmt.Sprintf("case %s is not assigned to you; hand over only the cases you are responsible for", c.Ref)}
	}
	if pendingIn != 0 {
		return &cases.Error{Code: cases.Conflict, Field: f,
			Message: fmt.Sprintf("case %s is already in handover %d, not yet acknowledged", c.Ref, pendingIn)}
	}
	return nil
}

// HandedEvent is the ledger event of a case handed over to an agent (to)
// or to a shift's team (to is nil, toShift names the shift).
func HandedEvent(handoverID, from int64, to *int64, toShift string, hc cases.HandoverCaseInput) cases.NewEvent {
	p := map[string]any{"handover_id": handoverID, "from": from, "to": to, "status": string(hc.Status)}
	if toShift != "" {
		p["to_shift"] = toShift
	}
	for k, v := range map[string]string{"note": hc.Note, "next_action": hc.NextAction,
		"contingency": hc.Contingency, "promise": hc.Promise} {
		if v != "" {
			p[k] = v
		}
	}
	if hc.NextActionDueAt != nil {
		p["next_action_due_at"] = hc.NextActionDueAt.UTC().Format(time.RFC3339)
	}
	if hc.PromiseDueAt != nil {
		p["promise_due_at"] = hc.PromiseDueAt.UTC().Format(time.RFC3339)
	}
	return cases.NewEvent{Kind: cases.EventHandedOver, Payload: p}
}

// PlanAck decides which of h's cases an acknowledgement takes: only the
// incoming agent acknowledges (for a team handover, anyone on the team but
// the outgoing agent), each case once, at-risk cases with a read-back. No
// cases in the input means every case still waiting.
func PlanAck(actor cases.Actor, h cases.Handover, in cases.AckInput) ([]cases.AckCase, error) {
	switch {
	case h.ToTeam() && !h.Receives(actor.ID):
		return nil, &cases.Error{Code: cases.Forbidden, Field: "id",
			Message: fmt.Sprintf("handover %d is yours: the next shift acknowledges it, not its outgoing agent", h.ID)}
	case !h.Receives(actor.ID):
		return nil, &cases.Error{Code: cases.Forbidden, Field: "id",
			Message: fmt.Sprintf("handover %d was handed to someone else; only its incoming agent acknowledges it", h.ID)}
	}
	byID := map[int64]cases.HandoverCase{}
	for _, hc := range h.Cases {
		byID[hc.CaseID] = hc
	}
	if h.AcknowledgedAt != nil {
		return nil, &cases.Error{Code: cases.Conflict, Field: "id", Message: fmt.Sprintf("handover %d is already acknowledged", h.ID)}
	}
	items := in.Cases
	all := len(items) == 0
	if all {
		for _, hc := range h.Cases {
			if hc.AcknowledgedAt == nil {
				items = append(items, cases.AckCase{CaseID: hc.CaseID})
			}
		}
	}
	seen := map[int64]bool{}
	for i := range items {
		a := &items[i]
		f := fmt.Sprintf("cases[%d]", i)
		a.ReadBack = strings.TrimSpace(a.ReadBack)
		hc, ok := byID[a.CaseID]
		switch {
		case !ok:
			return nil, cases.FieldError(f+".case_id", "case %d is not in handover %d", a.CaseID, h.ID)
		case seen[a.CaseID]:
			return nil, cases.FieldError(f+".case_id", "case %d is listed twice", a.CaseID)
		case hc.AcknowledgedAt != nil:
			return nil, &cases.Error{Code: cases.Conflict, Field: f + ".case_id",
				Message: fmt.Sprintf("case %s of handover %d is already acknowledged", hc.Ref, h.ID)}
		}
		seen[a.CaseID] = true
		if err := cases.CheckText(f+".read_back", a.ReadBack, 1000, false); err != nil {
			return nil, err
		}
		if hc.Status == cases.StatusAtRisk && a.ReadBack == "" {
			field := f + ".read_back"
			if all {
				field = fmt.Sprintf("cases[case_id=%d].read_back", a.CaseID)
			}
			return nil, &cases.Error{Code: cases.Invalid, Field: field,
				Message: fmt.Sprintf("case %s is at risk: read back, in your own words, what you will do", hc.Ref)}
		}
	}
	return items, nil
}

// AckChange is the acknowledgement of one handed case by the agent by (the
// incoming agent, or whoever of the team took it): they take the case when
// the outgoing agent still holds it (or nobody does); a case a supervisor
// gave to someone else meanwhile, or one closed, keeps its assignee and
// records the acknowledgement only.
func AckChange(c cases.Case, h cases.Handover, a cases.AckCase, by int64) Result {
	next := cloneCase(c)
	var evs []cases.NewEvent
	payload := map[string]any{"handover_id": h.ID, "from": h.FromUserID, "to": by}
	if h.ToTeam() {
		payload["to_shift"] = h.ToShift
	}
	if a.ReadBack != "" {
		payload["read_back"] = a.ReadBack
	}
	evs = append(evs, cases.NewEvent{Kind: cases.EventHandoverAcknowledged, Payload: payload})
	takes := c.State.Open() && (c.AssigneeID == nil || *c.AssigneeID == h.FromUserID)
	if takes {
		to := by
		next.AssigneeID = &to
		evs = append(evs, cases.NewEvent{Kind: cases.EventAssigned,
			Payload: map[string]any{"from": c.AssigneeID, "to": to, "handover_id": h.ID}})
	}
	return Result{Case: next, Events: evs}
}

// ClassifyView marks each open case of a handover view with what the
// outgoing agent should know, suggests its status and says whether it needs
// a note, then lists the cases by finding.
func ClassifyView(v *cases.HandoverView, now time.Time) {
	ahead := cases.Window{Start: now, End: v.NextShift.End}
	if !ahead.End.After(now) {
		ahead.End = now.Add(DefaultShiftLength)
	}
	v.Overdue, v.DueNextShift, v.PlatformDueNextShift = []int64{}, []int64{}, []int64{}
	v.PromisesNextShift, v.PendingApprovals, v.ChangedThisShift = []int64{}, []int64{}, []int64{}
	for i := range v.Open {
		it := &v.Open[i]
		it.Overdue = (it.DueAt != nil && now.After(*it.DueAt)) || (it.PlatformDueAt != nil && now.After(*it.PlatformDueAt))
		it.DueNextShift = ahead.Contains(it.DueAt)
		it.PlatformDueNextShift = ahead.Contains(it.PlatformDueAt)
		it.PromiseDueNextShift = ahead.Contains(it.LastPromiseDueAt)
		it.ChangedThisShift = !it.UpdatedAt.Before(v.ThisShift.Start)
		switch {
		case it.Overdue || it.PlatformDueNextShift:
			it.SuggestedStatus = cases.StatusAtRisk
		case it.DueNextShift || it.PendingApproval || it.PromiseDueNextShift || it.LastStatus == cases.StatusAtRisk:
			it.SuggestedStatus = cases.StatusWatch
		default:
			it.SuggestedStatus = cases.StatusOnTrack
		}
		it.NeedsNote = it.SuggestedStatus != cases.StatusOnTrack
		add := func(dst *[]int64, yes bool) {
			if yes {
				*dst = append(*dst, it.CaseID)
			}
		}
		add(&v.Overdue, it.Overdue)
		add(&v.DueNextShift, it.DueNextShift)
		add(&v.PlatformDueNextShift, it.PlatformDueNextShift)
		add(&v.PromisesNextShift, it.PromiseDueNextShift)
		add(&v.PendingApprovals, it.PendingApproval)
		add(&v.ChangedThisShift, it.ChangedThisShift)
	}
}
