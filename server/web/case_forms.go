package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
	"redress/server/request"
	"redress/workflows"
)

// The case page's forms. Each posts to its own route, calls the same case
// action as the API, and answers with a redirect to the case page; a
// refusal shows the page again with the form as typed and the reason next
// to the field it names. A refused write changes nothing: the store's
// transaction is rolled back.

// Transition handles POST /cases/{id}/transitions: one move of the
// protocol, with its stage data.
func (h *CasePages) Transition(c echo.Context) error {
	id, values, err := caseForm(c)
	if err != nil {
		return err
	}
	name := "move-" + values.Get("move")
	version, err := formVersion(values)
	if err == nil {
		m := moveFromForm(values)
		// The form names its move, so that closing early without a reason
		// is refused for the reason rather than read as the forward move.
		m.Kind = workflows.MoveKind(values.Get("move"))
		_, err = h.ops.Transition(c.Request().Context(), id, version, m)
	}
	if err != nil {
		return h.refuse(c, id, name, values, moveFields(), err)
	}
	return redirect(c, caseURL(id, "moved"))
}

// Assign handles POST /cases/{id}/assignment: take the case, or (a
// supervisor) give it to someone or back to the unassigned queue.
func (h *CasePages) Assign(c echo.Context) error {
	id, values, err := caseForm(c)
	if err != nil {
		return err
	}
	var assignee *int64
	switch a := values.Get("assignee_id"); a {
	case "":
	case "me":
		me := auth.CurrentUser(c).ID
		assignee = &me
	default:
		n, perr := strconv.ParseInt(a, 10, 64)
		if perr != nil || n <= 0 {
			err = &cases.Error{Code: cases.Malformed, Field: "assignee_id", Message: "assignee_id must be a user id"}
		}
		assignee = &n
	}
	var version *int64
	if err == nil && values.Get("version") != "" {
		version, err = formVersion(values)
	}
	if err == nil {
		_, err = h.ops.Assign(c.Request().Context(), id, version, assignee)
	}
	if err != nil {
		return h.refuse(c, id, "assign", values, []string{"assignee_id"}, err)
	}
	return redirect(c, caseURL(id, "assigned"))
}

// Comment handles POST /cases/{id}/comments.
func (h *CasePages) Comment(c echo.Context) error {
	id, values, err := caseForm(c)
	if err != nil {
		return err
	}
	if _, err := h.ops.Comment(c.Request().Context(), id, values.Get("body")); err != nil {
		return h.refuse(c, id, "comment", values, []string{"body"}, err)
	}
	return redirect(c, caseURL(id, "commented")+"#timeline")
}

// Remedy handles POST /cases/{id}/remedy: the remedy the agent
// proposes, for a supervisor to approve when the policy requires it. The
// page posts it from the remedy move's own form (its "ask for approval"
// button), so a refusal is shown in that form.
func (h *CasePages) Remedy(c echo.Context) error {
	id, values, err := caseForm(c)
	if err != nil {
		return err
	}
	version, err := formVersion(values)
	if err == nil {
		in := workflows.RemedyInput{Type: cases.RemedyType(values.Get("remedy.type")), Note: values.Get("remedy.note"),
			ReplyID:    formReplyID(values.Get("reply_id")),
			MoneyInput: cases.MoneyInput{Amount: values.Get("remedy.amount"), Currency: strings.ToUpper(strings.TrimSpace(values.Get("remedy.currency")))}}
		_, err = h.ops.ProposeRemedy(c.Request().Context(), id, version, in)
	}
	if err != nil {
		values.Set("propose", "1")
		return h.refuse(c, id, "move-"+string(workflows.MoveForward), values, []string{"remedy.type", "remedy.amount", "remedy.currency", "remedy.note"}, err)
	}
	return redirect(c, caseURL(id, "remedy_proposed"))
}

// Decide handles POST /cases/{id}/approvals (supervisors): approve the
// remedy that waits on the case, or (decision=decline) decline it with a
// comment for the agent. remedy_id names the remedy the supervisor saw: one
// that changed meanwhile is refused. The form is on the case page and on
// the desk (from=desk), and a refusal shows it again where it was sent.
func (h *CasePages) Decide(c echo.Context) error {
	id, values, err := caseForm(c)
	if err != nil {
		return err
	}
	version, err := formVersion(values)
	d := workflows.Decision{Comment: values.Get("comment")}
	switch values.Get("decision") {
	case "", "approve":
	case "decline":
		d.Decline = true
	default:
		err = cases.FieldError("decision", "%q is not a decision; use approve or decline", values.Get("decision"))
	}
	if r := values.Get("remedy_id"); err == nil && r != "" {
		if d.RemedyID, err = strconv.ParseInt(r, 10, 64); err != nil || d.RemedyID <= 0 {
			err = &cases.Error{Code: cases.Malformed, Field: "remedy_id", Message: "remedy_id must be a remedy's id"}
		}
	}
	if err == nil {
		_, err = h.ops.DecideRemedy(c.Request().Context(), id, version, d)
	}
	done := "remedy_approved"
	if d.Decline {
		done = "remedy_declined"
	}
	fromDesk := values.Get("from") == "desk"
	if err != nil {
		name := "decide"
		if fromDesk {
			name = "decide-" + strconv.FormatInt(id, 10)
			return h.refuseOnDesk(c, name, values, err)
		}
		return h.refuse(c, id, name, values, []string{"comment", "decision"}, err)
	}
	if fromDesk {
		return redirect(c, "/desk?done="+done)
	}
	return redirect(c, caseURL(id, done))
}

// refuseOnDesk shows the desk again with a refused decision at its remedy.
func (h *CasePages) refuseOnDesk(c echo.Context, name string, values url.Values, err error) error {
	switch cases.ErrorCode(err) {
	case cases.Invalid, cases.Malformed, cases.Conflict, cases.Forbidden, cases.PreconditionNeeded:
	default:
		return err
	}
	v, verr := h.view(c, "desk", "desk.title")
	if verr != nil {
		return verr
	}
	f, status := h.refusal(v, name, values, []string{"comment", "decision"}, err)
	// The desk's own filters are not in the posted form: show the desk as
	// it is by default.
	c.Request().URL.RawQuery = ""
	return h.deskPage(c, status, f)
}

// caseForm reads the case id and the posted form.
func caseForm(c echo.Context) (int64, url.Values, error) {
	id, err := request.PathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	values, err := c.FormParams()
	if err != nil {
		return 0, nil, &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	return id, values, nil
}

// formVersion reads the version of the case the form was shown with: the
// web's If-Match.
func formVersion(values url.Values) (*int64, error) {
	n, err := strconv.ParseInt(values.Get("version"), 10, 64)
	if err != nil || n <= 0 {
		return nil, &cases.Error{Code: cases.PreconditionNeeded, Field: "version",
			Message: "the form lacks the case's version; reload the case and try again"}
	}
	return &n, nil
}

// refuse shows the case page again with the refused form, or
// passes errors that are not about the form (a case that does not exist, a
// failure on our side) to the error page.
func (h *CasePages) refuse(c echo.Context, id int64, name string, values url.Values, fields []string, err error) error {
	switch cases.ErrorCode(err) {
	case cases.Invalid, cases.Malformed, cases.Conflict, cases.Forbidden, cases.PreconditionNeeded,
		cases.TooLarge, cases.Unsupported:
	default:
		return err
	}
	v, verr := h.view(c, "", "case.title")
	if verr != nil {
		return verr
	}
	f, status := h.refusal(v, name, values, fields, err)
	if status == 0 {
		status = http.StatusUnprocessableEntity
	}
	return h.page(c, status, id, f)
}

// ReturnReceived handles POST /cases/{id}/return-received: the goods a
// return_refund remedy sends back arrived, with their courier, waybill and
// the day they arrived (in the agent's time zone), as the API's
// POST /api/v1/cases/{id}/return-received records it.
func (h *CasePages) ReturnReceived(c echo.Context) error {
	id, values, err := caseForm(c)
	if err != nil {
		return err
	}
	version, err := formVersion(values)
	in := workflows.ReturnInput{Courier: values.Get("courier"), Waybill: values.Get("waybill")}
	if err == nil {
		u := auth.CurrentUser(c)
		in.ReceivedAt, err = formDay(values, "received_at", h.location(u.TimeZone, h.cfg.Location), time.Now())
	}
	if err == nil {
		_, err = h.ops.ReturnReceived(c.Request().Context(), id, version, in)
	}
	if err != nil {
		return h.refuse(c, id, "return", values, returnFields(), err)
	}
	return redirect(c, caseURL(id, "return_received"))
}

// returnFields are the return-received form's inputs.
func returnFields() []string { return []string{"courier", "waybill", "received_at"} }

// formDay reads a date input (2006-01-02) as a time in loc: that day at
// noon, or now when the day is today and noon is still to come; empty is
// nil, for the action to say what it needs.
func formDay(values url.Values, name string, loc *time.Location, now time.Time) (*time.Time, error) {
	s := strings.TrimSpace(values.Get(name))
	if s == "" {
		return nil, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return nil, &cases.Error{Code: cases.Malformed, Field: name, Message: name + " must be a date such as 2026-11-20, not " + strconv.Quote(s)}
	}
	at := d.Add(12 * time.Hour)
	if y, m, dd := now.In(loc).Date(); d.Equal(time.Date(y, m, dd, 0, 0, 0, 0, loc)) && at.After(now) {
		at = now
	}
	return &at, nil
}
