package intake

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"redress/cases"
)

var (
	grouped = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$`)
	decimal = regexp.MustCompile(`^([0-9]+)(?:\.([0-9]*))?$`)
	isoCode = regexp.MustCompile(`^[A-Z]{3}$`)
)

// currencyPrefixes are the marks written before an amount, longest first;
// "" marks a symbol whose currency depends on the file's (¥, $).
var currencyPrefixes = []struct{ mark, code string }{
	{"US$", "USD"}, {"HK$", "HKD"}, {"NT$", "TWD"}, {"CA$", "CAD"}, {"AU$", "AUD"}, {"CN¥", "CNY"},
	{"JP¥", "JPY"}, {"RMB", "CNY"}, {"C$", "CAD"}, {"A$", "AUD"}, {"S$", "SGD"},
	{"¥", ""}, {"$", ""}, {"€", "EUR"}, {"£", "GBP"}, {"₩", "KRW"},
}

var currencySuffixes = []struct{ mark, code string }{
	{"人民币", "CNY"}, {"美元", "USD"}, {"欧元", "EUR"}, {"英镑", "GBP"}, {"日元", "JPY"},
	{"港元", "HKD"}, {"港币", "HKD"}, {"RMB", "CNY"}, {"元", "CNY"}, {"块", "CNY"},
}

var dollarCurrencies = []string{"USD", "CAD", "AUD", "HKD", "SGD", "NZD", "TWD"}

// ParseMoney reads an amount as exports write it — ¥89.00, ￥89, 89.00元,
// RMB 89, $12.50, USD 12.50, 1,299.00, full-width ８９．００ — as money in a
// currency. cur is the currency of amounts that name none (from a currency
// column, the mapping or the platform; "" when unknown); it also settles
// the symbols several currencies share (¥ is CNY unless cur is JPY, $ is
// USD unless cur is another dollar). Negative amounts and decimal commas
// are refused.
func ParseMoney(s, cur string) (cases.MoneyInput, error) {
	v := strings.ReplaceAll(compact(s), " ", "")
	if v == "" {
		return cases.MoneyInput{}, fmt.Errorf("amount is empty")
	}
	code, num := currencyOf(v, cur)
	if strings.HasPrefix(num, "-") || strings.HasPrefix(num, "−") || strings.HasPrefix(num, "(") {
		return cases.MoneyInput{}, fmt.Errorf("amount %q is negative; amounts are written without a sign", s)
	}
	if strings.Contains(num, ",") {
		if !grouped.MatchString(num) {
			return cases.MoneyInput{}, fmt.Errorf("amount %q is not a number such as 1,299.00 (a decimal comma is not read: write 89.00)", s)
		}
		num = strings.ReplaceAll(num, ",", "")
	}
	m := decimal.FindStringSubmatch(num)
	if m == nil {
		return cases.MoneyInput{}, fmt.Errorf("amount %q is not a number such as 89.00, ¥89 or $12.50", s)
	}
	if code == "" {
		return cases.MoneyInput{}, fmt.Errorf("amount %q names no currency and the file gives none; add a currency column or a fixed currency", s)
	}
	scale, err := cases.CurrencyScale(code)
	if err != nil {
		return cases.MoneyInput{}, fmt.Errorf("amount %q: %v", s, err)
	}
	whole, frac := m[1], m[2]
	for len(frac) > scale && strings.HasSuffix(frac, "0") {
		frac = frac[:len(frac)-1]
	}
	amount := whole
	if frac != "" {
		amount += "." + frac
	}
	if _, err := cases.ParseMoney("amount", amount, code); err != nil {
		var de *cases.Error
		if errors.As(err, &de) {
			return cases.MoneyInput{}, errors.New(de.Message)
		}
		return cases.MoneyInput{}, err
	}
	return cases.MoneyInput{Amount: amount, Currency: code}, nil
}

// currencyOf splits a compacted amount into its currency and its number.
// The currency is the one the amount names, else cur.
func currencyOf(v, cur string) (code, num string) {
	upper := strings.ToUpper(v)
	for _, p := range currencyPrefixes {
		if strings.HasPrefix(upper, p.mark) {
			code, num = symbol(p.mark, p.code, cur), v[len(p.mark):]
			for _, s := range currencySuffixes { // ¥89.00元
				if strings.HasSuffix(num, s.mark) && s.code == code {
					num = num[:len(num)-len(s.mark)]
				}
			}
			return code, num
		}
	}
	for _, p := range currencySuffixes {
		if strings.HasSuffix(upper, p.mark) {
			return p.code, v[:len(v)-len(p.mark)]
		}
	}
	if len(upper) > 3 && isoCode.MatchString(upper[:3]) {
		if _, err := cases.CurrencyScale(upper[:3]); err == nil {
			return upper[:3], v[3:]
		}
	}
	if n := len(upper); n > 3 && isoCode.MatchString(upper[n-3:]) {
		if _, err := cases.CurrencyScale(upper[n-3:]); err == nil {
			return upper[n-3:], v[:n-3]
		}
	}
	return cur, v
}

func symbol(mark, code, cur string) string {
	switch {
	case code != "":
		return code
	case mark == "¥" && cur == "JPY":
		return "JPY"
	case mark == "¥":
		return "CNY"
	case slices.Contains(dollarCurrencies, cur):
		return cur
	}
	return "USD"
}

// ParseCurrency reads a currency cell: an ISO 4217 code in any case, or
// RMB, 人民币, 元, 美元 … as Chinese exports write them.
func ParseCurrency(s string) (string, error) {
	v := strings.ToUpper(strings.ReplaceAll(compact(s), " ", ""))
	for _, p := range currencySuffixes {
		if v == p.mark {
			return p.code, nil
		}
	}
	for _, p := range currencyPrefixes {
		if v == p.mark && p.code != "" {
			return p.code, nil
		}
	}
	if _, err := cases.CurrencyScale(v); err != nil {
		return "", fmt.Errorf("currency %q is not an ISO 4217 code such as CNY or USD", s)
	}
	return v, nil
}

// platformCurrency is the currency of amounts on a platform that names
// none: CNY on the Chinese marketplaces, USD on Amazon and Shopify (a
// currency column or a fixed currency says otherwise).
func platformCurrency(p cases.Platform) string {
	switch p {
	case "taobao", "tmall", "jd", "pinduoduo", "douyin":
		return "CNY"
	case "amazon", "shopify":
		return "USD"
	}
	return ""
}
