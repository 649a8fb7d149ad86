package intake

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"redress/cases"
)

// lineReader reads the cells of one line and collects every problem they
// have.
type lineReader struct {
	p     *plan
	rec   []string
	line  int
	errs  []LineError
	warns []LineError
}

func (l *lineReader) cell(f Field) string { return l.p.cell(l.rec, f) }

func (l *lineReader) fail(f Field, format string, args ...any) {
	l.errs = append(l.errs, LineError{Line: l.line, Column: l.p.column(f), Field: string(f), Detail: fmt.Sprintf(format, args...)})
}

func (l *lineReader) failErr(f Field, err error) { l.fail(f, "%s", message(err)) }

func (l *lineReader) failed(f Field) bool {
	return slices.ContainsFunc(l.errs, func(e LineError) bool { return e.Field == string(f) })
}

// text is a free text cell, checked for length and control characters.
func (l *lineReader) text(f Field, limit int) string {
	v := l.cell(f)
	if err := cases.CheckText(string(f), v, limit, false); err != nil {
		l.failErr(f, err)
	}
	return v
}

// id reads an id cell; Shopify's order names lose their #.
func (l *lineReader) id(f Field, platform cases.Platform) string {
	raw := l.cell(f)
	if raw == "" {
		return ""
	}
	v, err := ParseID(raw)
	if err != nil {
		l.failErr(f, err)
		return ""
	}
	if platform == "shopify" {
		v = trimOrderHash(v)
	}
	if looksRounded(v) {
		l.warns = append(l.warns, LineError{Line: l.line, Column: l.p.column(f), Field: string(f), Detail: fmt.Sprintf(
			"%s %q ends in zeros past its 15th digit, as ids Excel rounded do; if two orders share it, %s", f, v, ExcelTextAdvice)})
	}
	if err := cases.CheckText(string(f), v, cases.MaxShortText, false); err != nil {
		l.failErr(f, err)
	}
	return v
}

// when reads a time cell; in a time column, Excel's day numbers are dates.
func (l *lineReader) when(f Field) *time.Time {
	v := l.cell(f)
	if v == "" {
		return nil
	}
	t, err := parseTime(v, l.p.loc, l.p.dayFirst)
	if err != nil {
		if s, ok := ParseExcelSerial(v, l.p.loc); ok {
			return &s
		}
		l.failErr(f, err)
		return nil
	}
	return &t
}

// platform is the line's platform cell, else the file's.
func (l *lineReader) platform() cases.Platform {
	v := l.cell(FieldPlatform)
	if v == "" {
		if l.p.platform == "" {
			l.fail(FieldPlatform, "platform is empty and the file gives no platform for it")
		}
		return l.p.platform
	}
	pl, err := ParsePlatform(v)
	if err != nil {
		l.failErr(FieldPlatform, err)
	}
	return pl
}

// currency is the currency of the line's amounts: its currency cell, else
// the fixed one, else the platform's. stated says a cell gave it.
func (l *lineReader) currency(platform cases.Platform) (cur string, stated bool) {
	if v := l.cell(FieldOrderCurrency); v != "" {
		c, err := ParseCurrency(v)
		if err == nil {
			return c, true
		}
		l.failErr(FieldOrderCurrency, err)
	}
	if l.p.currency != "" {
		return l.p.currency, false
	}
	return platformCurrency(platform), false
}

// money reads an amount cell. A refund may be written negative.
func (l *lineReader) money(f Field, cur string, stated, refund bool) *cases.MoneyInput {
	v := l.cell(f)
	if v == "" {
		return nil
	}
	if refund {
		v = strings.TrimPrefix(strings.TrimPrefix(compact(v), "-"), "−")
	}
	m, err := ParseMoney(v, cur)
	if err != nil {
		l.failErr(f, err)
		return nil
	}
	if stated && m.Currency != cur {
		l.fail(f, "amount %q is in %s but %s says %s", v, m.Currency, FieldOrderCurrency, cur)
		return nil
	}
	return &m
}

// review reads the rating, the review and its follow-up; snap is nil when
// the line has none of them.
func (l *lineReader) review() (rating *Rating, snap *ReviewSnapshot, link string) {
	if v := l.cell(FieldReviewRating); v != "" {
		r, err := ParseRating(v)
		if err != nil {
			l.failErr(FieldReviewRating, err)
		} else {
			rating = &r
		}
	}
	s := ReviewSnapshot{
		Text:         l.text(FieldReviewText, cases.MaxLongText),
		FollowUpText: l.text(FieldFollowUpText, cases.MaxLongText),
		PostedAt:     l.when(FieldReviewPostedAt),
		FollowUpAt:   l.when(FieldFollowUpAt),
		Removed:      removed(l.cell(FieldReviewStatus)),
	}
	if rating != nil {
		stars := rating.Stars
		s.Rating = &stars
	}
	link = l.text(FieldReviewURL, 2000)
	if link != "" {
		if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			l.fail(FieldReviewURL, "review url must be an http(s) link")
		}
	}
	if s.Rating != nil || s.Text != "" || s.FollowUpText != "" || s.PostedAt != nil || l.cell(FieldReviewStatus) != "" {
		snap = &s
	}
	return rating, snap, link
}

// row reads one line: the row, or every problem it has; and warnings.
func (p *plan) row(rec []string, line int) (Row, []LineError, []LineError) {
	l := &lineReader{p: p, rec: rec, line: line}
	row := Row{Line: line}
	in := cases.CaseInput{}

	in.Platform = l.platform()
	in.ExternalID = l.id(FieldExternalID, in.Platform)
	sameColumn := hasCol(p.cols, FieldOrderRef) && hasCol(p.cols, FieldExternalID) && p.cols[FieldOrderRef] == p.cols[FieldExternalID]
	if sameColumn {
		in.OrderRef = in.ExternalID // one column, read and reported once
	} else {
		in.OrderRef = l.id(FieldOrderRef, in.Platform)
	}
	if in.ExternalID == "" && !l.failed(FieldExternalID) {
		l.fail(FieldExternalID, "external_id is required: it is what makes a second import skip the line")
	}
	if p.profile != nil && p.profile.KeyItem && sameColumn && in.ExternalID != "" {
		if item := l.id(FieldItemRef, in.Platform); item != "" {
			in.ExternalID += "/" + item
		}
	}
	row.Key = Key{Platform: in.Platform, ExternalID: in.ExternalID}

	if in.Shop = firstOf(l.text(FieldShop, cases.MaxShortText), p.shop); in.Shop == "" {
		l.fail(FieldShop, "shop is required")
	}
	in.BuyerHandle = l.text(FieldBuyerHandle, cases.MaxShortText)
	in.BuyerContact = l.text(FieldBuyerContact, 500)

	cur, stated := l.currency(in.Platform)
	in.OrderValue = l.money(FieldOrderAmount, cur, stated, false)
	if c := l.money(FieldRefundAmount, cur, stated, true); c != nil && strings.Trim(c.Amount, "0.") != "" {
		row.Claimed = c // a zero claim (补寄, an order without refund) claims nothing
	}
	in.PlatformDueAt = l.when(FieldPlatformDueAt)
	row.OpenedAt = l.when(FieldOpenedAt)

	rating, snap, link := l.review()
	row.Review = snap
	if snap != nil || link != "" {
		if snap == nil {
			snap = &ReviewSnapshot{}
		}
		in.Review = &cases.ReviewInput{Rating: snap.Rating, Text: snap.Text, PostedAt: snap.PostedAt, URL: link}
	}

	reason := l.text(FieldReason, cases.MaxShortText)
	summary := l.text(FieldSummary, cases.MaxLongText)
	in.Summary = joinNonEmpty(" — ", reason, summary, l.text(FieldItem, cases.MaxShortText))
	row.Status = l.text(FieldStatus, cases.MaxShortText)
	row.Escalated = escalated(l.cell(FieldEscalated))

	var err error
	in.Kind, row.Note, err = p.kindOf(l.cell(FieldKind), rating, reason, l.cell(FieldRequestType), summary)
	switch {
	case err != nil && l.cell(FieldKind) == "" && l.failed(FieldReviewRating):
		// The rating that would tell the kind is refused already.
	case err != nil:
		l.failErr(FieldKind, err)
	case in.Kind == "":
		row.UpdateOnly = true
	}

	in.Severity = p.severity
	if v := l.cell(FieldSeverity); v != "" {
		s, err := ParseSeverity(v)
		if err != nil {
			l.failErr(FieldSeverity, err)
		}
		in.Severity = s
	} else if in.Severity == "" && row.Escalated {
		in.Severity = "high"
	}

	// The domain's own validation backs the checks above up.
	if len(l.errs) == 0 && !row.UpdateOnly {
		if _, err := in.Case(); err != nil {
			var e *cases.Error
			if errors.As(err, &e) {
				l.fail(Field(caseField(e.Field)), "%s", e.Message)
			} else {
				l.fail("", "%s", err.Error())
			}
		}
	}
	row.Case = in
	return row, l.errs, l.warns
}

var caseFields = strings.NewReplacer("order_value.amount", "order_amount", "order_value.currency", "order_currency",
	"review.rating", "review_rating", "review.text", "review_text", "review.url", "review_url")

// caseField names a case validation error's field as an import column.
func caseField(f string) string { return caseFields.Replace(f) }

// kindOf tells the kind of a line: its kind cell or the fixed kind; else a
// bad or medium rating (a review case stays one whatever it is about);
// else the reason, the after-sales type, the description, the export's
// default. A line that is no case by itself — a positive review, an order
// of a NotCases export without after-sales signal — has no kind and a note
// saying why.
func (p *plan) kindOf(kindCell string, rating *Rating, reason, requestType, summary string) (cases.Kind, string, error) {
	switch {
	case kindCell != "":
		k, err := ParseKind(kindCell)
		return k, "", err
	case p.kind != "":
		return p.kind, "", nil
	case rating != nil && rating.Kind() != "":
		return rating.Kind(), "", nil
	}
	if k := KindFromReason(reason); k != "" {
		return k, "", nil
	}
	if k := KindFromRequest(requestType); k != "" {
		return k, "", nil
	}
	if rating != nil {
		return "", "a positive review: the line updates the review of a case of this order, and creates none", nil
	}
	notCases := p.profile != nil && p.profile.NotCases != ""
	if k := KindFromReason(summary); k != "" && !notCases {
		return k, "", nil
	}
	switch {
	case p.profile != nil && p.profile.defaultKind() != "":
		return p.profile.defaultKind(), "", nil
	case notCases:
		return "", p.profile.NotCases, nil
	}
	return "", "", fmt.Errorf("the line says nothing that tells the kind of case; map a kind column, or give a fixed kind such as %s", cases.Kinds()[0])
}
