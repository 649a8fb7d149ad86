package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/chat"
	"redress/server/request"
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
	Flags       []string      // reasons the case is flagged for audit
	Remedies    []remedyRow   // every remedy the case was offered
	Spent       []cases.Money // what the applied ones cost
	Verdicts    []verdictView
	// Return is the return-received form, while a return_refund remedy
	// waits on the returned goods.
	Return []fieldView
	// Contact is the buyer's contact as the page shows it: masked, or
	// whole right after the viewer asked to see it (Revealed), which the
	// ledger records.
	Contact  string
	Revealed bool
	forms    map[string]*formState
}

// remedyRow is one remedy of a case's history.
type remedyRow struct {
	cases.RemedyRecord
	ProposedByName string
	DecidedByName  string
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
	RemedyID      int64 // the open remedy's id, for the decision form
	NeedsApproval bool
	Approved      bool
	ApprovedBy    string
}

// chatPreview is how a pasted chat excerpt will be read, with a choice of
// side for each speaker: the parser's guess, or what the agent chose.
type chatPreview struct {
	Transcript chat.Transcript
	Speakers   []speakerChoice
}

// speakerChoice is one speaker of a previewed excerpt and its side.
type speakerChoice struct {
	Name    string
	Role    chat.Role
	Options []option
}

// Show handles GET /cases/{id}.
func (h *CasePages) Show(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, id, nil)
}

// RevealContact handles POST /cases/{id}/contact: the buyer's contact,
// shown whole once its viewing is recorded in the ledger (a
// contact_viewed event). The page is rendered in the answer, not behind
// a redirect, so that no URL shows the contact without the record.
func (h *CasePages) RevealContact(c echo.Context) error {
	id, _, err := caseForm(c)
	if err != nil {
		return err
	}
	contact, err := h.ops.RevealContact(c.Request().Context(), id)
	if err != nil {
		return h.refuse(c, id, "contact", nil, nil, err)
	}
	return h.pageWith(c, http.StatusOK, id, nil, contact)
}

// page renders the case page, with a posted form shown again when it
// was refused.
func (h *CasePages) page(c echo.Context, status int, id int64, posted *formState) error {
	return h.pageWith(c, status, id, posted, "")
}

// pageWith is page with the buyer's contact shown whole when revealed is
// set (the contact RevealContact returned).
func (h *CasePages) pageWith(c echo.Context, status int, id int64, posted *formState, revealed string) error {
	v, err := h.view(c, "", "case.title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cs, evs, events, dir, err := h.caseRecord(c, id)
	if err != nil {
		return err
	}
	hist, err := h.ops.RemedyHistory(ctx, id)
	if err != nil {
		return err
	}
	v.Title = cs.Ref + " · " + h.t(v, "case.title")
	actor := v.User.Actor()
	if cs.BuyerHistory, err = h.store.BuyerHistory(ctx, cs); err != nil {
		return err
	}
	cv := &caseView{Case: cs, Assignee: dir.name(cs.AssigneeID), CanAct: actor.CanActOn(cs.AssigneeID),
		Contact: cases.MaskContact(cs.BuyerContact), forms: map[string]*formState{}}
	if revealed != "" {
		cv.Contact, cv.Revealed = revealed, true
	}
	if posted != nil {
		cv.forms[posted.Name] = posted
	}
	cv.CanTake = cs.AssigneeID == nil || (*cs.AssigneeID != v.User.ID && v.Supervises())
	cv.Steps = h.steps(v, cs)
	abuse := false
	for _, e := range evs {
		abuse = abuse || e.BacksAbuse()
		cv.Evidence = append(cv.Evidence, h.evidenceView(v, e, dir, cv.forms["void-"+strconv.FormatInt(e.ID, 10)]))
	}
	if cv.CanAct {
		cv.Moves = h.moves(v, cs, abuse, posted)
	}
	if len(cv.Moves) > 0 && cs.State.Open() {
		var needs []string
		for _, f := range cv.Moves[0].Fields {
			if f.Type != "hidden" {
				needs = append(needs, f.Label)
			}
		}
		cv.Leave = strings.Join(needs, h.t(v, "list.separator"))
	}
	if cs.State == cases.StateRemedy {
		rv := &remedyView{}
		if r := cs.Remedy; r != nil {
			rv.Remedy = *r
			if open := workflows.OpenRemedy(hist.Items); open != nil {
				rv.RemedyID = open.ID
				rv.NeedsApproval = open.Status == cases.RemedyPending || open.NeedsApproval
			}
			rv.Approved = r.ApprovedBy != nil
			rv.ApprovedBy = dir.name(r.ApprovedBy)
		}
		cv.Remedy = rv
	}
	if v.Supervises() {
		people, err := h.people.Directory(ctx)
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
		cv.UploadKinds = append(cv.UploadKinds, option{Value: string(k), Label: h.t(v, "evidence_kind."+string(k)),
			Selected: string(k) == cv.Form("evidence").Get("kind")})
	}
	if f := cv.forms["chat"]; f != nil && strings.TrimSpace(f.Get("text")) != "" {
		cv.Chat = h.chatPreview(v, f.Values)
	}
	if r := cs.Remedy; cv.CanAct && r != nil && r.Type == "return_refund" &&
		(cs.State == cases.StateRemedy || cs.State == cases.StateFollowUp) && (cs.Return == nil || cs.Return.ReceivedAt == nil) {
		cv.Return = h.returnInputs(v, cs, cv.Form("return"))
	}
	for _, r := range hist.Items {
		cv.Remedies = append(cv.Remedies, remedyRow{RemedyRecord: r, ProposedByName: dir.name(r.ProposedBy), DecidedByName: dir.name(r.DecidedBy)})
	}
	cv.Spent = hist.Total
	if cv.Verdicts, err = h.verdicts(c, v, cs, dir, cv.forms); err != nil {
		return err
	}
	rules, err := h.toneRuleTexts(ctx, events)
	if err != nil {
		return err
	}
	cv.Timeline = h.timeline(v, events, dir, rules)
	if cv.Flags, err = h.store.Desk().Flags(ctx, id); err != nil {
		return err
	}
	v.D = cv
	return h.render(c, status, "case", v)
}

// returnInputs is the return-received form: the parcel's courier and
// waybill (as the remedy gave them, when it did) and the day it arrived
// (today unless the agent says otherwise).
func (h *CasePages) returnInputs(v *view, cs cases.Case, f *formState) []fieldView {
	values := f.Values
	if values == nil {
		values = url.Values{"received_at": {v.Now.In(v.Loc).Format("2006-01-02")}}
		if r := cs.Return; r != nil {
			values.Set("courier", r.Courier)
			values.Set("waybill", r.Waybill)
		}
	}
	labels := map[string]string{"courier": "return.courier", "waybill": "return.waybill", "received_at": "return.received_at"}
	var out []fieldView
	for _, name := range returnFields() {
		fv := fieldView{Name: name, ID: "return-" + name, Type: "text", Label: h.t(v, labels[name]),
			Value: values.Get(name), Err: f.Err(name), Required: true}
		if name == "received_at" {
			fv.Type = "date"
		}
		out = append(out, fv)
	}
	return out
}

// caseRecord reads what the case and audit pages both show of a case: the
// case, its evidence, its ledger and the names of the people in them.
func (h *CasePages) caseRecord(c echo.Context, id int64) (cases.Case, []cases.Evidence, []cases.Event, directory, error) {
	ctx := c.Request().Context()
	cs, err := h.store.Get(ctx, id)
	if err != nil {
		return cs, nil, nil, nil, err
	}
	evs, err := h.store.ListEvidence(ctx, id)
	if err != nil {
		return cs, nil, nil, nil, err
	}
	events, err := h.store.Events(ctx, id)
	if err != nil {
		return cs, nil, nil, nil, err
	}
	dir, err := h.directory(c)
	return cs, evs, events, dir, err
}
