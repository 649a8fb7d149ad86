package actions

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
	"redress/workflows/tone"
)

// Replies are the operations on the team's reply library: admins and
// supervisors curate it, agents propose replies for a supervisor to
// approve. Every body is tone-checked when saved.
type Replies struct {
	replies *store.Replies
	cases   *store.Store
	tone    *Tone
}

// NewReplies returns the reply library's operations.
func NewReplies(replies *store.Replies, cs *store.Store, tone *Tone) *Replies {
	return &Replies{replies: replies, cases: cs, tone: tone}
}

// ReplyInput is a reply as a client sends it; on an edit, absent fields
// keep their value. Kind "" is a reply for any kind of case.
type ReplyInput struct {
	Stage *string `json:"stage"`
	Kind  *string `json:"kind"`
	Lang  *string `json:"lang"`
	Title *string `json:"title"`
	Body  *string `json:"body"`
}

// List returns the replies f selects, ranked by order (see
// workflows.RankReplies). Proposals are listed to supervisors, and to an
// agent only their own.
func (a *Replies) List(ctx context.Context, f cases.ReplyFilter, order string) ([]workflows.RankedReply, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if f.Stage != "" && !slices.Contains(workflows.ReplyStages(), f.Stage) {
		return nil, &cases.Error{Code: cases.Malformed, Field: "stage", Message: "stage must be one of " + joinStates(workflows.ReplyStages())}
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, &cases.Error{Code: cases.Malformed, Field: "kind", Message: fmt.Sprintf("%q is not a case kind", f.Kind)}
	}
	if f.Lang != "" && !slices.Contains(cases.Languages(), f.Lang) {
		return nil, &cases.Error{Code: cases.Malformed, Field: "lang", Message: "lang must be zh-CN or en"}
	}
	switch f.Status {
	case "", cases.ReplyApproved:
	case cases.ReplyProposed:
		if !actor.Role.Supervises() {
			f.CreatedBy = &actor.ID
		}
	default:
		return nil, &cases.Error{Code: cases.Malformed, Field: "status", Message: "status must be approved or proposed"}
	}
	if _, err := workflows.RankReplies(nil, nil, order); err != nil {
		return nil, err
	}
	rs, err := a.replies.List(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	stats, err := a.replies.Stats(ctx, ids)
	if err != nil {
		return nil, err
	}
	return workflows.RankReplies(rs, stats, order)
}

// Get returns one reply with its uses and outcomes.
func (a *Replies) Get(ctx context.Context, id int64) (workflows.RankedReply, error) {
	r, err := a.visible(ctx, id)
	if err != nil {
		return workflows.RankedReply{}, err
	}
	stats, err := a.replies.Stats(ctx, []int64{id})
	if err != nil {
		return workflows.RankedReply{}, err
	}
	ranked, err := workflows.RankReplies([]cases.Reply{r}, stats, "")
	return ranked[0], err
}

// visible returns a reply the actor may see: approved ones, and proposals
// to supervisors and their authors.
func (a *Replies) visible(ctx context.Context, id int64) (cases.Reply, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Reply{}, err
	}
	r, err := a.replies.Get(ctx, id)
	if err != nil {
		return r, err
	}
	if r.ArchivedAt != nil || (r.Status != cases.ReplyApproved && !actor.Role.Supervises() && r.CreatedBy != actor.ID) {
		return cases.Reply{}, cases.Errorf(cases.NotFound, "reply %d does not exist", id)
	}
	return r, nil
}

// Create adds a reply: approved when a supervisor or admin writes it, a
// proposal when an agent does.
func (a *Replies) Create(ctx context.Context, in ReplyInput) (workflows.RankedReply, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return workflows.RankedReply{}, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"stage", in.Stage}, {"lang", in.Lang}, {"title", in.Title}, {"body", in.Body}} {
		if f.v == nil {
			return workflows.RankedReply{}, cases.FieldError(f.name, "%s is required", f.name)
		}
	}
	r := cases.Reply{CreatedBy: actor.ID, Status: cases.ReplyProposed}
	if actor.Role.Supervises() {
		r.Status = cases.ReplyApproved
	}
	if err := a.apply(ctx, &r, in); err != nil {
		return workflows.RankedReply{}, err
	}
	created, err := a.replies.Create(ctx, r)
	if err != nil {
		return workflows.RankedReply{}, err
	}
	return a.Get(ctx, created.ID)
}

// Update edits a reply. Supervisors and admins edit any; an agent edits
// only their own proposal.
func (a *Replies) Update(ctx context.Context, id int64, in ReplyInput) (workflows.RankedReply, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return workflows.RankedReply{}, err
	}
	r, err := a.visible(ctx, id)
	if err != nil {
		return workflows.RankedReply{}, err
	}
	if !actor.Role.Supervises() && (r.CreatedBy != actor.ID || r.Status != cases.ReplyProposed) {
		return workflows.RankedReply{}, cases.Errorf(cases.Forbidden, "only supervisors and admins edit the library; agents edit their own proposals")
	}
	if err := a.apply(ctx, &r, in); err != nil {
		return workflows.RankedReply{}, err
	}
	if _, err := a.replies.Update(ctx, r, actor.ID, false); err != nil {
		return workflows.RankedReply{}, err
	}
	return a.Get(ctx, id)
}

// Approve approves a proposed reply (supervisors). A reply that ties a
// remedy to a review is never approved.
func (a *Replies) Approve(ctx context.Context, id int64) (workflows.RankedReply, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return workflows.RankedReply{}, err
	}
	if !actor.Role.Supervises() {
		return workflows.RankedReply{}, cases.Errorf(cases.Forbidden, "supervisors approve replies")
	}
	r, err := a.visible(ctx, id)
	if err != nil {
		return workflows.RankedReply{}, err
	}
	var ws []tone.Warning
	_ = json.Unmarshal(r.ToneWarnings, &ws)
	for _, w := range ws {
		if w.Category == tone.CategoryReviewTiedRemedy {
			return workflows.RankedReply{}, cases.FieldError("body", "the reply ties a remedy to a review (%q); edit it before approving", w.Match)
		}
	}
	if _, err := a.replies.Approve(ctx, id, actor.ID); err != nil {
		return workflows.RankedReply{}, err
	}
	return a.Get(ctx, id)
}

// Delete removes a reply from the library (archived; its uses stay).
// Supervisors and admins remove any; an agent only their own proposal.
func (a *Replies) Delete(ctx context.Context, id int64) error {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return err
	}
	r, err := a.visible(ctx, id)
	if err != nil {
		return err
	}
	if !actor.Role.Supervises() && (r.CreatedBy != actor.ID || r.Status != cases.ReplyProposed) {
		return cases.Errorf(cases.Forbidden, "only supervisors and admins remove replies; agents withdraw their own proposals")
	}
	return a.replies.Archive(ctx, id, actor.ID)
}

// FilledReply is a reply's body with the variables of a case filled in.
// Missing lists the variables the case has no value for: they stay
// written {name} in Text, and a text holding one is refused when saved.
type FilledReply struct {
	ReplyID int64    `json:"reply_id"`
	CaseID  int64    `json:"case_id"`
	Text    string   `json:"text"`
	Missing []string `json:"missing"`
}

// Fill fills an approved reply's variables from a case; {due} is written
// in loc. The use is counted when the text is saved with its reply_id.
func (a *Replies) Fill(ctx context.Context, id, caseID int64, loc *time.Location) (FilledReply, error) {
	if caseID <= 0 {
		return FilledReply{}, cases.FieldError("case_id", "case_id is required: the case whose values fill the reply")
	}
	r, err := a.visible(ctx, id)
	if err != nil {
		return FilledReply{}, err
	}
	if r.Status != cases.ReplyApproved {
		return FilledReply{}, cases.FieldError("status", "reply %d is not approved yet", id)
	}
	c, err := a.cases.Get(ctx, caseID)
	if cases.ErrorCode(err) == cases.NotFound {
		return FilledReply{}, cases.FieldError("case_id", "case %d does not exist", caseID)
	}
	if err != nil {
		return FilledReply{}, err
	}
	evs, err := a.cases.ListEvidence(ctx, caseID)
	if err != nil {
		return FilledReply{}, err
	}
	text, missing := workflows.FillReply(r.Body, workflows.CaseVariables(c, evs, loc))
	if missing == nil {
		missing = []string{}
	}
	return FilledReply{ReplyID: id, CaseID: caseID, Text: text, Missing: missing}, nil
}

// apply validates in onto r and tone-checks the body: a rule that blocks
// everywhere refuses it; other warnings are kept with the reply.
func (a *Replies) apply(ctx context.Context, r *cases.Reply, in ReplyInput) error {
	if in.Stage != nil {
		st := cases.State(strings.TrimSpace(*in.Stage))
		if !slices.Contains(workflows.ReplyStages(), st) {
			return cases.FieldError("stage", "%q is not a reply stage; use one of %s", *in.Stage, joinStates(workflows.ReplyStages()))
		}
		r.Stage = st
	}
	if in.Kind != nil {
		k := cases.Kind(strings.TrimSpace(*in.Kind))
		switch {
		case k == "":
			r.Kind = nil
		case !k.Valid():
			return cases.FieldError("kind", "%q is not a case kind", *in.Kind)
		default:
			r.Kind = &k
		}
	}
	if in.Lang != nil {
		l := cases.Language(strings.TrimSpace(*in.Lang))
		if !slices.Contains(cases.Languages(), l) {
			return cases.FieldError("lang", "%q is not a language; use zh-CN or en", *in.Lang)
		}
		r.Lang = l
	}
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		if err := cases.CheckText("title", t, 200, true); err != nil {
			return err
		}
		r.Title = t
	}
	if in.Body != nil {
		b := strings.TrimSpace(*in.Body)
		if err := cases.CheckText("body", b, workflows.MaxTextRunes, true); err != nil {
			return err
		}
		if unknown := workflows.UnknownVariables(b); len(unknown) > 0 {
			return cases.FieldError("body", "unknown variable {%s}; use {%s}", strings.Join(unknown, "}, {"), strings.Join(workflows.ReplyVariables(), "}, {"))
		}
		r.Body = b
	}
	ws, err := a.tone.Check(ctx, r.Body, tone.Context{Language: string(r.Lang), Stage: tone.StageReply})
	if err != nil {
		return err
	}
	if tone.Blocking(ws) {
		return &cases.Error{Code: cases.Invalid, Field: "body", Message: "the reply breaks a rule that blocks saving: " + blockingMessage(ws),
			Extra: map[string]any{"tone_warnings": ws}}
	}
	r.ToneWarnings, _ = json.Marshal(ws)
	return nil
}

func blockingMessage(ws []tone.Warning) string {
	for _, w := range ws {
		if w.Severity == tone.SeverityBlock {
			return fmt.Sprintf("%q — %s", w.Match, w.Message)
		}
	}
	return ""
}

func joinStates(ss []cases.State) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}
