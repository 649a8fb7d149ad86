package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/actions"
)

// policyView is the admins' page of the remedy policy (limits per shop
// and currency, exchange rates) and the audit checklist.
type policyView struct {
	Limits    []cases.RemedyLimit
	Rates     []cases.ExchangeRate
	Items     []cases.ChecklistItem
	LabelOf   map[string]string
	forms     map[string]*formState
	Item      cases.ChecklistItem // the item being edited (?item=key)
	EditsItem bool
	Settings  cases.DeskSettings
	Periods   []option
}

// Form returns the posted form of that name, or an empty one.
func (p *policyView) Form(name string) *formState {
	if f, ok := p.forms[name]; ok {
		return f
	}
	return &formState{Name: name, Values: url.Values{}}
}

// Policy handles GET /desk/policy (admins).
func (h *Desk) Policy(c echo.Context) error { return h.policyPage(c, http.StatusOK, nil) }

func (h *Desk) policyPage(c echo.Context, status int, posted *formState) error {
	v, err := h.view(c, "desk", "policy.title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	pv := &policyView{forms: map[string]*formState{}}
	if pv.Limits, err = h.store.Desk().RemedyLimits(ctx); err != nil {
		return err
	}
	if pv.Rates, err = h.store.Desk().ExchangeRates(ctx); err != nil {
		return err
	}
	if pv.Items, err = h.store.Desk().Checklist(ctx, true); err != nil {
		return err
	}
	if pv.Settings, err = h.store.Desk().Settings(ctx); err != nil {
		return err
	}
	if posted != nil {
		pv.forms[posted.Name] = posted
	}
	if _, ok := pv.forms["settings"]; !ok {
		st := pv.Settings
		pv.forms["settings"] = &formState{Name: "settings", Values: url.Values{
			"random_percent": {strconv.Itoa(st.RandomPercent)}, "min_per_agent": {strconv.Itoa(st.MinPerAgent)},
			"period": {string(st.Period)}, "calibration_percent": {strconv.Itoa(st.CalibrationPercent)},
			"approval_window_minutes": {strconv.Itoa(st.ApprovalWindowMinutes)}, "version": {strconv.FormatInt(st.Version, 10)}}}
	}
	chosen := pv.forms["settings"].Get("period")
	for _, p := range cases.AuditPeriods() {
		pv.Periods = append(pv.Periods, option{Value: string(p), Label: h.t(v, "audit_period."+string(p)), Selected: string(p) == chosen})
	}
	// An item's edit link fills the checklist form with the item as it is.
	if key := c.QueryParam("item"); key != "" && posted == nil {
		for _, it := range pv.Items {
			if it.Key == key {
				pv.forms["checklist"] = &formState{Name: "checklist", Values: url.Values{"key": {it.Key}, "label_en": {it.LabelEN},
					"label_zh": {it.LabelZH}, "weight": {strconv.Itoa(it.Weight)}, "critical": {boolBox(it.Critical)},
					"active": {boolBox(it.Active)}, "position": {strconv.Itoa(it.Position)}}}
			}
		}
	}
	if _, ok := pv.forms["checklist"]; !ok {
		pv.forms["checklist"] = &formState{Name: "checklist", Values: url.Values{"active": {"on"}, "weight": {"1"}}}
	}
	v.D = pv
	return h.render(c, status, "policy", v)
}

func boolBox(b bool) string {
	if b {
		return "on"
	}
	return ""
}

// SaveLimits handles POST /desk/policy/limits (admins).
func (h *Desk) SaveLimits(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	in := actions.RemedyLimitInput{Shop: values.Get("shop"), Currency: strings.ToUpper(strings.TrimSpace(values.Get("currency"))),
		CaseLimit: strings.TrimSpace(values.Get("case_limit"))}
	if b := strings.TrimSpace(values.Get("buyer_limit")); b != "" {
		in.BuyerLimit = &b
	}
	if in.MaxOrderPercent, err = formInt(values, "max_order_percent", true); err == nil {
		var days int64
		days, err = formInt(values, "buyer_window_days", false)
		in.BuyerWindowDays = int(days)
	}
	if err == nil {
		_, err = h.deskPolicy.SaveRemedyLimit(c.Request().Context(), in)
	}
	if err != nil {
		return h.refusePolicy(c, "limits", values, []string{"shop", "currency", "max_order_percent", "case_limit", "buyer_limit", "buyer_window_days"}, err)
	}
	return redirect(c, "/desk/policy?done=policy_saved")
}

// SaveRate handles POST /desk/policy/rates (admins).
func (h *Desk) SaveRate(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	r := cases.ExchangeRate{Currency: strings.ToUpper(strings.TrimSpace(values.Get("currency"))),
		ToCurrency: strings.ToUpper(strings.TrimSpace(values.Get("to_currency"))), Rate: strings.TrimSpace(values.Get("rate"))}
	if _, err := h.deskPolicy.SaveExchangeRate(c.Request().Context(), r); err != nil {
		return h.refusePolicy(c, "rates", values, []string{"currency", "to_currency", "rate"}, err)
	}
	return redirect(c, "/desk/policy?done=rate_saved")
}

// SaveChecklistItem handles POST /desk/policy/checklist (admins).
func (h *Desk) SaveChecklistItem(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	it := cases.ChecklistItem{Key: strings.TrimSpace(values.Get("key")), LabelEN: values.Get("label_en"), LabelZH: values.Get("label_zh"),
		Critical: values.Get("critical") != "", Active: values.Get("active") != ""}
	var n int64
	if n, err = formInt(values, "weight", true); err == nil {
		it.Weight = int(n)
		n, err = formInt(values, "position", false)
		it.Position = int(n)
	}
	if err == nil {
		_, err = h.deskPolicy.SaveChecklistItem(c.Request().Context(), it)
	}
	if err != nil {
		return h.refusePolicy(c, "checklist", values, []string{"key", "label_en", "label_zh", "weight", "position"}, err)
	}
	return redirect(c, "/desk/policy?done=checklist_saved#checklist")
}

// formInt reads a whole number of a form; an empty optional field is 0.
func formInt(values url.Values, name string, required bool) (int64, error) {
	s := strings.TrimSpace(values.Get(name))
	if s == "" && !required {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &cases.Error{Code: cases.Malformed, Field: name, Message: name + " must be a whole number, not " + strconv.Quote(s)}
	}
	return n, nil
}

// refusePolicy shows the policy page again with the refused form.
func (h *Desk) refusePolicy(c echo.Context, name string, values url.Values, fields []string, err error) error {
	switch cases.ErrorCode(err) {
	case cases.Invalid, cases.Malformed, cases.Conflict:
	default:
		return err
	}
	v, verr := h.view(c, "desk", "policy.title")
	if verr != nil {
		return verr
	}
	f, status := h.refusal(v, name, values, fields, err)
	return h.policyPage(c, status, f)
}

// SaveSettings handles POST /desk/policy/settings (admins): the audit
// sampling and the approval deadline, conditional on the version the form
// was read at.
func (h *Desk) SaveSettings(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	fields := []string{"random_percent", "min_per_agent", "period", "calibration_percent", "approval_window_minutes"}
	s := cases.DeskSettings{Period: cases.AuditPeriod(strings.TrimSpace(values.Get("period")))}
	for _, f := range []struct {
		name string
		to   *int
	}{{"random_percent", &s.RandomPercent}, {"min_per_agent", &s.MinPerAgent}, {"calibration_percent", &s.CalibrationPercent},
		{"approval_window_minutes", &s.ApprovalWindowMinutes}} {
		n, ferr := formInt(values, f.name, true)
		if ferr != nil {
			return h.refusePolicy(c, "settings", values, fields, ferr)
		}
		*f.to = int(n)
	}
	var version *int64
	if n, verr := formInt(values, "version", false); verr != nil {
		return h.refusePolicy(c, "settings", values, fields, verr)
	} else if n > 0 {
		version = &n
	}
	if _, err := h.deskPolicy.SaveDeskSettings(c.Request().Context(), s, version); err != nil {
		return h.refusePolicy(c, "settings", values, fields, err)
	}
	return redirect(c, "/desk/policy?done=settings_saved#settings")
}

// RetireChecklistItem handles POST /desk/policy/checklist/{key}/retire
// (admins): deleted when no verdict scored the item, else retired.
func (h *Desk) RetireChecklistItem(c echo.Context) error {
	key := c.Param("key")
	_, deleted, err := h.deskPolicy.RetireChecklistItem(c.Request().Context(), key)
	if err != nil {
		return h.refusePolicy(c, "checklist", url.Values{"key": {key}}, []string{"key"}, err)
	}
	if deleted {
		return redirect(c, "/desk/policy?done=checklist_deleted#checklist")
	}
	return redirect(c, "/desk/policy?done=checklist_retired#checklist")
}
