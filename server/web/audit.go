package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
	"redress/workflows"
)

// auditView is the audit page: the case's timeline and evidence beside
// the scorecard a supervisor fills in.
type auditView struct {
	Case     cases.Case
	Assignee string
	Reasons  []string // why the closing was selected, translated
	Spent    []cases.Money
	Timeline []eventView
	Evidence []evidenceView
	Items    []scoreItem
	Verdicts []verdictView
	Form     *formState
	CanJudge bool // the case is closed, and the viewer has not judged this closing blind already
	// Audit is the audit of the case's last closing, if it was selected;
	// Blind is true while it is a calibration audit waiting for a
	// verdict, and Waiting when the viewer gave the first.
	Audit   *cases.Audit
	Blind   bool
	Waiting bool
}

// scoreItem is one checklist item of the scorecard, with what was posted.
type scoreItem struct {
	Key, Label string
	Weight     int
	Critical   bool
	Value      string // "2", "1", "0", "na" or "" (not scored yet)
	Err        *fieldErr
}

// Choices are an item's possible scores, best first.
func (scoreItem) Choices() []string { return []string{"2", "1", "0", "na"} }

// Audit handles GET /cases/{id}/audit (supervisors).
func (h *CasePages) Audit(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	return h.auditPage(c, http.StatusOK, id, nil)
}

func (h *CasePages) auditPage(c echo.Context, status int, id int64, posted *formState) error {
	v, err := h.view(c, "desk", "audit.title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cs, evs, events, dir, err := h.caseRecord(c, id)
	if err != nil {
		return err
	}
	items, err := h.store.Desk().Checklist(ctx, false)
	if err != nil {
		return err
	}
	audits, err := h.store.Desk().Audits(ctx, id)
	if err != nil {
		return err
	}
	hist, err := h.ops.RemedyHistory(ctx, id)
	if err != nil {
		return err
	}
	v.Title = cs.Ref + " · " + h.t(v, "audit.title")
	if posted == nil {
		posted = &formState{Name: "verdict"}
	}
	av := &auditView{Case: cs, Assignee: dir.name(cs.AssigneeID), Spent: hist.Total, Form: posted,
		CanJudge: cs.State == cases.StateClosed}
	if len(audits) > 0 && cs.ClosedAt != nil && audits[0].ClosedAt.Equal(*cs.ClosedAt) {
		av.Audit = &audits[0]
		for _, r := range audits[0].Reasons {
			av.Reasons = append(av.Reasons, h.t(v, "audit_reason."+string(r)))
		}
	}
	for _, e := range evs {
		av.Evidence = append(av.Evidence, h.evidenceView(v, e, dir, nil))
	}
	rules, err := h.toneRuleTexts(ctx, events)
	if err != nil {
		return err
	}
	av.Timeline = h.timeline(v, events, dir, rules)
	for _, it := range items {
		av.Items = append(av.Items, scoreItem{Key: it.Key, Label: h.itemLabel(v, items, it.Key), Weight: it.Weight,
			Critical: it.Critical, Value: posted.Get("score." + it.Key), Err: posted.Err("scores." + it.Key)})
	}
	if av.Verdicts, err = h.verdicts(c, v, cs, dir, nil); err != nil {
		return err
	}
	if a := av.Audit; a != nil && a.Calibration && a.Status == cases.AuditQueued {
		av.Blind = true
		for _, vd := range av.Verdicts {
			if vd.AuditID == a.ID && vd.AuditorID == v.User.ID {
				av.Waiting, av.CanJudge = true, false
			}
		}
	}
	v.D = av
	return h.render(c, status, "audit", v)
}

// Verdict handles POST /cases/{id}/verdicts (supervisors): the verdict
// and scorecard of the audit page. Scores are posted as score.<item>
// (0, 1, 2, or na when the item does not apply).
func (h *CasePages) Verdict(c echo.Context) error {
	id, values, err := caseForm(c)
	if err != nil {
		return err
	}
	in := workflows.VerdictInput{Verdict: cases.VerdictKind(values.Get("verdict")), Comment: values.Get("comment"),
		Scores: map[string]*int{}}
	for name, vals := range values {
		key, ok := strings.CutPrefix(name, "score.")
		if !ok || len(vals) == 0 {
			continue
		}
		if vals[0] == "na" {
			in.Scores[key] = nil
			continue
		}
		n, perr := strconv.Atoi(vals[0])
		if perr != nil {
			err = &cases.Error{Code: cases.Malformed, Field: "scores." + key, Message: "a score is 0, 1, 2 or na, not " + strconv.Quote(vals[0])}
			break
		}
		in.Scores[key] = &n
	}
	if err == nil {
		_, err = h.ops.GiveVerdict(c.Request().Context(), id, in)
	}
	if err != nil {
		return h.refuseVerdict(c, id, values, err)
	}
	return redirect(c, caseURL(id, "verdict_given")+"#verdicts")
}

// refuseVerdict shows the audit page again with the scorecard as posted
// and the refusal next to the item, the verdict or the comment it is
// about (a score of an item the checklist does not have: above the
// scorecard).
func (h *CasePages) refuseVerdict(c echo.Context, id int64, values url.Values, err error) error {
	switch cases.ErrorCode(err) {
	case cases.Invalid, cases.Malformed, cases.Conflict, cases.Forbidden:
	default:
		return err
	}
	v, verr := h.view(c, "desk", "audit.title")
	if verr != nil {
		return verr
	}
	fields := []string{"verdict", "comment", "scores"}
	items, ierr := h.store.Desk().Checklist(c.Request().Context(), false)
	if ierr != nil {
		return ierr
	}
	for _, it := range items {
		fields = append(fields, "scores."+it.Key)
	}
	f, status := h.refusal(v, "verdict", values, fields, err)
	for field, fe := range f.Errors {
		if strings.HasPrefix(field, "scores.") {
			fe.Message = h.t(v, "need.verdict.item")
		}
	}
	return h.auditPage(c, status, id, f)
}
