package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/problem"
)

// deskView is the supervisor's home: the remedies that wait for a
// decision, oldest first, and the audit queue with its filters.
type deskView struct {
	Approvals     []approvalRow
	ApprovalsNext string
	Audits        []auditRow
	AuditsNext    string
	AuditsFirst   string
	Values        url.Values // the audit queue's filters
	Reasons       []option
	Agents        []option
	FilterErr     map[string]*fieldErr // a refused filter, by its field
	forms         map[string]*formState
	// Calibration is how far supervisors agreed in the blind calibration
	// audits of the last calibrationDays, Summary it in words, Pairs the
	// newest of them.
	Calibration cases.Calibration
	Summary     string
	Pairs       []calibrationRow
}

// calibrationRow is one calibration audit's two blind verdicts.
type calibrationRow struct {
	cases.CalibrationPair
	FirstName, SecondName string // the supervisors' names
}

// calibrationDays and calibrationRows are the span and length of the
// desk's calibration section (GET /api/v1/audits/calibration has all).
const (
	calibrationDays = 30
	calibrationRows = 5
)

// Form returns the posted form of that name, or an empty one.
func (d *deskView) Form(name string) *formState {
	if f, ok := d.forms[name]; ok {
		return f
	}
	return &formState{Name: name}
}

// approvalRow is one remedy waiting for a supervisor, with what the
// supervisor weighs it against.
type approvalRow struct {
	cases.Approval
	Agent    string // who proposed it
	Assignee string
	Form     *formState
}

// auditRow is one closing in the audit queue.
type auditRow struct {
	cases.Audit
	Agent   string
	Reasons []string // translated
}

// Page handles GET /desk (supervisors).
func (h *Desk) Page(c echo.Context) error {
	return h.deskPage(c, http.StatusOK, nil)
}

// deskPage renders the desk, with a refused decision shown again at its
// remedy.
func (h *UI) deskPage(c echo.Context, status int, posted *formState) error {
	v, err := h.view(c, "desk", "desk.title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	q := c.QueryParams()
	d := &deskView{Values: q, FilterErr: map[string]*fieldErr{}, forms: map[string]*formState{}}
	if posted != nil {
		d.forms[posted.Name] = posted
	}
	v.D = d
	dir, err := h.directory(c)
	if err != nil {
		return err
	}

	approvals, err := h.store.Desk().Approvals(ctx, cases.ApprovalFilter{Cursor: q.Get("approvals_cursor")}, time.Now())
	if err != nil {
		return err
	}
	for _, a := range approvals.Items {
		row := approvalRow{Approval: a, Agent: dir.name(a.Remedy.ProposedBy), Assignee: dir.name(a.Case.AssigneeID),
			Form: d.Form("decide-" + strconv.FormatInt(a.Case.ID, 10))}
		row.Case = row.Case.Masked()
		d.Approvals = append(d.Approvals, row)
	}
	if approvals.NextCursor != "" {
		d.ApprovalsNext = deskURL(q, "approvals_cursor", approvals.NextCursor)
	}

	f := cases.AuditFilter{Reason: cases.AuditReason(q.Get("reason")), Shop: strings.TrimSpace(q.Get("shop")), Cursor: q.Get("cursor")}
	if a := q.Get("agent"); a != "" {
		n, perr := strconv.ParseInt(a, 10, 64)
		if perr != nil || n <= 0 {
			d.FilterErr["agent"] = &fieldErr{Message: h.t(v, "desk.bad_agent"), Detail: "agent must be a user id", Folded: v.Lang != cases.LanguageEnglish}
		}
		f.AgentID = &n
	}
	d.Reasons = enumOptions(h, v, "audit_reason", cases.AuditReasons(), q.Get("reason"), h.t(v, "desk.any_reason"))
	d.Agents = []option{{Value: "", Label: h.t(v, "queue.anyone"), Selected: q.Get("agent") == ""}}
	people, err := h.people.Directory(ctx)
	if err != nil {
		return err
	}
	for _, u := range people {
		id := strconv.FormatInt(u.ID, 10)
		d.Agents = append(d.Agents, option{Value: id, Label: u.DisplayName, Selected: q.Get("agent") == id})
	}
	if len(d.FilterErr) > 0 {
		return h.render(c, http.StatusBadRequest, "desk", v)
	}
	audits, err := h.store.Desk().AuditQueue(ctx, v.User.ID, f)
	if err != nil {
		if code := cases.ErrorCode(err); code != cases.Invalid && code != cases.Malformed {
			return err
		}
		de := problem.From(err)
		field := de.Field
		if field != "reason" && field != "shop" {
			field = "cursor"
		}
		d.FilterErr[field] = h.refusalOf(v, "desk", de)
		return h.render(c, problem.Status(de), "desk", v)
	}
	for _, a := range audits.Items {
		row := auditRow{Audit: a, Agent: dir.name(a.AssigneeID)}
		for _, r := range a.Reasons {
			row.Reasons = append(row.Reasons, h.t(v, "audit_reason."+string(r)))
		}
		d.Audits = append(d.Audits, row)
	}
	if audits.NextCursor != "" {
		d.AuditsNext = deskURL(q, "cursor", audits.NextCursor)
	}
	if f.Cursor != "" {
		d.AuditsFirst = deskURL(q, "cursor", "")
	}
	now := time.Now()
	if d.Calibration, err = h.ops.CalibrationReport(ctx, now.AddDate(0, 0, -calibrationDays), now); err != nil {
		return err
	}
	d.Summary = h.t(v, "calibration.none", "days", calibrationDays)
	if cal := d.Calibration; cal.N > 0 {
		d.Summary = h.t(v, "calibration.summary", "days", calibrationDays, "agreed", cal.Agreed, "n", cal.N,
			"rate", int(*cal.AgreementRate*100+0.5), "diff", strconv.FormatFloat(*cal.MeanScoreDiff, 'f', 1, 64))
	}
	for i, p := range d.Calibration.Items {
		if i == calibrationRows {
			break
		}
		d.Pairs = append(d.Pairs, calibrationRow{CalibrationPair: p, FirstName: dir.name(&p.FirstID), SecondName: dir.name(&p.SecondID)})
	}
	if status == 0 {
		status = http.StatusOK
	}
	return h.render(c, status, "desk", v)
}

// deskURL is the desk's URL with its filters and one cursor changed.
func deskURL(q url.Values, key, cursor string) string {
	next := url.Values{}
	for k, vs := range q {
		if k != key && k != "done" {
			next[k] = vs
		}
	}
	if cursor != "" {
		next.Set(key, cursor)
	}
	if enc := next.Encode(); enc != "" {
		return "/desk?" + enc
	}
	return "/desk"
}
