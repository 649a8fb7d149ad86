// Package actions holds the business operations the JSON API, the web pages
// and the command line share: each decides through workflows and writes
// through the store, so every surface follows the same rules. No echo, no
// HTML.
package actions

import (
	"context"
	"strings"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
)

// Cases are the operations on cases.
type Cases struct {
	store  *store.Store
	policy workflows.Policy
}

// NewCases returns the case operations on store under policy.
func NewCases(store *store.Store, policy workflows.Policy) *Cases {
	return &Cases{store: store, policy: policy}
}

// Create validates a new case and creates it, due by the policy's deadline
// for its first step.
func (a *Cases) Create(ctx context.Context, in cases.CaseInput) (cases.Case, error) {
	nc, err := in.Case()
	if err != nil {
		return cases.Case{}, err
	}
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Case{}, err
	}
	if err := workflows.MayAssign(actor, nil, nc.AssigneeID); err != nil {
		return cases.Case{}, err
	}
	return a.create(ctx, nc)
}

// create creates a checked case, due by the policy's deadline for its first
// step; a case without a platform deadline gets its platform rule's.
func (a *Cases) create(ctx context.Context, nc cases.Case) (cases.Case, error) {
	var rule *cases.PlatformRule
	if nc.PlatformDueAt == nil {
		r, err := a.store.PlatformRule(ctx, nc.Platform, nc.Kind)
		switch {
		case err == nil:
			rule = &r
		case cases.ErrorCode(err) != cases.NotFound:
			return cases.Case{}, err
		}
	}
	return a.store.CreateWithRule(ctx, nc, a.firstDue(nc.Kind, nc.Severity), rule)
}

// firstDue is how long a new case of kind and severity has for its first
// response.
func (a *Cases) firstDue(k cases.Kind, sev cases.Severity) time.Duration {
	d, _ := a.policy.Deadlines.Within(k, sev, cases.StateRespond)
	return d
}

// Edit applies a patch of the case's own fields, conditional on version.
// A changed kind or severity moves the due time of the current state.
func (a *Cases) Edit(ctx context.Context, id int64, version *int64, p cases.CasePatch) (cases.Case, error) {
	return a.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.Edit(cur, p, a.policy)
		if err != nil || len(res.Events) == 0 {
			return cases.Change{Case: cur, KeepVersion: true}, err
		}
		return cases.Change{Case: res.Case, Events: res.Events}, nil
	})
}

// Transition moves a case along the protocol, conditional on version.
func (a *Cases) Transition(ctx context.Context, id int64, version *int64, m workflows.Move) (cases.Case, error) {
	return a.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.Transition(cur, m, facts(f), a.policy)
		return cases.Change{Case: res.Case, Events: res.Events}, err
	})
}

// Assign gives a case to assignee (nil: the unassigned queue), as the
// protocol's assignment rule allows the actor.
func (a *Cases) Assign(ctx context.Context, id int64, version *int64, assignee *int64) (cases.Case, error) {
	return a.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.Assign(cur, assignee, f.Actor)
		if err != nil || len(res.Events) == 0 {
			return cases.Change{Case: cur, KeepVersion: true}, err
		}
		return cases.Change{Case: res.Case, Events: res.Events}, nil
	})
}

// Comment appends a comment to a case's ledger and returns its event. A
// comment does not change the case's version.
func (a *Cases) Comment(ctx context.Context, id int64, body string) (cases.Event, error) {
	body = strings.TrimSpace(body)
	if err := cases.CheckText("body", body, cases.MaxLongText, true); err != nil {
		return cases.Event{}, err
	}
	_, evs, err := a.store.ChangeEvents(ctx, id, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		event := cases.NewEvent{Kind: cases.EventCommented, Payload: map[string]any{"body": body}}
		return cases.Change{Case: cur, Events: []cases.NewEvent{event}, KeepVersion: true}, nil
	})
	if err != nil {
		return cases.Event{}, err
	}
	return evs[0], nil
}

// ProposeRemedy records the remedy an agent intends while the case is in
// remedy.
func (a *Cases) ProposeRemedy(ctx context.Context, id int64, version *int64, in workflows.RemedyInput) (cases.Case, error) {
	return a.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.ProposeRemedy(cur, in, facts(f), a.policy)
		return cases.Change{Case: res.Case, Events: res.Events}, err
	})
}

// ApproveRemedy records a supervisor's approval of the proposed remedy.
func (a *Cases) ApproveRemedy(ctx context.Context, id int64, version *int64) (cases.Case, error) {
	return a.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.ApproveRemedy(cur, facts(f))
		return cases.Change{Case: res.Case, Events: res.Events}, err
	})
}

// ReturnReceived records that the goods a return_refund remedy sends back
// arrived, with their courier, waybill and date.
func (a *Cases) ReturnReceived(ctx context.Context, id int64, version *int64, in workflows.ReturnInput) (cases.Case, error) {
	return a.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.ReceiveReturn(cur, in, facts(f))
		return cases.Change{Case: res.Case, Events: res.Events}, err
	})
}

// facts adapts the store's facts to the protocol's.
func facts(f cases.Facts) workflows.Facts {
	return workflows.Facts{Now: f.Now, ActorID: f.Actor.ID, HasAbuseEvidence: f.HasAbuseEvidence}
}
