package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/workflows"
)

// caseView is the case page's data.
type caseView struct {
	Case        cases.Case
	Assignee    string
	CreatedBy   string
	Steps       []stepView
	Leave       string // what leaving the current state forward needs
	Moves       []moveView
	Evidence    []evidenceView
	Timeline    []eventView
	Users       []option
	CanAct      bool
	CanTake     bool
	Remedy      *remedyView
	Chat        *chatPreview
	UploadKinds []option
	forms       map[string]*formState
}

// Form returns the posted form of that name, or an empty one.
func (cv *caseView) Form(name string) *formState {
	if f, ok := cv.forms[name]; ok {
		return f
	}
	return &formState{Name: name}
}

// remedyView is the remedy under way in state remedy, and whether it
// waits for a supervisor.
type remedyView struct {
	Remedy        cases.Remedy
	NeedsApproval bool
	Approved      bool
	ApprovedBy    string
	Fields        []fieldView // the proposal form
}

// chatPreview is how a pasted chat excerpt will be read.
type chatPreview struct {
	Transcript cases.ChatTranscript
}

// casePage handles GET /cases/{id}.
func (s *Server) casePage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderCase(c, http.StatusOK, id, nil)
}

// renderCase renders the case page, with a posted form shown again when it
// was refused.
func (s *Server) renderCase(c echo.Context, status int, id int64, posted *formState) error {
	v, err := s.view(c, "", "case.title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cs, err := s.store.Get(ctx, id)
	if err != nil {
		return err
	}
	evs, err := s.store.ListEvidence(ctx, id)
	if err != nil {
		return err
	}
	events, err := s.store.Events(ctx, id)
	if err != nil {
		return err
	}
	dir, err := s.directory(c)
	if err != nil {
		return err
	}
	v.Title = cs.Ref + " · " + s.t(v, "case.title")
	actor := v.User.Actor()
	cv := &caseView{Case: cs, Assignee: dir.name(cs.AssigneeID), CanAct: actor.CanActOn(cs.AssigneeID),
		forms: map[string]*formState{}}
	if posted != nil {
		cv.forms[posted.Name] = posted
	}
	cv.CanTake = cs.AssigneeID == nil || (*cs.AssigneeID != v.User.ID && v.Supervises())
	cv.Steps = s.steps(v, cs)
	abuse := false
	for _, e := range evs {
		if !e.Voided && (e.Kind == cases.EvidenceChatExcerpt || e.Kind == cases.EvidenceDeliverySignature) {
			abuse = true
		}
		cv.Evidence = append(cv.Evidence, s.evidenceView(v, e, dir, cv.forms["void-"+strconv.FormatInt(e.ID, 10)]))
	}
	if cv.CanAct {
		cv.Moves = s.moves(v, cs, abuse, posted)
	}
	if len(cv.Moves) > 0 && cs.State.Open() {
		var needs []string
		for _, f := range cv.Moves[0].Fields {
			if f.Type != "hidden" {
				needs = append(needs, f.Label)
			}
		}
		cv.Leave = strings.Join(needs, s.t(v, "list.separator"))
	}
	if cs.State == cases.StateRemedy {
		rv := &remedyView{}
		if r := cs.Remedy; r != nil {
			rv.Remedy = *r
			rv.NeedsApproval, _ = s.policy.Remedy.NeedsApproval(cs.OrderValue, r.Amount)
			rv.Approved = r.ApprovedBy != nil
			rv.ApprovedBy = dir.name(r.ApprovedBy)
		}
		form := moveView{ID: "remedy", Form: cv.forms["remedy"]}
		if form.Form == nil && posted != nil && posted.Get("remedy.type") != "" {
			// A remedy refused for want of approval is the one to propose.
			form.Form = &formState{Name: "remedy", Values: posted.Values}
		}
		rv.Fields = s.stageInputs(v, cs, form, workflows.MoveSpec{}, "remedy", true)
		cv.Remedy = rv
	}
	if v.Supervises() {
		people, err := s.people.Directory(ctx)
		if err != nil {
			return err
		}
		for _, u := range people {
			cv.Users = append(cv.Users, option{Value: strconv.FormatInt(u.ID, 10), Label: u.DisplayName,
				Selected: cs.AssigneeID != nil && *cs.AssigneeID == u.ID})
		}
	}
	for _, k := range []cases.EvidenceKind{cases.EvidencePhoto, cases.EvidenceScreenshot, cases.EvidenceDeliverySignature,
		cases.EvidenceTrackingRecord, cases.EvidenceDocument} {
		cv.UploadKinds = append(cv.UploadKinds, option{Value: string(k), Label: s.t(v, "evidence_kind."+string(k)),
			Selected: string(k) == cv.Form("evidence").Get("kind")})
	}
	if f := cv.forms["chat"]; f != nil && strings.TrimSpace(f.Get("text")) != "" {
		cv.Chat = &chatPreview{Transcript: cases.ParseChat(f.Get("text"))}
	}
	cv.Timeline = s.timeline(v, events, dir)
	v.D = cv
	return s.web.render(c, status, "case", v)
}
