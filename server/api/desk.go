package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/actions"
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
	page, err := h.store.Desk().Approvals(c.Request().Context(), cases.ApprovalFilter{Shop: c.QueryParam("shop"),
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
func (h *DeskPolicy) RemedyPolicy(c echo.Context) error {
	ctx := c.Request().Context()
	limits, err := h.store.Desk().RemedyLimits(ctx)
	if err != nil {
		return err
	}
	rates, err := h.store.Desk().ExchangeRates(ctx)
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
func (h *DeskPolicy) SaveRemedyPolicy(c echo.Context) error {
	var in remedyLimitBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	saved, err := h.deskPolicy.SaveRemedyLimit(c.Request().Context(), actions.RemedyLimitInput(in))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, saved)
}

// SaveExchangeRate handles POST /api/v1/exchange-rates (admins):
// {"currency":"USD","to_currency":"CNY","rate":"7.10"}; rate "0" removes it.
func (h *DeskPolicy) SaveExchangeRate(c echo.Context) error {
	var in struct {
		Currency   string `json:"currency"`
		ToCurrency string `json:"to_currency"`
		Rate       string `json:"rate"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	rates, err := h.deskPolicy.SaveExchangeRate(c.Request().Context(), cases.ExchangeRate{Currency: in.Currency,
		ToCurrency: in.ToCurrency, Rate: in.Rate})
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
	page, err := h.store.Desk().AuditQueue(c.Request().Context(), actor.ID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// Checklist handles GET /api/v1/audits/checklist (?all=true: inactive
// items too).
func (h *DeskPolicy) Checklist(c echo.Context) error {
	items, err := h.store.Desk().Checklist(c.Request().Context(), c.QueryParam("all") == "true")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// SaveChecklistItem handles POST /api/v1/audits/checklist (admins):
// creates or replaces one item of the scorecard.
func (h *DeskPolicy) SaveChecklistItem(c echo.Context) error {
	in := cases.ChecklistItem{Active: true}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	saved, err := h.deskPolicy.SaveChecklistItem(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, saved)
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
	vs, err := h.store.Desk().Verdicts(ctx, id, actor.ID)
	if err != nil {
		return err
	}
	audits, err := h.store.Desk().Audits(ctx, id)
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
