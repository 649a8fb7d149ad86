package actions

import (
	"context"
	"strconv"
	"strings"

	"redress/cases"
	"redress/workflows"
)

// DeskPolicy is what admins change of the desk: remedy limits, exchange
// rates, the audit checklist and the desk's settings. It shares the case
// operations' store and policy.
type DeskPolicy struct{ *Cases }

// NewDeskPolicy returns the desk policy operations beside ops.
func NewDeskPolicy(ops *Cases) *DeskPolicy { return &DeskPolicy{ops} }

// RemedyLimitInput is one row of the remedy policy as an admin sends it:
// amounts as decimal strings in Currency.
type RemedyLimitInput struct {
	Shop            string
	Currency        string
	MaxOrderPercent int64
	CaseLimit       string
	BuyerLimit      *string
	BuyerWindowDays int
}

// SaveRemedyLimit checks and stores the limits of one shop ("" for the
// defaults) in one currency, replacing what was there.
func (a *DeskPolicy) SaveRemedyLimit(ctx context.Context, in RemedyLimitInput) (cases.RemedyLimit, error) {
	l, err := remedyLimit(in)
	if err != nil {
		return l, err
	}
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return l, err
	}
	return a.store.Desk().SaveRemedyLimit(ctx, l, actor.ID)
}

func remedyLimit(in RemedyLimitInput) (cases.RemedyLimit, error) {
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

// SaveExchangeRate checks and stores a rate between two currencies (rate
// "0" removes it) and returns every rate.
func (a *DeskPolicy) SaveExchangeRate(ctx context.Context, r cases.ExchangeRate) ([]cases.ExchangeRate, error) {
	for _, f := range []struct{ field, cur string }{{"currency", r.Currency}, {"to_currency", r.ToCurrency}} {
		if _, err := cases.CurrencyScale(f.cur); err != nil {
			return nil, cases.FieldError(f.field, "%v", err)
		}
	}
	if r.Currency == r.ToCurrency {
		return nil, cases.FieldError("to_currency", "a rate converts between two different currencies")
	}
	if n, err := strconv.ParseFloat(r.Rate, 64); err != nil || n < 0 || strings.ContainsAny(r.Rate, "eE+-") {
		return nil, cases.FieldError("rate", "rate must be a positive decimal such as \"7.10\" (or \"0\" to remove it), not %q", r.Rate)
	}
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.store.Desk().SaveExchangeRate(ctx, r, actor.ID); err != nil {
		return nil, err
	}
	return a.store.Desk().ExchangeRates(ctx)
}

// SaveChecklistItem checks and stores one item of the audit scorecard,
// creating it or replacing the item of the same key.
func (a *DeskPolicy) SaveChecklistItem(ctx context.Context, in cases.ChecklistItem) (cases.ChecklistItem, error) {
	in.LabelEN, in.LabelZH = strings.TrimSpace(in.LabelEN), strings.TrimSpace(in.LabelZH)
	switch {
	case !checklistKey(in.Key):
		return in, cases.FieldError("key", "key must be lower-case letters and underscores, up to 40, not %q", in.Key)
	case in.LabelEN == "":
		return in, cases.FieldError("label_en", "an item needs a label in English (label_en) and in Chinese (label_zh)")
	case in.LabelZH == "":
		return in, cases.FieldError("label_zh", "an item needs a label in English (label_en) and in Chinese (label_zh)")
	case in.Weight < 1 || in.Weight > 100:
		return in, cases.FieldError("weight", "weight must be from 1 to 100, not %d", in.Weight)
	}
	for _, f := range []struct{ field, v string }{{"label_en", in.LabelEN}, {"label_zh", in.LabelZH}} {
		if err := cases.CheckText(f.field, f.v, 200, false); err != nil {
			return in, err
		}
	}
	return a.store.Desk().SaveChecklistItem(ctx, in)
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

// SaveDeskSettings checks and stores the desk's settings (admins),
// conditional on version when it is given.
func (a *DeskPolicy) SaveDeskSettings(ctx context.Context, s cases.DeskSettings, version *int64) (cases.DeskSettings, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return s, err
	}
	if actor.Role != cases.RoleAdmin {
		return s, cases.Errorf(cases.Forbidden, "only admins change the desk's settings")
	}
	if err := workflows.CheckDeskSettings(s); err != nil {
		return s, err
	}
	return a.store.Desk().SaveSettings(ctx, s, version, actor.ID)
}

// RetireChecklistItem takes an item off the audit scorecard (admins): an
// item no verdict scored is deleted, one that verdicts scored is made
// inactive so that they still show it. deleted says which.
func (a *DeskPolicy) RetireChecklistItem(ctx context.Context, key string) (cases.ChecklistItem, bool, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.ChecklistItem{}, false, err
	}
	if actor.Role != cases.RoleAdmin {
		return cases.ChecklistItem{}, false, cases.Errorf(cases.Forbidden, "only admins edit the checklist")
	}
	if !checklistKey(key) {
		return cases.ChecklistItem{}, false, cases.FieldError("key", "key must be lower-case letters and underscores, up to 40, not %q", key)
	}
	return a.store.Desk().RetireChecklistItem(ctx, key)
}
