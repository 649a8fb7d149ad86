package intake

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// clean trims the spaces exports pad cells with: ASCII and ideographic
// spaces, tabs (Chinese exports append one to keep Excel off long numbers),
// no-break spaces and zero-width characters.
func clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u00a0' || r == '\u3000'
	})
}

// compact narrows full-width forms (８９．００, ２０２６年, ￥, ：) to their
// ASCII forms, folds every run of white space into one space and trims. It
// is for codes, numbers, ids and dates, never for texts a buyer wrote.
func compact(s string) string {
	if !isASCII(s) {
		s = width.Narrow.String(s)
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' || r == '\ufeff' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// headerKey is the form in which header names are compared: narrowed,
// lower case, a bracketed unit dropped ("实付款(元)", "Amount ($)") and only
// letters and digits kept, so "Order ID", "order-id" and "order_id" are one.
func headerKey(s string) string {
	s = strings.ToLower(width.Narrow.String(clean(s)))
	if i := strings.IndexAny(s, "(["); i > 0 {
		if j := strings.LastIndexAny(s, ")]"); j > i && strings.TrimSpace(s[j+1:]) == "" {
			s = s[:i]
		}
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var separators = strings.NewReplacer("_", " ", "-", " ")

// wordKey lower-cases a value and folds separators to single spaces, for
// matching words in values: "PARTIALLY_REFUNDED" → "partially refunded".
func wordKey(s string) string {
	s = separators.Replace(strings.ToLower(compact(s)))
	return strings.Join(strings.Fields(s), " ")
}
