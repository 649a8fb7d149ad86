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
	store   *store.Store
	policy  workflows.Policy
	desk    Desk
	tone    *Tone
	replies *store.Replies
}

// Words is the translation catalogue notices are written with.
type Words interface {
	T(lang cases.Language, key string, args ...any) string
}

// Desk is the supervisor's desk's configuration: how closed cases are
// sampled for audit, in which time zone audit periods start, the words of
// its notices and the link to a case in them.
type Desk struct {
	Audit    workflows.AuditPolicy
	Location *time.Location
	Words    Words
	CaseURL  func(id int64) string
}

// NewCases returns the case operations on store under policy, with the
// supervisor's desk configured by desk. Texts sent to buyers are checked
// by tone; texts written from a reply of replies count as its uses.
func NewCases(store *store.Store, policy workflows.Policy, desk Desk, tone *Tone, replies *store.Replies) *Cases {
	if desk.Location == nil {
		desk.Location = time.UTC
	}
	return &Cases{store: store, policy: policy, desk: desk, tone: tone, replies: replies}
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
// step (in the shop's business hours when the policy counts them); a case
// without a platform deadline gets its platform rule's.
func (a *Cases) create(ctx context.Context, nc cases.Case) (cases.Case, error) {
	var rule *cases.PlatformRule
	if nc.PlatformDueAt == nil {
		r, err := a.store.Intake().PlatformRule(ctx, nc.Platform, nc.Kind)
		switch {
		case err == nil:
			rule = &r
		case cases.ErrorCode(err) != cases.NotFound:
			return cases.Case{}, err
		}
	}
	return a.store.CreateDue(ctx, nc, rule, func(shop cases.Shop, now time.Time) time.Time {
		return *a.policy.Deadlines.DueOn(a.policy.Calendar(shop), nc.Kind, nc.Severity, cases.StateRespond, now)
	})
}

// Edit applies a patch of the case's own fields, conditional on version.
// A changed kind or severity moves the due time of the current state.
func (a *Cases) Edit(ctx context.Context, id int64, version *int64, p cases.CasePatch) (cases.Case, error) {
	return a.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.Edit(cur, p, a.policy, a.policy.Calendar(f.Shop))
		if err != nil || len(res.Events) == 0 {
			return cases.Change{Case: cur, KeepVersion: true}, err
		}
		return cases.Change{Case: res.Case, Events: res.Events}, nil
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
	checker, err := a.tone.Checker(ctx)
	if err != nil {
		return cases.Event{}, err
	}
	_, evs, err := a.store.ChangeEvents(ctx, id, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		event := cases.NewEvent{Kind: cases.EventCommented, Payload: map[string]any{"body": body}}
		// A comment is not sent to the buyer: it is never refused, but a
		// remedy tied to a review in it flags the case all the same.
		review, err := workflows.ReviewComment(checker, cur.Platform, body)
		if err != nil {
			return cases.Change{}, err
		}
		evs := review.Record([]cases.NewEvent{event}, event.Payload)
		return cases.Change{Case: cur, Events: evs, KeepVersion: true}, nil
	})
	if err != nil {
		return cases.Event{}, err
	}
	return evs[0], nil
}

// RevealContact returns a case's buyer contact whole, after recording in
// its ledger that the actor was shown it (a contact_viewed event: who and
// when). Lists and the case page show the contact masked; this is the one
// way to read it whole, so every look is on record.
func (a *Cases) RevealContact(ctx context.Context, id int64) (string, error) {
	updated, _, err := a.store.ChangeEvents(ctx, id, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		if cur.BuyerContact == "" {
			return cases.Change{Case: cur, KeepVersion: true}, cases.FieldError("buyer_contact", "the case has no buyer contact to show")
		}
		return cases.Change{Case: cur, KeepVersion: true, Events: []cases.NewEvent{{Kind: cases.EventContactViewed, Payload: map[string]any{}}}}, nil
	})
	if err != nil {
		return "", err
	}
	return updated.BuyerContact, nil
}

// ReturnReceived records that the goods a return_refund remedy sends back
// arrived, with their courier, waybill and date.
func (a *Cases) ReturnReceived(ctx context.Context, id int64, version *int64, in workflows.ReturnInput) (cases.Case, error) {
	return a.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.ReceiveReturn(cur, in, a.facts(f))
		return cases.Change{Case: res.Case, Events: res.Events}, err
	})
}

// facts adapts the store's facts to the protocol's.
func (a *Cases) facts(f cases.Facts) workflows.Facts {
	return workflows.Facts{Now: f.Now, ActorID: f.Actor.ID, HasAbuseEvidence: f.HasAbuseEvidence,
		Calendar: a.policy.Calendar(f.Shop)}
}

// sentToBuyer prepares the check of a write's texts sent to the buyer:
// the tone check against the current rules (warnings stored on the event
// as "tone_warnings"; a rule whose severity is block on the case's
// platform refuses the write; a remedy tied to a review adds a "flagged"
// event), and the reply the text came from, which must be approved
// (recorded as "reply_used", which counts the use).
func (a *Cases) sentToBuyer(ctx context.Context, replyID *int64) (func(cases.Case, []cases.NewEvent) ([]cases.NewEvent, error), error) {
	checker, err := a.tone.Checker(ctx)
	if err != nil {
		return nil, err
	}
	if replyID != nil {
		r, err := a.replies.Get(ctx, *replyID)
		switch {
		case cases.ErrorCode(err) == cases.NotFound || (err == nil && r.ArchivedAt != nil):
			return nil, cases.FieldError("reply_id", "reply %d does not exist", *replyID)
		case err != nil:
			return nil, err
		case r.Status != cases.ReplyApproved:
			return nil, cases.FieldError("reply_id", "reply %d is not approved yet; a supervisor approves proposed replies", *replyID)
		}
	}
	return func(cur cases.Case, evs []cases.NewEvent) ([]cases.NewEvent, error) {
		if len(evs) == 0 {
			return evs, nil
		}
		payload := evs[0].Payload
		texts := workflows.BuyerTexts(payload)
		review, err := workflows.ReviewTone(checker, cur.Platform, texts, true)
		if err != nil {
			return nil, err
		}
		if replyID != nil {
			field := ""
			if len(texts) > 0 {
				field = texts[0].Field
			} else if _, ok := payload["account"]; ok {
				field = "account" // a listen reply: what was asked of the buyer
			}
			if field == "" {
				return nil, cases.FieldError("reply_id", "this write records no text a reply could have written")
			}
			payload["reply_used"] = map[string]any{"reply_id": *replyID, "field": field}
		}
		return review.Record(evs, payload), nil
	}, nil
}
