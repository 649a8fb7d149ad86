package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// platformRulesView is the admins' page of the platforms' default
// deadlines: every rule with its source, and the form that adds one or
// changes one (?platform=&kind= fills it with the rule as it is).
type platformRulesView struct {
	Rules     []cases.PlatformRule
	Form      *formState
	Platforms []option
	Kinds     []option
	Editing   bool
}

// platformRuleFields are the form's inputs, as the API names them.
func platformRuleFields() []string {
	return []string{"platform", "kind", "name", "due_hours", "source"}
}

// PlatformRules handles GET /platform-rules (admins).
func (h *Rules) PlatformRules(c echo.Context) error {
	return h.platformRulesPage(c, http.StatusOK, nil)
}

func (h *Rules) platformRulesPage(c echo.Context, status int, posted *formState) error {
	v, err := h.view(c, "platform_rules", "platform_rules.title")
	if err != nil {
		return err
	}
	rs, err := h.store.Intake().PlatformRules(c.Request().Context())
	if err != nil {
		return err
	}
	pv := &platformRulesView{Rules: rs, Form: posted}
	if pv.Form == nil {
		pv.Form = &formState{Name: "rule", Values: url.Values{}}
		q := c.QueryParams()
		for _, r := range rs {
			if string(r.Platform) == q.Get("platform") && string(r.Kind) == q.Get("kind") {
				pv.Form.Values = url.Values{"platform": {string(r.Platform)}, "kind": {string(r.Kind)}, "name": {r.Name},
					"due_hours": {strconv.Itoa(r.DueHours)}, "source": {r.Source}}
				pv.Editing = true
			}
		}
	}
	pv.Platforms = enumOptions(h.UI, v, "platform", cases.Platforms(), pv.Form.Get("platform"), "")
	pv.Kinds = enumOptions(h.UI, v, "kind", cases.Kinds(), pv.Form.Get("kind"), "")
	v.D = pv
	return h.render(c, status, "platform_rules", v)
}

// SavePlatformRule handles POST /platform-rules (admins): creates or
// replaces the rule of a platform and kind, as
// PUT /api/v1/platform-rules/{platform}/{kind} does.
func (h *Rules) SavePlatformRule(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	r := cases.PlatformRule{Platform: cases.Platform(values.Get("platform")), Kind: cases.Kind(values.Get("kind")),
		Name: values.Get("name"), Source: values.Get("source")}
	var hours int64
	if hours, err = formInt(values, "due_hours", true); err == nil {
		r.DueHours = int(hours)
		_, err = h.store.Intake().SetPlatformRule(c.Request().Context(), r)
	}
	if err != nil {
		switch cases.ErrorCode(err) {
		case cases.Invalid, cases.Malformed, cases.Conflict:
		default:
			return err
		}
		v, verr := h.view(c, "platform_rules", "platform_rules.title")
		if verr != nil {
			return verr
		}
		f, status := h.refusal(v, "rule", values, platformRuleFields(), err)
		return h.platformRulesPage(c, status, f)
	}
	return redirect(c, "/platform-rules?done=platform_rule_saved#rule-"+url.PathEscape(strings.Join([]string{string(r.Platform), string(r.Kind)}, "-")))
}
