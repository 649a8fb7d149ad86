package workflows

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"redress/cases"
)

// limits are the remedy limits that apply to one shop in one currency.
type limits struct {
	percent    int64
	caseLimit  *int64
	buyerLimit *int64
	window     time.Duration
}

// limitsFor picks the policy row of shop in currency, then the defaults'
// row (shop ""), then the code's defaults.
func (p RemedyPolicy) limitsFor(rows []cases.RemedyLimit, shop, currency string) limits {
	var def *cases.RemedyLimit
	for i := range rows {
		r := &rows[i]
		if r.Currency != currency {
			continue
		}
		if r.Shop == shop {
			def = r
			break
		}
		if r.Shop == "" {
			def = r
		}
	}
	if def != nil {
		l := limits{percent: def.MaxOrderPercent, caseLimit: &def.CaseLimit.Minor,
			window: time.Duration(def.BuyerWindowDays) * 24 * time.Hour}
		if def.BuyerLimit != nil {
			l.buyerLimit = &def.BuyerLimit.Minor
		}
		return l
	}
	l := limits{percent: p.MaxOrderPercent}
	if v, ok := p.FixedLimits[currency]; ok {
		l.caseLimit = &v
	}
	return l
}

// convert turns m into currency by the configured rates, rounding to the
// nearest minor unit, and reports whether a rate was found.
func convert(m cases.Money, currency string, rates []cases.ExchangeRate) (cases.Money, bool) {
	if m.Currency == currency {
		return m, true
	}
	fromScale, err1 := cases.CurrencyScale(m.Currency)
	toScale, err2 := cases.CurrencyScale(currency)
	if err1 != nil || err2 != nil {
		return cases.Money{}, false
	}
	for _, r := range rates {
		rate, ok := new(big.Rat).SetString(r.Rate)
		if !ok || rate.Sign() <= 0 {
			continue
		}
		switch {
		case r.Currency == m.Currency && r.ToCurrency == currency:
		case r.Currency == currency && r.ToCurrency == m.Currency:
			rate.Inv(rate)
		default:
			continue
		}
		v := new(big.Rat).SetInt64(m.Minor)
		v.Mul(v, rate)
		v.Mul(v, new(big.Rat).SetFrac(pow10(toScale), pow10(fromScale)))
		n := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(v.Num(), big.NewInt(2)), v.Denom()), new(big.Int).Mul(v.Denom(), big.NewInt(2)))
		if !n.IsInt64() {
			return cases.Money{}, false
		}
		return cases.Money{Minor: n.Int64(), Currency: currency}, true
	}
	return cases.Money{}, false
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// AppliedTotal sums the applied remedies of a history, per currency, in
// the order the currencies first appear.
func AppliedTotal(h []cases.RemedyRecord) []cases.Money {
	var out []cases.Money
	for _, r := range h {
		if r.Status != cases.RemedyApplied {
			continue
		}
		out = addMoney(out, r.Amount)
	}
	return out
}

func addMoney(sums []cases.Money, m cases.Money) []cases.Money {
	for i := range sums {
		if sums[i].Currency == m.Currency {
			sums[i].Minor += m.Minor
			return sums
		}
	}
	return append(sums, m)
}

// RemedyNeedsApproval is the remedy guard with its memory: a remedy of
// amount on case c needs approval when it breaks a limit on its own (see
// RemedyPolicy.NeedsApproval), when together with the remedies already
// applied on the case (reworks and reopens included) it passes the share
// of the order or the fixed limit, or when together with the buyer's other
// remedies in the shop over the policy's window it passes the buyer limit.
// Amounts in other currencies count by the configured rates; one that no
// rate converts needs approval. The limits are the shop's rows of f.Limits,
// then the defaults' rows, then p.
func (p RemedyPolicy) RemedyNeedsApproval(c cases.Case, amount cases.Money, f cases.RemedyFacts, now time.Time) (bool, string) {
	if amount.Minor == 0 {
		return false, ""
	}
	order := c.OrderValue
	hasOrder := order != nil && !order.IsZero()
	base := amount.Currency
	if hasOrder {
		base = order.Currency
	}
	var why []string
	own, ok := convert(amount, base, f.Rates)
	if !ok {
		// No rate: the single-remedy guard says why (another currency).
		return p.single(c, amount, f, base)
	}
	prior := int64(0)
	for _, r := range f.History {
		if r.Status != cases.RemedyApplied || r.Amount.Minor == 0 {
			continue
		}
		m, ok := convert(r.Amount, base, f.Rates)
		if !ok {
			why = append(why, fmt.Sprintf("an earlier remedy of %s cannot be counted in %s without an exchange rate", r.Amount, base))
			continue
		}
		prior += m.Minor
	}
	l := p.limitsFor(f.Limits, c.Shop, base)
	total := cases.Money{Minor: own.Minor + prior, Currency: base}
	together := func(limit string) string {
		if prior == 0 {
			if own.Currency != amount.Currency {
				return fmt.Sprintf("it is %s (%s), above %s", amount, own, limit)
			}
			return "it is above " + limit
		}
		return fmt.Sprintf("with the %s already spent on this case it comes to %s, above %s",
			cases.Money{Minor: prior, Currency: base}, total, limit)
	}
	if l.caseLimit != nil && total.Minor > *l.caseLimit {
		why = append(why, together(fmt.Sprintf("the fixed limit of %s", cases.Money{Minor: *l.caseLimit, Currency: base})))
	}
	switch {
	case hasOrder:
		lp := RemedyPolicy{MaxOrderPercent: l.percent}
		if lp.overRatio(order.Minor, total.Minor) {
			if prior == 0 && own.Currency == amount.Currency {
				why = append(why, fmt.Sprintf("it is more than %d%% of the order value of %s", l.percent, *order))
			} else {
				why = append(why, together(fmt.Sprintf("%d%% of the order value of %s", l.percent, *order)))
			}
		}
	case l.caseLimit == nil:
		why = append(why, fmt.Sprintf("the order value is unknown and there is no fixed limit for %s", base))
	}
	if l.buyerLimit != nil && c.BuyerHandle != "" {
		spent := own.Minor + prior
		uncounted := false
		for _, b := range f.Buyer {
			if b.CaseID == c.ID || now.Sub(b.AppliedAt) > l.window {
				continue
			}
			m, ok := convert(b.Amount, base, f.Rates)
			if !ok {
				uncounted = true
				continue
			}
			spent += m.Minor
		}
		if spent > *l.buyerLimit {
			why = append(why, fmt.Sprintf("the buyer's remedies in this shop over %d days come to %s, above the buyer limit of %s",
				int(l.window.Hours()/24), cases.Money{Minor: spent, Currency: base}, cases.Money{Minor: *l.buyerLimit, Currency: base}))
		} else if uncounted {
			why = append(why, "some of the buyer's earlier remedies cannot be counted without an exchange rate")
		}
	}
	if len(why) == 0 {
		return false, ""
	}
	return true, strings.Join(why, ", and ")
}

// single is the single-remedy guard under the shop's limits, for a remedy
// no rate converts into the order's currency.
func (p RemedyPolicy) single(c cases.Case, amount cases.Money, f cases.RemedyFacts, base string) (bool, string) {
	own := p.limitsFor(f.Limits, c.Shop, amount.Currency)
	q := RemedyPolicy{MaxOrderPercent: p.limitsFor(f.Limits, c.Shop, base).percent, FixedLimits: map[string]int64{}}
	if own.caseLimit != nil {
		q.FixedLimits[amount.Currency] = *own.caseLimit
	}
	return q.NeedsApproval(c.OrderValue, amount)
}
