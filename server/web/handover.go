package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/problem"
	"redress/server/request"
)

// endOfShiftView is the end-of-shift page's data: the handover view, the
// people to hand to, and a refused form shown again.
type endOfShiftView struct {
	View     cases.HandoverView
	People   []cases.Person
	Statuses []cases.HandoverStatus
	Form     url.Values
	Error    *fieldErr
	Field    string
	// The next shift's team, a choice beside the agents: its name as
	// stored on the handover, and as the choice reads.
	TeamShift, TeamLabel string
}

// Status is the status to preselect for a case: what the agent chose
// before a refusal, else the suggestion (or the last note's, when graver).
func (d *endOfShiftView) Status(it cases.HandoverItem) cases.HandoverStatus {
	if d.Form != nil {
		return cases.HandoverStatus(d.Form.Get("status_" + strconv.FormatInt(it.CaseID, 10)))
	}
	if it.LastStatus == cases.StatusAtRisk {
		return it.LastStatus
	}
	return it.SuggestedStatus
}

// Value is what a field of a case shows: what was typed before a refusal,
// else the prefill.
func (d *endOfShiftView) Value(name string, id int64, prefill string) string {
	if d.Form != nil {
		return d.Form.Get(name + "_" + strconv.FormatInt(id, 10))
	}
	return prefill
}

// Handed reports whether a case is ticked to hand over (all of them at
// first).
func (d *endOfShiftView) Handed(id int64) bool {
	if d.Form == nil {
		return true
	}
	return d.Form.Get("hand_"+strconv.FormatInt(id, 10)) != ""
}

// EndOfShift handles GET /handover: the end-of-shift page.
func (h *HandoverPages) EndOfShift(c echo.Context) error {
	return h.endOfShift(c, nil, nil, http.StatusOK)
}

func (h *HandoverPages) endOfShift(c echo.Context, form url.Values, refused error, status int) error {
	v, err := h.view(c, "handover", "handover.title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	shop, err := strconv.ParseInt(c.QueryParam("shop_id"), 10, 64)
	if err != nil {
		shop = 0
	}
	hv, err := h.handovers.View(ctx, v.User.ID, shop, time.Now())
	if err != nil {
		return err
	}
	people, err := h.people.Directory(ctx)
	if err != nil {
		return err
	}
	others := people[:0:0]
	for _, p := range people {
		if p.ID != v.User.ID {
			others = append(others, p)
		}
	}
	d := &endOfShiftView{View: hv, People: others, Statuses: cases.HandoverStatuses(), Form: form, TeamShift: hv.NextShiftName}
	if d.TeamShift == "" {
		d.TeamShift = h.t(v, "handover.next_shift")
	}
	d.TeamLabel = h.t(v, "handover.to_team", "shift", d.TeamShift)
	if refused != nil {
		de := problem.From(refused)
		d.Error, d.Field = h.refusalOf(v, "handover", de), de.Field
	}
	v.D = d
	return h.render(c, status, "handover", v)
}

// HandOver handles POST /handover: the ticked cases, with their notes, to
// the chosen incoming agent.
func (h *HandoverPages) HandOver(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	in := cases.HandoverInput{Note: form.Get("note")}
	if to := form.Get("to_user_id"); to == "team" {
		in.ToShift = form.Get("to_shift")
	} else if to != "" {
		if in.ToUserID, err = strconv.ParseInt(to, 10, 64); err != nil {
			return h.endOfShift(c, form, cases.FieldError("to_user_id", "choose the incoming agent"), http.StatusUnprocessableEntity)
		}
	}
	for _, s := range form["case"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || form.Get("hand_"+s) == "" {
			continue
		}
		hc := cases.HandoverCaseInput{CaseID: id, Status: cases.HandoverStatus(form.Get("status_" + s)),
			Note: form.Get("note_" + s), NextAction: form.Get("next_" + s), Contingency: form.Get("contingency_" + s),
			Promise: form.Get("promise_" + s)}
		in.Cases = append(in.Cases, hc)
	}
	ho, err := h.handovers.Create(c.Request().Context(), in)
	if err != nil {
		de := problem.From(err)
		if de.Code == cases.Internal {
			return err
		}
		return h.endOfShift(c, form, err, problem.Status(de))
	}
	return redirect(c, "/handovers?done=handed#handover-"+strconv.FormatInt(ho.ID, 10))
}

// handoversView is the handovers page's data: what waits for me to
// acknowledge, and the history.
type handoversView struct {
	Incoming []cases.Handover
	History  []cases.Handover
	Names    directory
	Error    *fieldErr
	ErrorID  int64
	NextURL  string
	FirstURL string
}

// Inbox handles GET /handovers: the handovers waiting for me, then the
// history (mine, or everyone's for supervisors; ?q= searches).
func (h *HandoverPages) Inbox(c echo.Context) error {
	return h.inbox(c, nil, 0, http.StatusOK)
}

func (h *HandoverPages) inbox(c echo.Context, refused error, refusedID int64, status int) error {
	v, err := h.view(c, "handovers", "handovers.title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	me := v.User.ID
	pending, err := h.store.Shifts().Handovers(ctx, cases.HandoverFilter{ToUser: &me, Pending: true, Limit: 50})
	if err != nil {
		return err
	}
	q := c.QueryParams()
	f := cases.HandoverFilter{Q: q.Get("q"), Cursor: q.Get("cursor"), Limit: 20}
	if !v.Supervises() {
		f.AgentID = &me
	}
	history, err := h.store.Shifts().Handovers(ctx, f)
	if err != nil {
		return err
	}
	names, err := h.directory(c)
	if err != nil {
		return err
	}
	d := &handoversView{Incoming: pending.Items, History: history.Items, Names: names, ErrorID: refusedID}
	if refused != nil {
		de := problem.From(refused)
		d.Error = h.refusalOf(v, "handovers", de)
	}
	if history.NextCursor != "" {
		d.NextURL = pageURL(c, q, history.NextCursor)
	}
	if f.Cursor != "" {
		d.FirstURL = pageURL(c, q, "")
	}
	v.D = d
	return h.render(c, status, "handovers", v)
}

// Ack handles POST /handovers/{id}/ack: every case, with the read-backs
// typed for them.
func (h *HandoverPages) Ack(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	var in cases.AckInput
	for _, s := range form["case"] {
		cid, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			continue
		}
		in.Cases = append(in.Cases, cases.AckCase{CaseID: cid, ReadBack: form.Get("read_back_" + s)})
	}
	if _, err := h.handovers.Ack(c.Request().Context(), id, in); err != nil {
		de := problem.From(err)
		if de.Code == cases.Internal || de.Code == cases.NotFound {
			return err
		}
		return h.inbox(c, err, id, problem.Status(de))
	}
	return redirect(c, "/handovers?done=acknowledged")
}

// Name is the display name of user id, for templates.
func (d directory) Name(id int64) string { return d.name(&id) }

// NameOf is the display name of user id, "" for none, for templates.
func (d directory) NameOf(id *int64) string { return d.name(id) }
