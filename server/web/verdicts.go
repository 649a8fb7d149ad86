package web

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// verdictView is a verdict as the case page shows it: to the agent, what
// failed and must be fixed, and the dispute form while one is allowed.
type verdictView struct {
	cases.Verdict
	Auditor    string
	Failed     []string // labels of the failed items, in checklist order
	Scores     []scoreLine
	CanDispute bool
	Form       *formState
	// Calibration is, on the second verdict of a calibration audit, what
	// the two blind verdicts decided together.
	Calibration string
}

// scoreLine is one item of a scorecard as given.
type scoreLine struct {
	Key, Label string
	Critical   bool
	Score      string // "0", "1", "2" or "" (not applicable)
}

// verdicts reads the verdicts given on a case for the case page.
func (h *CasePages) verdicts(c echo.Context, v *view, cs cases.Case, dir directory, forms map[string]*formState) ([]verdictView, error) {
	ctx := c.Request().Context()
	vs, err := h.store.Desk().Verdicts(ctx, cs.ID, v.User.ID)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	items, err := h.store.Desk().Checklist(ctx, true)
	if err != nil {
		return nil, err
	}
	audits, err := h.store.Desk().Audits(ctx, cs.ID)
	if err != nil {
		return nil, err
	}
	calibrated := map[int64]cases.Audit{}
	for _, a := range audits {
		if a.CalibratedAt != nil && a.Agreement != nil && a.Outcome != nil && a.ScoreDiff != nil {
			calibrated[a.ID] = a
		}
	}
	out := make([]verdictView, 0, len(vs))
	for i, vd := range vs {
		vv := verdictView{Verdict: vd, Auditor: dir.name(&vd.AuditorID),
			Form: forms["dispute-"+strconv.FormatInt(vd.ID, 10)]}
		for _, k := range vd.FailedItems {
			vv.Failed = append(vv.Failed, h.itemLabel(v, items, k))
		}
		for _, it := range items {
			s, ok := vd.Scores[it.Key]
			if !ok && !it.Active {
				continue
			}
			line := scoreLine{Key: it.Key, Label: h.itemLabel(v, items, it.Key), Critical: it.Critical}
			if ok {
				line.Score = strconv.Itoa(s)
			}
			vv.Scores = append(vv.Scores, line)
		}
		// An agent disputes the one verdict of a closing, once; the server
		// has the last word (calibration audits are not disputed).
		vv.CanDispute = vd.AgentID != nil && *vd.AgentID == v.User.ID && vd.DisputedAt == nil && i == len(vs)-1 && vd.Round == 1
		if a, ok := calibrated[vd.AuditID]; ok && vd.Round == 2 {
			key := "calibration.result_disagreed"
			if *a.Agreement {
				key = "calibration.result_agreed"
			}
			vv.Calibration = h.t(v, key, "diff", *a.ScoreDiff, "outcome", h.t(v, "verdict_kind."+string(*a.Outcome)))
		}
		if vv.Form == nil {
			vv.Form = &formState{Name: "dispute-" + strconv.FormatInt(vd.ID, 10)}
		}
		out = append(out, vv)
	}
	return out, nil
}

// itemLabel is a checklist item's label in the viewer's language.
func (h *UI) itemLabel(v *view, items []cases.ChecklistItem, key string) string {
	for _, it := range items {
		if it.Key == key {
			if v.Lang == cases.LanguageChinese {
				return it.LabelZH
			}
			return it.LabelEN
		}
	}
	return key
}

// Dispute handles POST /verdicts/{id}/dispute: the agent whose case was
// judged disputes the verdict, once, with a comment. The form names its
// case (case_id) so that a refusal shows the case page again.
func (h *CasePages) Dispute(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	caseID, perr := strconv.ParseInt(values.Get("case_id"), 10, 64)
	if perr != nil || caseID <= 0 {
		return &cases.Error{Code: cases.Malformed, Field: "case_id", Message: "the form lacks its case; reload the case and try again"}
	}
	if _, err := h.ops.DisputeVerdict(c.Request().Context(), id, values.Get("comment")); err != nil {
		return h.refuse(c, caseID, "dispute-"+strconv.FormatInt(id, 10), values, []string{"comment"}, err)
	}
	return redirect(c, caseURL(caseID, "verdict_disputed")+"#verdicts")
}
