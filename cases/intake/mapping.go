package intake

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"redress/cases"
)

// Mapping says which column of a file holds which field, and which values
// apply to every line. It is JSON, so a user can save it under a name and
// send it again with the next export:
//
//	{"name":"erp","columns":{"external_id":"单号","buyer_handle":"客户"},
//	 "fixed":{"platform":"taobao","kind":"complaint"}}
//
// Fixed values apply where a line's own cell gives none.
type Mapping struct {
	Name string `json:"name,omitempty"`
	// Profile names the export the mapping was made for; Read then reads
	// lines as that export's (item in the key, continuation lines …).
	Profile    string            `json:"profile,omitempty"`
	Columns    map[Field]string  `json:"columns"`
	Fixed      map[Field]string  `json:"fixed,omitempty"`
	Confidence map[Field]float64 `json:"confidence,omitempty"` // of a suggestion, 0–1
}

type synonym struct {
	text   string
	weight float64
}

// suggestWords are header words for each field beyond the profiles' own
// names, Chinese and English.
var suggestWords = map[Field][]synonym{
	FieldExternalID: {{"售后单号", 1}, {"售后编号", 1}, {"服务单号", 1}, {"退款编号", 1}, {"工单号", 0.95}, {"投诉单号", 1},
		{"纠纷单号", 1}, {"case id", 1}, {"ticket id", 1}, {"ticket", 0.8}, {"rma id", 1}, {"claim id", 1}, {"return id", 0.9},
		{"external id", 1}, {"单号", 0.85}, {"编号", 0.6}, {"id", 0.6}},
	FieldOrderRef: {{"订单号", 1}, {"订单编号", 1}, {"主订单号", 1}, {"子订单号", 0.9}, {"交易号", 0.8}, {"order id", 1},
		{"order number", 1}, {"order no", 1}, {"order ref", 1}, {"order", 0.8}, {"订单", 0.8}},
	FieldBuyerHandle: {{"买家昵称", 1}, {"买家", 0.9}, {"昵称", 0.9}, {"会员名", 0.9}, {"用户名", 0.85}, {"客户账号", 0.9},
		{"客户", 0.8}, {"顾客", 0.8}, {"buyer", 0.9}, {"buyer name", 1}, {"customer", 0.85}, {"customer name", 1},
		{"nickname", 0.9}, {"username", 0.85}},
	FieldBuyerContact: {{"联系方式", 1}, {"联系电话", 1}, {"手机", 0.9}, {"电话", 0.9}, {"邮箱", 0.9}, {"email", 0.95},
		{"e-mail", 0.95}, {"phone", 0.9}, {"contact", 0.9}},
	FieldOrderAmount: {{"实付款", 1}, {"实付金额", 1}, {"订单金额", 1}, {"实付", 0.95}, {"金额", 0.85}, {"总金额", 0.9},
		{"付款金额", 0.95}, {"amount", 0.85}, {"total", 0.85}, {"order total", 1}, {"order amount", 1}, {"price", 0.6},
		{"价格", 0.6}},
	FieldOrderCurrency: {{"币种", 1}, {"货币", 1}, {"currency", 1}, {"currency code", 1}},
	FieldReviewRating: {{"评分", 1}, {"评价等级", 1}, {"评价结果", 1}, {"星级", 1}, {"评级", 0.9}, {"rating", 1},
		{"stars", 1}, {"star rating", 1}, {"score", 0.8}},
	FieldReviewText: {{"评价内容", 1}, {"评价", 0.9}, {"评论", 0.9}, {"评论内容", 1}, {"review", 0.9}, {"review text", 1},
		{"comment", 0.6}},
	FieldReviewPostedAt: {{"评价时间", 1}, {"评论时间", 1}, {"review date", 1}, {"reviewed at", 1}, {"review time", 1}},
	FieldFollowUpText:   {{"追评内容", 1}, {"追评", 1}, {"追加评论", 1}, {"follow up review", 1}, {"follow up", 0.8}},
	FieldFollowUpAt:     {{"追评时间", 1}, {"追加评论时间", 1}, {"follow up date", 1}},
	FieldReviewURL:      {{"评价链接", 1}, {"review url", 1}, {"review link", 1}, {"link", 0.6}, {"url", 0.6}},
	FieldReviewStatus:   {{"评价状态", 1}, {"review status", 1}},
	FieldSummary: {{"问题描述", 1}, {"描述", 0.85}, {"说明", 0.8}, {"备注", 0.8}, {"留言", 0.8}, {"内容", 0.6},
		{"description", 0.9}, {"notes", 0.85}, {"note", 0.8}, {"details", 0.8}, {"summary", 1}, {"customer comments", 0.95},
		{"comments", 0.7}, {"message", 0.7}},
	FieldReason:      {{"原因", 0.95}, {"申请原因", 1}, {"退款原因", 1}, {"售后原因", 1}, {"reason", 0.95}, {"return reason", 1}},
	FieldRequestType: {{"售后类型", 1}, {"服务类型", 1}, {"退款类型", 1}, {"申请类型", 1}, {"request type", 1}, {"return type", 1}},
	FieldKind: {{"类型", 0.85}, {"问题类型", 0.95}, {"案件类型", 1}, {"工单类型", 0.95}, {"type", 0.8}, {"kind", 1},
		{"case type", 1}, {"issue type", 1}, {"category", 0.7}},
	FieldPlatform: {{"平台", 1}, {"来源平台", 1}, {"销售平台", 1}, {"渠道", 0.8}, {"platform", 1}, {"marketplace", 1},
		{"channel", 0.8}},
	FieldShop: {{"店铺", 1}, {"店铺名称", 1}, {"店铺名", 1}, {"商家", 0.8}, {"shop", 1}, {"store", 1}, {"shop name", 1},
		{"store name", 1}, {"seller", 0.7}},
	FieldSeverity: {{"优先级", 1}, {"紧急程度", 1}, {"严重程度", 1}, {"severity", 1}, {"priority", 1}, {"urgency", 1}},
	FieldOpenedAt: {{"申请时间", 1}, {"创建时间", 0.9}, {"时间", 0.7}, {"日期", 0.7}, {"created", 0.85}, {"created at", 0.9},
		{"date", 0.7}, {"opened", 0.9}, {"request date", 1}},
	FieldPlatformDueAt: {{"超时时间", 1}, {"截止时间", 1}, {"处理时限", 1}, {"到期时间", 1}, {"deadline", 1}, {"due", 0.85},
		{"due at", 1}, {"respond by", 1}},
	FieldItem: {{"商品名称", 1}, {"商品", 0.85}, {"宝贝名称", 1}, {"宝贝", 0.85}, {"product", 0.85}, {"item", 0.8},
		{"product name", 1}, {"item name", 1}, {"title", 0.6}},
	FieldItemRef:      {{"商品id", 1}, {"宝贝id", 1}, {"商品编码", 0.9}, {"sku", 1}, {"asin", 1}},
	FieldStatus:       {{"状态", 0.8}, {"售后状态", 1}, {"处理状态", 1}, {"status", 0.85}},
	FieldRefundAmount: {{"退款金额", 1}, {"申请金额", 1}, {"退款", 0.8}, {"refund", 0.85}, {"refund amount", 1}, {"refunded amount", 1}},
	FieldEscalated:    {{"平台介入", 1}, {"客服介入", 1}, {"介入", 0.9}, {"a-to-z", 1}, {"escalated", 1}, {"chargeback", 0.9}},
}

// synonyms are the header words of a field: its own name, the names the
// profiles give it, and the generic words.
func synonyms(f Field) []synonym {
	out := []synonym{{string(f), 1}}
	for _, p := range profiles {
		for _, n := range p.Columns[f] {
			out = append(out, synonym{n, 0.95})
		}
	}
	return append(out, suggestWords[f]...)
}

// columnScore is how well a header cell names a field: the weight of a
// synonym it equals, or less when it only contains one.
func columnScore(f Field, key string) float64 {
	best := 0.0
	for _, s := range synonyms(f) {
		sk := headerKey(s.text)
		score := 0.0
		switch {
		case sk == "":
		case key == sk:
			score = s.weight
		case utf8.RuneCountInString(sk) >= 2 && (!isASCII(sk) || len(sk) >= 4) && strings.Contains(key, sk):
			score = s.weight * (0.5 + 0.4*float64(utf8.RuneCountInString(sk))/float64(utf8.RuneCountInString(key)))
		}
		best = max(best, score)
	}
	return best
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// minConfidence is the score below which Suggest proposes no column.
const minConfidence = 0.5

// Suggest proposes a mapping for a header. A header Redress recognises gets
// its profile's mapping (confidence 1). Any other gets, for each field, the
// column whose name best matches the field's Chinese and English words,
// each column used once; when no column names the external id, the order
// number stands in for it. Confidence says how sure each proposal is.
func Suggest(header []string) Mapping {
	if p, ok := Recognise(header); ok {
		return p.Mapping(header)
	}
	type cand struct {
		field Field
		col   int
		score float64
	}
	var cs []cand
	for i, h := range header {
		key := headerKey(h)
		if key == "" {
			continue
		}
		for _, f := range Fields() {
			if s := columnScore(f, key); s >= minConfidence {
				cs = append(cs, cand{f, i, s})
			}
		}
	}
	order := map[Field]int{}
	for i, f := range Fields() {
		order[f] = i
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].score != cs[j].score {
			return cs[i].score > cs[j].score
		}
		return order[cs[i].field] < order[cs[j].field]
	})
	m := Mapping{Columns: map[Field]string{}, Fixed: map[Field]string{}, Confidence: map[Field]float64{}}
	usedCol := map[int]bool{}
	for _, c := range cs {
		if _, done := m.Columns[c.field]; done || usedCol[c.col] {
			continue
		}
		m.Columns[c.field] = clean(header[c.col])
		m.Confidence[c.field] = round2(c.score)
		usedCol[c.col] = true
	}
	if _, ok := m.Columns[FieldExternalID]; !ok {
		if col, ok := m.Columns[FieldOrderRef]; ok {
			m.Columns[FieldExternalID] = col
			m.Confidence[FieldExternalID] = round2(0.6 * m.Confidence[FieldOrderRef])
		}
	}
	return m
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

// Validate checks the mapping against a header: every field it names is a
// field, every column it names is in the header once, every fixed value is
// valid, and the required fields are there — external_id from a column;
// platform and shop from a column or a fixed value; kind from a column, a
// fixed value, or a column it can be told from (rating, reason, type).
func (m Mapping) Validate(header []string) error {
	_, err := m.columns(header, nil)
	return err
}

// columns validates the mapping and returns the column index of each
// field. extra are fixed values that come from elsewhere (Read's options).
func (m Mapping) columns(header []string, extra map[Field]string) (map[Field]int, error) {
	if m.Profile != "" {
		if _, ok := ProfileNamed(m.Profile); !ok {
			return nil, mappingError("mapping names profile %q; the profiles are %s", m.Profile, strings.Join(profileNames(), ", "))
		}
	}
	for _, f := range sortedFields(m.Fixed) {
		if err := checkFixed(f, m.Fixed[f]); err != nil {
			return nil, err
		}
	}
	keys := map[string][]int{}
	for i, h := range header {
		if k := headerKey(h); k != "" {
			keys[k] = append(keys[k], i)
		}
	}
	cols := map[Field]int{}
	for _, f := range sortedFields(m.Columns) {
		name := m.Columns[f]
		if !f.Valid() {
			return nil, mappingError("mapping names %q, which is not a field; the fields are %s", f, join(Fields()))
		}
		at := keys[headerKey(name)]
		switch {
		case strings.TrimSpace(name) == "":
			return nil, mappingError("mapping gives %s an empty column name", f)
		case len(at) == 0:
			return nil, &cases.Error{Code: cases.Invalid, Field: "columns", Message: fmt.Sprintf(
				"column %q (for %s) is not in the file; its columns are %s", name, f, strings.Join(nonEmpty(header), ", "))}
		case len(at) > 1:
			return nil, &cases.Error{Code: cases.Invalid, Field: "columns", Message: fmt.Sprintf(
				"column %q (for %s) appears %d times in the file; keep one", name, f, len(at))}
		}
		cols[f] = at[0]
	}
	has := func(f Field) bool {
		_, col := cols[f]
		return col || strings.TrimSpace(m.Fixed[f]) != "" || strings.TrimSpace(extra[f]) != ""
	}
	switch {
	case !hasCol(cols, FieldExternalID):
		return nil, requiredError(FieldExternalID, "the platform's id of the case, such as 售后单号, 服务单号 or the order number; it is what makes a second import of the same line change nothing")
	case !has(FieldPlatform):
		return nil, requiredError(FieldPlatform, "a platform column, or a fixed platform such as taobao")
	case !has(FieldShop):
		return nil, requiredError(FieldShop, "a shop column (店铺名称), or the shop the export comes from")
	case !has(FieldKind) && !hasCol(cols, FieldReviewRating) && !hasCol(cols, FieldReason) && !hasCol(cols, FieldRequestType):
		return nil, requiredError(FieldKind, "a kind column, a rating, reason or after-sales type column to tell it from, or a fixed kind such as bad_review")
	}
	return cols, nil
}

func hasCol(cols map[Field]int, f Field) bool { _, ok := cols[f]; return ok }

func requiredError(f Field, what string) error {
	return &cases.Error{Code: cases.Invalid, Field: "columns", Message: fmt.Sprintf("no column for %s: map %s", f, what)}
}

func mappingError(format string, args ...any) error {
	return &cases.Error{Code: cases.Invalid, Field: "mapping", Message: fmt.Sprintf(format, args...)}
}

func checkFixed(f Field, v string) error {
	if !f.Fixable() {
		return mappingError("%s cannot be fixed for every line; only platform, shop, kind, severity and order_currency can", f)
	}
	var err error
	switch f {
	case FieldPlatform:
		_, err = ParsePlatform(v)
	case FieldKind:
		_, err = ParseKind(v)
	case FieldSeverity:
		_, err = ParseSeverity(v)
	case FieldOrderCurrency:
		_, err = ParseCurrency(v)
	case FieldShop:
		if strings.TrimSpace(v) == "" {
			err = fmt.Errorf("shop is empty")
		} else {
			err = cases.CheckText("shop", v, cases.MaxShortText, true)
		}
	}
	if err != nil {
		return mappingError("fixed %s: %s", f, message(err))
	}
	return nil
}

// message is an error's text for a person: a domain error's message, or
// the error's own text.
func message(err error) string {
	var e *cases.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func sortedFields[V any](m map[Field]V) []Field {
	fs := make([]Field, 0, len(m))
	for f := range m {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i] < fs[j] })
	return fs
}

func nonEmpty(header []string) []string {
	var out []string
	for _, h := range header {
		if h = clean(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}
