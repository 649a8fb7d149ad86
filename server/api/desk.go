package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
	"redress/workflows"
)

// Desk handles the supervisor's desk: remedy approvals and their policy,
// the audit queue, the checklist and verdicts.
type Desk struct{ *deps }

// Approvals handles GET /api/v1/approvals: the remedies that wait for a
// supervisor, oldest first, with the case's facts and the buyer's history.
func (h *Desk) Approvals(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	page, err := h.store.Approvals(c.Request().Context(), cases.ApprovalFilter{Shop: c.QueryParam("shop"),
		Limit: limit, Cursor: c.QueryParam("cursor")}, time.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// decisionBody is the optional body of POST /api/v1/cases/{id}/approvals.
type decisionBody struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
	RemedyID int64  `json:"remedy_id"`
}

// Decide handles POST /api/v1/cases/{id}/approvals: without a body it
// approves the remedy waiting on the case; {"decision":"decline",
// "comment":"…"} declines it. remedy_id, when sent, must be the remedy
// still on the table.
func (h *Desk) Decide(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c, ifMatchOptional)
	if err != nil {
		return err
	}
	var in decisionBody
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	d := workflows.Decision{Comment: in.Comment, RemedyID: in.RemedyID}
	switch in.Decision {
	case "", "approve":
	case "decline":
		d.Decline = true
	default:
		return cases.FieldError("decision", "%q is not a decision; use approve or decline", in.Decision)
	}
	updated, err := h.ops.DecideRemedy(c.Request().Context(), id, version, d)
	if err != nil {
		return err
	}
	return caseResponse(c, http.StatusOK, updated)
}

// Remedies handles GET /api/v1/cases/{id}/remedies: every remedy the case
// was offered and the total of those applied.
func (h *Desk) Remedies(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	hist, err := h.ops.RemedyHistory(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, hist)
}

// RemedyPolicy handles GET /api/v1/remedy-policies: every row of the
// remedy policy and the exchange rates.
func (h *Desk) RemedyPolicy(c echo.Context) error {
	ctx := c.Request().Context()
	limits, err := h.store.RemedyLimits(ctx)
	if err != nil {
		return err
	}
	rates, err := h.store.ExchangeRates(ctx)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": limits, "exchange_rates": rates})
}

// remedyLimitBody is one row of the remedy policy as an admin sends it.
type remedyLimitBody struct {
	Shop            string  `json:"shop"`
	Currency        string  `json:"currency"`
	MaxOrderPercent int64   `json:"max_order_percent"`
	CaseLimit       string  `json:"case_limit"`
	BuyerLimit      *string `json:"buyer_limit"`
	BuyerWindowDays int     `json:"buyer_window_days"`
}

// SaveRemedyPolicy handles POST /api/v1/remedy-policies (admins): creates
// or replaces the limits of one shop ("" for the defaults) in one currency.
func (h *Desk) SaveRemedyPolicy(c echo.Context) error {
	var in remedyLimitBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	l, err := remedyLimit(in)
	if err != nil {
		return err
	}
	actor, err := cases.RequireActor(c.Request().Context())
	if err != nil {
		return err
	}
	saved, err := h.store.SaveRemedyLimit(c.Request().Context(), l, actor.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, saved)
}

func remedyLimit(in remedyLimitBody) (cases.RemedyLimit, error) {
	l := cases.RemedyLimit{Shop: strings.TrimSpace(in.Shop), Currency: in.Currency, MaxOrderPercent: in.MaxOrderPercent,
		BuyerWindowDays: in.BuyerWindowDays}
	if err := cases.CheckText("shop", l.Shop, 200, false); err != nil {
		return l, err
	}
	if _, err := cases.CurrencyScale(in.Currency); err != nil {
		return l, cases.FieldError("currency", "%v", err)
	}
	if l.MaxOrderPercent < 1 || l.MaxOrderPercent > 10000 {
		return l, cases.FieldError("max_order_percent", "must be from 1 to 10000, not %d", l.MaxOrderPercent)
	}
	if l.BuyerWindowDays == 0 {
		l.BuyerWindowDays = 30
	}
	if l.BuyerWindowDays < 1 || l.BuyerWindowDays > 366 {
		return l, cases.FieldError("buyer_window_days", "must be from 1 to 366, not %d", l.BuyerWindowDays)
	}
	var err error
	if l.CaseLimit, err = cases.ParseMoney("case_limit", in.CaseLimit, in.Currency); err != nil {
		return l, cases.FieldError("case_limit", "%s", strings.TrimPrefix(err.Error(), "case_limit.amount: "))
	}
	if in.BuyerLimit != nil {
		m, err := cases.ParseMoney("buyer_limit", *in.BuyerLimit, in.Currency)
		if err != nil {
			return l, cases.FieldError("buyer_limit", "%s", strings.TrimPrefix(err.Error(), "buyer_limit.amount: "))
		}
		l.BuyerLimit = &m
	}
	return l, nil
}

// SaveExchangeRate handles POST /api/v1/exchange-rates (admins):
// {"currency":"USD","to_currency":"CNY","rate":"7.10"}; rate "0" removes it.
func (h *Desk) SaveExchangeRate(c echo.Context) error {
	var in struct {
		Currency   string `json:"currency"`
		ToCurrency string `json:"to_currency"`
		Rate       string `json:"rate"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	for field, cur := range map[string]string{"currency": in.Currency, "to_currency": in.ToCurrency} {
		if _, err := cases.CurrencyScale(cur); err != nil {
			return cases.FieldError(field, "%v", err)
		}
	}
	if in.Currency == in.ToCurrency {
		return cases.FieldError("to_currency", "a rate converts between two different currencies")
	}
	if r, err := strconv.ParseFloat(in.Rate, 64); err != nil || r < 0 || strings.ContainsAny(in.Rate, "eE+-") {
		return cases.FieldError("rate", "rate must be a positive decimal such as \"7.10\" (or \"0\" to remove it), not %q", in.Rate)
	}
	actor, err := cases.RequireActor(c.Request().Context())
	if err != nil {
		return err
	}
	if err := h.store.SaveExchangeRate(c.Request().Context(), cases.ExchangeRate{Currency: in.Currency,
		ToCurrency: in.ToCurrency, Rate: in.Rate}, actor.ID); err != nil {
		return err
	}
	rates, err := h.store.ExchangeRates(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": rates})
}

// AuditQueue handles GET /api/v1/audits/queue?reason=&agent_id=&shop=.
func (h *Desk) AuditQueue(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	f := cases.AuditFilter{Reason: cases.AuditReason(c.QueryParam("reason")), Shop: c.QueryParam("shop"),
		Limit: limit, Cursor: c.QueryParam("cursor")}
	if v := c.QueryParam("agent_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return &cases.Error{Code: cases.Malformed, Field: "agent_id", Message: "agent_id must be a user id"}
		}
		f.AgentID = &n
	}
	actor, err := cases.RequireActor(c.Request().Context())
	if err != nil {
		return err
	}
	page, err := h.store.AuditQueue(c.Request().Context(), actor.ID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// Checklist handles GET /api/v1/audits/checklist (?all=true: inactive
// items too).
func (h *Desk) Checklist(c echo.Context) error {
	items, err := h.store.Checklist(c.Request().Context(), c.QueryParam("all") == "true")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// SaveChecklistItem handles POST /api/v1/audits/checklist (admins):
// creates or replaces one item of the scorecard.
func (h *Desk) SaveChecklistItem(c echo.Context) error {
	in := cases.ChecklistItem{Active: true}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	in.LabelEN, in.LabelZH = strings.TrimSpace(in.LabelEN), strings.TrimSpace(in.LabelZH)
	switch {
	case !checklistKey(in.Key):
		return cases.FieldError("key", "key must be lower-case letters and underscores, up to 40, not %q", in.Key)
	case in.LabelEN == "" || in.LabelZH == "":
		return cases.FieldError("label_en", "an item needs a label in English (label_en) and in Chinese (label_zh)")
	case in.Weight < 1 || in.Weight > 100:
		return cases.FieldError("weight", "weight must be from 1 to 100, not %d", in.Weight)
	}
	for field, v := range map[string]string{"label_en": in.LabelEN, "label_zh": in.LabelZH} {
		if err := cases.CheckText(field, v, 200, false); err != nil {
			return err
		}
	}
	saved, err := h.store.SaveChecklistItem(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, saved)
}

func checklistKey(k string) bool {
	if k == "" || len(k) > 40 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// GiveVerdict handles POST /api/v1/cases/{id}/verdicts.
func (h *Desk) GiveVerdict(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var in workflows.VerdictInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := h.ops.GiveVerdict(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

// Verdicts handles GET /api/v1/cases/{id}/verdicts: the case's audits and
// verdicts (a blind calibration verdict only to its author until the
// second is in).
func (h *Desk) Verdicts(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return err
	}
	if _, err := h.store.Get(ctx, id); err != nil {
		return err
	}
	vs, err := h.store.Verdicts(ctx, id, actor.ID)
	if err != nil {
		return err
	}
	audits, err := h.store.Audits(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": vs, "audits": audits})
}

// Dispute handles POST /api/v1/verdicts/{id}/dispute {"comment":"…"}: the
// agent whose case was judged disputes the verdict, once.
func (h *Desk) Dispute(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Comment string `json:"comment"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := h.ops.DisputeVerdict(c.Request().Context(), id, in.Comment)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
