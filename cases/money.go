package cases

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// Money is an amount in the minor units of an ISO 4217 currency. It is never
// a float: JSON carries it as {"amount":"12.50","currency":"CNY"}.
type Money struct {
	Minor    int64  // amount in minor units (fen, cents); never negative
	Currency string // ISO 4217 code, upper case
}

// maxMinor bounds amounts so they fit the numeric(18,3) columns with room.
const maxMinor = int64(1e15)

// CurrencyScale returns the number of decimals of an ISO 4217 currency, or an
// error when the code is not a currency.
func CurrencyScale(code string) (int, error) {
	if len(code) != 3 || strings.ToUpper(code) != code {
		return 0, fmt.Errorf("currency %q is not an upper-case ISO 4217 code", code)
	}
	u, err := currency.ParseISO(code)
	if err != nil {
		return 0, fmt.Errorf("currency %q is not an ISO 4217 code", code)
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, nil
}

// ParseMoney validates a decimal amount string in a currency. Field names the
// input for the error ("order_value", "remedy.amount", ...).
func ParseMoney(field, amount, cur string) (Money, error) {
	scale, err := CurrencyScale(cur)
	if err != nil {
		return Money{}, FieldError(field+".currency", "%v", err)
	}
	whole, frac, hasDot := strings.Cut(strings.TrimSpace(amount), ".")
	if whole == "" || !allDigits(whole) || (hasDot && (frac == "" || !allDigits(frac))) {
		return Money{}, FieldError(field+".amount", "amount %q must be a non-negative decimal such as \"12.50\"", amount)
	}
	if len(frac) > scale {
		return Money{}, FieldError(field+".amount", "amount %q has more than %d decimals for %s", amount, scale, cur)
	}
	frac += strings.Repeat("0", scale-len(frac))
	if len(whole) > 15 {
		return Money{}, FieldError(field+".amount", "amount %q is too large", amount)
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > maxMinor {
		return Money{}, FieldError(field+".amount", "amount %q is too large", amount)
	}
	return Money{Minor: n, Currency: cur}, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Amount renders the amount as a decimal string with the currency's decimals.
func (m Money) Amount() string {
	return string(m.appendAmount(nil))
}

// appendAmount appends Amount to b.
func (m Money) appendAmount(b []byte) []byte {
	scale, err := CurrencyScale(m.Currency)
	if err != nil || scale == 0 {
		return strconv.AppendInt(b, m.Minor, 10)
	}
	p := int64(math.Pow10(scale))
	b = strconv.AppendInt(b, m.Minor/p, 10)
	b = append(b, '.')
	frac := strconv.AppendInt(nil, m.Minor%p, 10)
	for range scale - len(frac) {
		b = append(b, '0')
	}
	return append(b, frac...)
}

// IsZero reports whether m is the zero Money (no currency).
func (m Money) IsZero() bool { return m.Currency == "" }

func (m Money) String() string { return m.Amount() + " " + m.Currency }

type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// MarshalJSON writes {"amount":"12.50","currency":"CNY"}, by hand: every
// case in a list has some, and encoding/json compacts what a marshaler
// returns again.
func (m Money) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 48)
	b = append(b, `{"amount":"`...)
	b = m.appendAmount(b)
	b = append(b, `","currency":`...)
	return append(appendJSONString(b, m.Currency), '}'), nil
}

// appendJSONString appends s as a JSON string, as encoding/json writes it
// (a currency code or a remedy type is plain ASCII, quoted as it is).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// MoneyInput is Money as a client sends it, validated later with Parse so
// that the error can name the field.
type MoneyInput struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// Parse validates the input as money for field.
func (in MoneyInput) Parse(field string) (Money, error) {
	return ParseMoney(field, in.Amount, in.Currency)
}

// UnmarshalJSON reads {"amount":"12.50","currency":"CNY"}, validating it.
func (m *Money) UnmarshalJSON(b []byte) error {
	var in moneyJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	v, err := ParseMoney("money", in.Amount, in.Currency)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
