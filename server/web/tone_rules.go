package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/problem"
	"redress/workflows/tone"
)

// toneRulesView is the admins' page of the tone rules: every rule, shipped
// and added, enabled or not, and the form that adds one or changes one
// (?rule=<id> fills it with the rule as it is).
type toneRulesView struct {
	Rules      []toneRuleRow
	Form       *formState
	Editing    string // the id of the rule the form changes, "" for a new one
	Languages  []option
	Severities []option
	Platforms  []option
	Stages     []option
	Categories []string
}

// toneRuleRow is one kept rule as the page shows it: the rule read back,
// its message and suggestion in the viewer's language.
type toneRuleRow struct {
	cases.ToneRuleRecord
	R          tone.Rule
	Valid      bool
	Message    string
	Suggestion string
}

// toneRuleFields are the form's inputs, named as the API's errors name the
// rule's fields ("rule.pattern", "rule.message.en").
func toneRuleFields() []string {
	return []string{"rule.id", "rule.language", "rule.platforms", "rule.stages", "rule.pattern", "rule.except",
		"rule.severity", "rule.platform_severity", "rule.category", "rule.message.zh-CN", "rule.message.en",
		"rule.suggestion.zh-CN", "rule.suggestion.en", "rule.source"}
}

// ToneRules handles GET /tone-rules (admins).
func (h *Rules) ToneRules(c echo.Context) error {
	return h.toneRulesPage(c, http.StatusOK, nil, c.QueryParam("rule"))
}

func (h *Rules) toneRulesPage(c echo.Context, status int, posted *formState, editing string) error {
	v, err := h.view(c, "tone_rules", "tone_rules.title")
	if err != nil {
		return err
	}
	recs, err := h.tone.Rules(c.Request().Context())
	if err != nil {
		return err
	}
	tv := &toneRulesView{Form: posted}
	cats := map[string]bool{}
	for _, rec := range recs {
		row := toneRuleRow{ToneRuleRecord: rec}
		if err := json.Unmarshal(rec.Rule, &row.R); err == nil {
			row.Valid = row.R.Validate() == nil
		}
		row.Message, row.Suggestion = row.R.Message[string(v.Lang)], row.R.Suggestion[string(v.Lang)]
		if row.R.Category != "" {
			cats[row.R.Category] = true
		}
		if tv.Form == nil && rec.ID == editing {
			tv.Form = &formState{Name: "tone", Values: ruleValues(row.R, rec.Enabled)}
			tv.Editing = rec.ID
		}
		tv.Rules = append(tv.Rules, row)
	}
	if posted != nil {
		tv.Editing = editing
	}
	if tv.Form == nil {
		tv.Form = &formState{Name: "tone", Values: url.Values{"rule.severity": {tone.SeverityWarning}, "enabled": {"on"}}}
	}
	for c := range cats {
		tv.Categories = append(tv.Categories, c)
	}
	sort.Strings(tv.Categories)
	f := tv.Form
	tv.Languages = []option{{Value: "", Label: h.t(v, "tone_rules.any_language"), Selected: f.Get("rule.language") == ""}}
	for _, l := range tone.Languages() {
		tv.Languages = append(tv.Languages, option{Value: l, Label: h.t(v, "lang."+l), Selected: f.Get("rule.language") == l})
	}
	for _, s := range tone.Severities() {
		tv.Severities = append(tv.Severities, option{Value: s, Label: h.t(v, "tone.severity."+s), Selected: f.Get("rule.severity") == s})
	}
	for _, p := range tone.Platforms() {
		tv.Platforms = append(tv.Platforms, option{Value: p, Label: h.t(v, "platform."+p), Selected: slices.Contains(f.Values["rule.platforms"], p)})
	}
	for _, s := range tone.Stages() {
		tv.Stages = append(tv.Stages, option{Value: s, Label: h.t(v, "tone_rules.stage."+s), Selected: slices.Contains(f.Values["rule.stages"], s)})
	}
	v.D = tv
	return h.render(c, status, "tone_rules", v)
}

// ruleValues is a rule as the form shows it.
func ruleValues(r tone.Rule, enabled bool) url.Values {
	vs := url.Values{"rule.id": {r.ID}, "rule.language": {r.Language}, "rule.platforms": r.Platforms, "rule.stages": r.Stages,
		"rule.pattern": {r.Pattern}, "rule.except": {r.Except}, "rule.severity": {r.Severity}, "rule.category": {r.Category},
		"rule.source": {r.Source}, "enabled": {boolBox(enabled)}}
	var ps []string
	for p, s := range r.PlatformSeverity {
		ps = append(ps, p+"="+s)
	}
	sort.Strings(ps)
	vs.Set("rule.platform_severity", strings.Join(ps, ", "))
	for _, l := range tone.Languages() {
		vs.Set("rule.message."+l, r.Message[l])
		vs.Set("rule.suggestion."+l, r.Suggestion[l])
	}
	return vs
}

// ruleFromForm reads the form into a rule, as the API's JSON would give
// it; tone.Rule.Validate (in the action) judges it.
func ruleFromForm(values url.Values) (json.RawMessage, error) {
	trim := func(k string) string { return strings.TrimSpace(values.Get(k)) }
	r := tone.Rule{ID: trim("rule.id"), Language: trim("rule.language"), Platforms: values["rule.platforms"],
		Stages: values["rule.stages"], Pattern: values.Get("rule.pattern"), Except: values.Get("rule.except"),
		Severity: trim("rule.severity"), Category: trim("rule.category"), Source: trim("rule.source"),
		Message: map[string]string{}, Suggestion: map[string]string{}}
	for _, l := range tone.Languages() {
		r.Message[l] = trim("rule.message." + l)
		r.Suggestion[l] = trim("rule.suggestion." + l)
	}
	// "amazon=block, jd=warning": a severity per platform.
	for _, pair := range strings.FieldsFunc(values.Get("rule.platform_severity"), func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		p, s, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, &cases.Error{Code: cases.Malformed, Field: "rule.platform_severity",
				Message: "write each platform's severity as platform=severity, such as amazon=block, not " + pair}
		}
		if r.PlatformSeverity == nil {
			r.PlatformSeverity = map[string]string{}
		}
		r.PlatformSeverity[strings.TrimSpace(p)] = strings.TrimSpace(s)
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, cases.Internalf(err, "encode tone rule")
	}
	return raw, nil
}

// CreateToneRule handles POST /tone-rules (admins), as
// POST /api/v1/tone/rules does.
func (h *Rules) CreateToneRule(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	raw, err := ruleFromForm(values)
	if err == nil {
		_, err = h.tone.CreateRule(c.Request().Context(), raw)
	}
	if err != nil {
		return h.refuseToneRule(c, values, "", err)
	}
	return redirect(c, "/tone-rules?done=tone_rule_saved")
}

// UpdateToneRule handles POST /tone-rules/{id} (admins): the rule as
// edited and whether it is on, as PATCH /api/v1/tone/rules/{id} does.
func (h *Rules) UpdateToneRule(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	id := c.Param("id")
	raw, err := ruleFromForm(values)
	if err == nil {
		on := values.Get("enabled") != ""
		_, err = h.tone.UpdateRule(c.Request().Context(), id, raw, &on)
	}
	if err != nil {
		return h.refuseToneRule(c, values, id, err)
	}
	return redirect(c, "/tone-rules?done=tone_rule_saved")
}

// DeleteToneRule handles POST /tone-rules/{id}/delete (admins): an added
// rule is removed, a shipped one disabled.
func (h *Rules) DeleteToneRule(c echo.Context) error {
	if err := h.tone.DeleteRule(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return redirect(c, "/tone-rules?done=tone_rule_removed")
}

// refuseToneRule shows the page again with the form as posted and the
// refusal next to the field it names (a platform's severity at the
// platform severities).
func (h *Rules) refuseToneRule(c echo.Context, values url.Values, editing string, err error) error {
	switch cases.ErrorCode(err) {
	case cases.Invalid, cases.Malformed, cases.Conflict:
	default:
		return err
	}
	v, verr := h.view(c, "tone_rules", "tone_rules.title")
	if verr != nil {
		return verr
	}
	if de := problem.From(err); de.Field == "id" || strings.HasPrefix(de.Field, "rule.platform_severity.") {
		cp := *de
		cp.Field = "rule." + strings.Split(strings.TrimPrefix(de.Field, "rule."), ".")[0]
		err = &cp
	}
	f, status := h.refusal(v, "tone", values, toneRuleFields(), err)
	return h.toneRulesPage(c, status, f, editing)
}
