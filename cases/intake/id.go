package intake

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// scientific matches a number as Excel shows one it considers too long:
// 3.82746E+15, 3.82746e15, 3,82746E+15 (a decimal-comma locale).
var scientific = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?[eE][+-]?[0-9]+$`)

// ExcelTextAdvice says how to keep Excel from turning long ids into numbers.
const ExcelTextAdvice = "before saving the export in Excel, format the id columns as Text " +
	"(select the column → Format Cells → Text), or open the CSV through Data → From Text/CSV " +
	"and set those columns' type to Text; or import the file as the platform exported it, without opening it in Excel"

// ParseID reads an id cell (an order number, a 售后单号, an RMA id). It
// removes the guards exports and spreadsheets put around long numbers — a
// leading apostrophe, ="…", a tab — and narrows full-width digits. It
// refuses an id in scientific notation: Excel rounded it, the real id is
// lost, and two orders would look like one.
func ParseID(s string) (string, error) {
	v := compact(s)
	if strings.HasPrefix(v, `="`) && strings.HasSuffix(v, `"`) && len(v) >= 3 {
		v = v[2 : len(v)-1]
	}
	v = compact(strings.TrimPrefix(v, "'"))
	if scientific.MatchString(v) {
		return "", fmt.Errorf("%q is an id in scientific notation: Excel rounded it, so its last digits are lost "+
			"and different orders would look the same; export again, and %s", v, ExcelTextAdvice)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return "", fmt.Errorf("%q contains a control character", v)
		}
	}
	return v, nil
}

// looksRounded reports whether an all-digit id longer than Excel's 15
// significant digits ends in zeros from the 16th digit on: what Excel
// writes when a long id was formatted as a number. A real id may end so by
// chance, so this warns and never refuses.
func looksRounded(id string) bool {
	if len(id) < 17 {
		return false
	}
	for i, r := range id {
		if r < '0' || r > '9' || (i >= 15 && r != '0') {
			return false
		}
	}
	return true
}

// trimOrderHash removes the "#" of a Shopify order name (#1001).
func trimOrderHash(id string) string { return strings.TrimSpace(strings.TrimPrefix(id, "#")) }
