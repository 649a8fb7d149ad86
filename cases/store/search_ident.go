package store

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// identifier is a search that names a case by something it carries — its
// reference, an order number, an external id, a waybill, a buyer handle or
// the last digits of the buyer's phone — recognised from its shape before
// any full-text search, and answered through indexes of its own (migration
// 00020) instead of the words index, whose plans cannot estimate such
// terms.
type identifier struct {
	caseID int64  // C-000123: the case with this id; 0: none
	exact  string // lower-cased: buyer handles equal to it
	prefix string // lower-cased: order numbers, external ids and waybills that start with it
	phone  string // digits: buyer contacts whose digits end with them
}

// minIdentPrefix is the shortest text matched as the start of an order
// number, external id or waybill: shorter ones (2024…) name half the cases.
const minIdentPrefix = 6

var (
	caseRefShape = regexp.MustCompile(`^[Cc]-?0*([0-9]{1,15})$`)
	// phoneTailShape is four digits, or 尾号 ("ending in") and the digits.
	phoneTailShape = regexp.MustCompile(`^(?:尾号)?([0-9]{4})$`)
	phoneShape     = regexp.MustCompile(`^\+?[0-9][0-9 -]{6,18}[0-9]$`)
)

// parseIdentifier reports whether q is shaped like an identifier: one
// token without spaces (a phone number may have them) that holds a digit.
// Words (破损, refund) and phrases go to full-text search.
func parseIdentifier(q string) (identifier, bool) {
	q = strings.TrimSpace(q)
	if m := caseRefShape.FindStringSubmatch(q); m != nil {
		id, err := strconv.ParseInt(m[1], 10, 64)
		return identifier{caseID: id}, err == nil && id > 0
	}
	if m := phoneTailShape.FindStringSubmatch(q); m != nil {
		return identifier{phone: m[1]}, true
	}
	var id identifier
	if phoneShape.MatchString(q) {
		id.phone = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, q)
		if strings.ContainsAny(q, " +") {
			return id, true // spaces or a country code: a phone number only
		}
	}
	digit := false
	for _, r := range q {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return identifier{}, false
		}
		digit = digit || unicode.IsDigit(r)
	}
	if !digit || len([]rune(q)) < 4 || len(q) > 100 {
		return id, id.phone != ""
	}
	id.exact = strings.ToLower(q)
	if len(q) >= minIdentPrefix {
		id.prefix = id.exact
	}
	return id, true
}

// likePrefix is a LIKE pattern matching text that starts with s.
func likePrefix(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// reverseString reverses s rune by rune (phone digits are ASCII).
func reverseString(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// idsQuery is a SELECT of the ids of the cases the identifier names, each
// part a probe of one index of migration 00020 (or the primary key); arg
// binds a value.
func (id identifier) idsQuery(arg func(any) string) string {
	var parts []string
	if id.caseID > 0 {
		parts = append(parts, `SELECT id FROM cases WHERE id = `+arg(id.caseID))
	}
	if id.prefix != "" {
		p := arg(likePrefix(id.prefix))
		parts = append(parts,
			`SELECT id FROM cases WHERE lower(order_ref) LIKE `+p,
			`SELECT id FROM cases WHERE lower(external_id) LIKE `+p,
			`SELECT case_id FROM evidence WHERE lower(waybill) LIKE `+p)
	} else if id.exact != "" {
		e := arg(id.exact)
		parts = append(parts,
			`SELECT id FROM cases WHERE lower(order_ref) = `+e,
			`SELECT id FROM cases WHERE lower(external_id) = `+e,
			`SELECT case_id FROM evidence WHERE lower(waybill) = `+e)
	}
	if id.exact != "" {
		parts = append(parts, `SELECT id FROM cases WHERE lower(buyer_handle) = `+arg(id.exact))
	}
	if id.phone != "" {
		parts = append(parts, `SELECT id FROM cases WHERE reverse(regexp_replace(buyer_contact, '[^0-9]', '', 'g')) LIKE `+
			arg(likePrefix(reverseString(id.phone))))
	}
	return strings.Join(parts, ` UNION `)
}
