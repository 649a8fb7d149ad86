package actions

import (
	"context"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
)

// Handovers are the operations of the shift handover (SPEC §7): the view
// at a shift's end, handing over, acknowledging, the history; and the shops
// whose shifts they follow.
type Handovers struct {
	store  *store.Store
	policy workflows.Policy
}

// NewHandovers returns the handover operations on store under policy.
func NewHandovers(store *store.Store, policy workflows.Policy) *Handovers {
	return &Handovers{store: store, policy: policy}
}

// rules are the protocol's handover decisions, as the store asks them.
func (a *Handovers) rules() store.HandoverRules {
	return store.HandoverRules{
		Incoming: workflows.CheckIncoming,
		Handed:   workflows.CheckHandedCase,
		Event:    workflows.HandedEvent,
		Plan:     workflows.PlanAck,
		Take: func(c cases.Case, h cases.Handover, ack cases.AckCase, by int64) (cases.Case, []cases.NewEvent) {
			res := workflows.AckChange(c, h, ack, by)
			return res.Case, res.Events
		},
	}
}

// Create hands the signed-in agent's cases over.
func (a *Handovers) Create(ctx context.Context, in cases.HandoverInput) (cases.Handover, error) {
	if _, err := cases.RequireActor(ctx); err != nil {
		return cases.Handover{}, err
	}
	if err := workflows.CheckHandoverInput(&in); err != nil {
		return cases.Handover{}, err
	}
	return a.store.Shifts().CreateHandover(ctx, in, a.policy.Handover.AckWithin, a.rules())
}

// Ack records the signed-in agent's acknowledgement of a handover.
func (a *Handovers) Ack(ctx context.Context, id int64, in cases.AckInput) (cases.Handover, error) {
	return a.store.Shifts().AckHandover(ctx, id, in, a.rules())
}

// View is the handover view of agentID at now: the shift windows of shopID
// (or the default shift length when 0) and what the agent holds.
func (a *Handovers) View(ctx context.Context, agentID, shopID int64, now time.Time) (cases.HandoverView, error) {
	var shifts []cases.Shift
	loc := a.policy.Zone
	if shopID != 0 {
		shop, err := a.store.Shifts().Shop(ctx, shopID)
		if err != nil {
			return cases.HandoverView{}, err
		}
		shifts, loc = shop.Shifts, a.policy.Calendar(shop).Location
	}
	v, err := a.store.Shifts().HandoverView(ctx, agentID)
	if err != nil {
		return v, err
	}
	v.ShiftName, v.ThisShift, v.NextShift = workflows.ShiftWindows(shifts, loc, now)
	v.NextShiftName = workflows.ShiftAt(shifts, loc, v.NextShift.Start)
	workflows.ClassifyView(&v, now)
	return v, nil
}
