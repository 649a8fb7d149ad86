package workflows

import (
	"fmt"
	"math/big"
	"strings"

	"redress/cases"
)

// maxOrderPercent bounds MaxOrderPercent; a limit of a hundred times the
// order value is no limit at all.
const maxOrderPercent = 10000

// RemedyPolicy is the economic principle as configuration: a shop may
// concede, but a costly remedy needs a supervisor's approval.
type RemedyPolicy struct {
	// MaxOrderPercent is the share of the order value, in percent, a remedy
	// may cost without approval (100 = the whole order). A remedy in
	// another currency than the order's always needs approval.
	MaxOrderPercent int64
	// FixedLimits is the most a remedy may cost without approval, per ISO
	// 4217 currency, in minor units (fen, cents, yen).
	FixedLimits map[string]int64
}

// DefaultRemedyPolicy returns the default limits: the order value, and a
// fixed amount per common currency.
func DefaultRemedyPolicy() RemedyPolicy {
	return RemedyPolicy{
		MaxOrderPercent: 100,
		FixedLimits: map[string]int64{
			"CNY": 500_00,
			"USD": 100_00,
			"EUR": 100_00,
			"GBP": 80_00,
			"JPY": 15000,
			"HKD": 800_00,
		},
	}
}

// Validate reports the first problem with p.
func (p RemedyPolicy) Validate() error {
	if p.MaxOrderPercent <= 0 || p.MaxOrderPercent > maxOrderPercent {
		return cases.FieldError("remedy.max_order_percent", "must be between 1 and %d, not %d", maxOrderPercent, p.MaxOrderPercent)
	}
	for cur, limit := range p.FixedLimits {
		if _, err := cases.CurrencyScale(cur); err != nil {
			return cases.FieldError("remedy.fixed_limits", "%v", err)
		}
		if limit < 0 {
			return cases.FieldError("remedy.fixed_limits."+cur, "the limit must not be negative, not %d", limit)
		}
	}
	return nil
}

// NeedsApproval reports whether a remedy costing amount, for an order worth
// orderValue (nil when unknown), needs a supervisor's approval, and if so
// which limit it breaks, as a phrase for the refusal message. A remedy that
// costs nothing never needs approval. A remedy in another currency than
// the order's always needs approval: the share of the order cannot be
// checked. When the order value is unknown and there is no fixed limit
// for the remedy's currency, the guard errs on the side of approval too.
func (p RemedyPolicy) NeedsApproval(orderValue *cases.Money, amount cases.Money) (bool, string) {
	if amount.Minor == 0 {
		return false, ""
	}
	var why []string
	limit, hasLimit := p.FixedLimits[amount.Currency]
	if hasLimit && amount.Minor > limit {
		why = append(why, fmt.Sprintf("it is above the fixed limit of %s", cases.Money{Minor: limit, Currency: amount.Currency}))
	}
	hasOrder := orderValue != nil && !orderValue.IsZero()
	switch {
	case hasOrder && orderValue.Currency == amount.Currency:
		if p.overRatio(orderValue.Minor, amount.Minor) {
			why = append(why, fmt.Sprintf("it is more than %d%% of the order value of %s", p.MaxOrderPercent, *orderValue))
		}
	case hasOrder:
		// Without exchange rates the share of the order cannot be checked;
		// a fixed limit in the remedy's currency is no substitute (100 USD
		// is under it, and a hundred times a 1 CNY order).
		why = append(why, fmt.Sprintf("it is in %s while the order is in %s; a supervisor checks the conversion",
			amount.Currency, orderValue.Currency))
	case hasLimit:
		// The order value is unknown: the fixed limit alone decides.
	default:
		why = append(why, fmt.Sprintf("the order value is unknown and there is no fixed limit for %s", amount.Currency))
	}
	if len(why) == 0 {
		return false, ""
	}
	return true, strings.Join(why, ", and ")
}

// overRatio reports amount > MaxOrderPercent% of order, exactly: amount×100 >
// order×percent, in big integers because the products may pass int64.
func (p RemedyPolicy) overRatio(order, amount int64) bool {
	lhs := new(big.Int).Mul(big.NewInt(amount), big.NewInt(100))
	rhs := new(big.Int).Mul(big.NewInt(order), big.NewInt(p.MaxOrderPercent))
	return lhs.Cmp(rhs) > 0
}
