package intake

import (
	"maps"
	"regexp"
	"slices"
	"sort"

	"redress/cases"
)

// Profile describes one export format a platform produces: which header
// names carry which field, and how its lines are read. Profiles are data;
// adding an export is adding an entry to the table.
type Profile struct {
	Name     string         `json:"name"`  // stable identifier, as a mapping names it
	Title    string         `json:"title"` // what a shop calls the export
	Platform cases.Platform `json:"platform,omitempty"`
	// Columns lists the header names of each field, preferred first.
	Columns map[Field][]string `json:"columns"`
	// Require are the fields whose columns must all be found for a header
	// to be this export.
	Require []Field `json:"require"`
	// Marks are header names only this export is known to have; they settle
	// between exports whose columns are alike.
	Marks []string `json:"marks,omitempty"`
	// Fixed values apply to every line whose cell gives none.
	Fixed map[Field]string `json:"fixed,omitempty"`
	// DefaultKind is the kind of a line whose rating, reason and type say
	// nothing more (first known kind of the list).
	DefaultKind []cases.Kind `json:"default_kind,omitempty"`
	// KeyItem adds the item (product id, SKU) to the external id when the
	// external id is the order number: one order, several items, several
	// cases.
	KeyItem bool `json:"key_item,omitempty"`
	// OrderPattern is how this platform's order numbers look; it settles
	// between exports whose headers are alike, from the first lines.
	OrderPattern string `json:"order_pattern,omitempty"`
	// NotCases, when set, makes a line without an after-sales signal (an
	// order that was paid and not refunded) no case; it says why.
	NotCases string `json:"not_cases,omitempty"`
	// Continuation: a line with the same id as the line before it carries
	// another item of the same order (Shopify's one line per item).
	Continuation bool `json:"continuation,omitempty"`
}

// OwnProfile is the name of Redress's own columns (cases.ImportColumns).
const OwnProfile = "redress"

var profiles = []Profile{
	{
		Name: OwnProfile, Title: "Redress import template",
		Columns: func() map[Field][]string {
			m := map[Field][]string{}
			for _, f := range Fields() {
				m[f] = []string{string(f)}
			}
			return m
		}(),
		Require: []Field{FieldPlatform, FieldExternalID, FieldShop, FieldKind},
	},
	{
		Name: "taobao-reviews", Title: "Taobao/Tmall review management export (评价管理)", Platform: "taobao",
		Columns: map[Field][]string{
			FieldExternalID:     {"评价ID", "评价编号", "子订单编号", "子订单号", "订单编号", "订单号"},
			FieldOrderRef:       {"订单编号", "订单号", "主订单编号", "子订单编号"},
			FieldItem:           {"宝贝名称", "宝贝标题", "商品名称", "商品标题"},
			FieldItemRef:        {"宝贝ID", "商品ID", "宝贝编号"},
			FieldReviewText:     {"评价内容", "初评内容", "首次评价内容", "评论内容"},
			FieldReviewRating:   {"评价等级", "评价结果", "评价类型", "评分", "评价星级", "星级", "商品评分"},
			FieldReviewPostedAt: {"评价时间", "初评时间", "评论时间"},
			FieldFollowUpText:   {"追评内容", "追加评论", "追加评价内容", "追评"},
			FieldFollowUpAt:     {"追评时间", "追加评论时间", "追加评价时间"},
			FieldReviewStatus:   {"评价状态"},
			FieldReviewURL:      {"评价链接"},
			FieldBuyerHandle:    {"买家昵称", "会员名", "买家会员名", "买家", "评价人"},
			FieldOrderAmount:    {"实付款", "实付金额", "买家实际支付金额", "订单金额", "实付"},
			FieldShop:           {"店铺名称", "店铺", "店铺名"},
		},
		Require: []Field{FieldOrderRef, FieldReviewText, FieldReviewRating},
		Marks:   []string{"宝贝名称", "宝贝ID", "追评内容", "会员名"},
		KeyItem: true,
	},
	{
		Name: "taobao-refunds", Title: "Taobao/Tmall refund management export (退款管理)", Platform: "taobao",
		Columns: map[Field][]string{
			FieldExternalID:    {"退款编号", "退款单号"},
			FieldOrderRef:      {"订单编号", "订单号"},
			FieldBuyerHandle:   {"买家会员名称", "买家会员名", "买家昵称"},
			FieldOrderAmount:   {"买家实际支付金额", "实付金额", "订单金额"},
			FieldRefundAmount:  {"买家退款金额", "退款金额", "申请退款金额"},
			FieldOpenedAt:      {"退款的申请时间", "退款申请时间", "申请时间"},
			FieldPlatformDueAt: {"超时时间", "退款超时时间"},
			FieldStatus:        {"退款状态"},
			FieldReason:        {"买家退款原因", "退款原因"},
			FieldSummary:       {"买家退款说明", "退款说明"},
			FieldRequestType:   {"退款类型", "售后类型"},
			FieldEscalated:     {"客服介入状态", "是否小二介入", "小二介入状态"},
			FieldItem:          {"宝贝标题", "宝贝名称", "商品标题"},
			FieldShop:          {"店铺名称", "店铺"},
		},
		Require:     []Field{FieldExternalID, FieldOrderRef, FieldRefundAmount},
		Marks:       []string{"退款编号", "买家退款金额", "客服介入状态", "退款的申请时间"},
		DefaultKind: []cases.Kind{"refund_dispute"},
	},
	{
		Name: "jd-after-sales", Title: "JD after-sales and dispute export (售后服务单, 纠纷单)", Platform: "jd",
		Columns: map[Field][]string{
			FieldExternalID:    {"服务单号", "服务单编号", "售后服务单号", "纠纷单号", "投诉单号", "售后单号"},
			FieldOrderRef:      {"订单号", "订单编号"},
			FieldOpenedAt:      {"申请时间", "提交时间", "创建时间"},
			FieldSummary:       {"问题描述", "客户描述", "描述"},
			FieldBuyerHandle:   {"客户账号", "客户帐号", "用户账号", "用户名", "下单账号", "用户PIN"},
			FieldBuyerContact:  {"联系电话", "客户电话", "手机号"},
			FieldStatus:        {"审核状态", "服务单状态", "处理状态", "状态"},
			FieldRequestType:   {"售后类型", "服务类型", "申请类型", "纠纷类型"},
			FieldReason:        {"申请原因", "售后原因", "问题类型"},
			FieldItem:          {"商品名称"},
			FieldItemRef:       {"商品编号", "商品ID", "SKU"},
			FieldRefundAmount:  {"退款金额", "申请金额"},
			FieldOrderAmount:   {"订单金额", "实付金额"},
			FieldShop:          {"店铺名称", "店铺"},
			FieldPlatformDueAt: {"超时时间", "处理截止时间", "截止时间"},
			FieldEscalated:     {"是否平台介入", "平台介入"},
		},
		Require:     []Field{FieldExternalID, FieldOrderRef},
		Marks:       []string{"服务单号", "服务单编号", "客户账号", "审核状态"},
		DefaultKind: []cases.Kind{"complaint"},
	},
	{
		Name: "pinduoduo-after-sales", Title: "Pinduoduo after-sales export (售后工作台)", Platform: "pinduoduo",
		Columns: map[Field][]string{
			FieldExternalID:    {"售后编号", "售后单号", "售后单编号", "售后ID"},
			FieldOrderRef:      {"订单号", "订单编号"},
			FieldRequestType:   {"售后类型", "退款类型"},
			FieldRefundAmount:  {"申请金额", "退款金额", "申请退款金额"},
			FieldOrderAmount:   {"用户实付金额", "实付金额", "订单金额", "商品总价"},
			FieldReason:        {"申请原因", "售后原因", "退款原因"},
			FieldSummary:       {"问题描述", "退款说明", "申请说明", "买家留言"},
			FieldBuyerHandle:   {"买家昵称", "用户昵称", "用户名"},
			FieldOpenedAt:      {"申请时间", "创建时间"},
			FieldStatus:        {"售后状态", "退款状态"},
			FieldItem:          {"商品名称", "商品"},
			FieldItemRef:       {"商品ID"},
			FieldShop:          {"店铺名称", "店铺"},
			FieldPlatformDueAt: {"超时时间", "截止时间"},
			FieldEscalated:     {"平台介入", "是否平台介入"},
		},
		Require:      []Field{FieldExternalID, FieldOrderRef, FieldRequestType},
		Marks:        []string{"售后编号", "申请金额", "用户实付金额", "用户昵称"},
		OrderPattern: `^[0-9]{6}-[0-9]{12,18}$`,
		DefaultKind:  []cases.Kind{"refund_dispute"},
	},
	{
		Name: "douyin-after-sales", Title: "Douyin shop after-sales export (抖店 售后)", Platform: "douyin",
		Columns: map[Field][]string{
			FieldExternalID:    {"售后单号", "售后编号", "售后ID", "售后单ID"},
			FieldOrderRef:      {"订单编号", "主订单编号", "订单号", "主订单号", "子订单编号", "子订单号"},
			FieldRequestType:   {"售后类型"},
			FieldRefundAmount:  {"退款金额", "申请退款金额", "售后金额"},
			FieldOrderAmount:   {"订单金额", "订单应付金额", "实付金额", "支付金额"},
			FieldReason:        {"售后原因", "申请原因", "退款原因"},
			FieldSummary:       {"问题描述", "补充描述", "申请描述", "买家留言"},
			FieldBuyerHandle:   {"买家昵称", "用户昵称", "抖音昵称"},
			FieldOpenedAt:      {"申请时间", "售后申请时间"},
			FieldStatus:        {"售后状态"},
			FieldItem:          {"商品名称"},
			FieldItemRef:       {"商品ID"},
			FieldShop:          {"店铺名称", "店铺"},
			FieldPlatformDueAt: {"超时时间", "处理截止时间"},
			FieldEscalated:     {"平台介入", "是否平台介入", "客服介入"},
		},
		Require:      []Field{FieldExternalID, FieldOrderRef, FieldRequestType},
		Marks:        []string{"主订单编号", "子订单编号", "子订单号", "抖音昵称", "达人昵称"},
		OrderPattern: `^[0-9]{19}$`,
		DefaultKind:  []cases.Kind{"refund_dispute"},
	},
	{
		Name: "amazon-returns", Title: "Amazon Seller Central returns report", Platform: "amazon",
		Columns: map[Field][]string{
			FieldExternalID:    {"Amazon RMA ID", "RMA ID", "Order ID"},
			FieldOrderRef:      {"Order ID"},
			FieldOpenedAt:      {"Return request date"},
			FieldStatus:        {"Return request status"},
			FieldReason:        {"Return reason", "Reason"},
			FieldSummary:       {"Customer comments", "Buyer comments"},
			FieldItem:          {"Item Name", "Product Name"},
			FieldItemRef:       {"ASIN", "Merchant SKU"},
			FieldOrderAmount:   {"Order Amount"},
			FieldRefundAmount:  {"Refunded Amount", "Refund Amount"},
			FieldOrderCurrency: {"Currency code", "Currency"},
			FieldEscalated:     {"A-to-z claim", "A-to-z guarantee claim"},
			FieldBuyerContact:  {"Buyer email", "Customer email"},
			FieldRequestType:   {"Return type"},
		},
		Require:     []Field{FieldOrderRef, FieldOpenedAt, FieldReason},
		Marks:       []string{"Amazon RMA ID", "A-to-z claim", "Return request status", "In policy"},
		DefaultKind: []cases.Kind{"return_refund", "refund_dispute"},
		KeyItem:     true,
	},
	{
		Name: "amazon-fba-returns", Title: "Amazon FBA customer returns report", Platform: "amazon",
		Columns: map[Field][]string{
			FieldExternalID: {"order-id"},
			FieldOrderRef:   {"order-id"},
			FieldOpenedAt:   {"return-date"},
			FieldItemRef:    {"sku", "asin"},
			FieldItem:       {"product-name"},
			FieldReason:     {"reason"},
			FieldSummary:    {"customer-comments"},
			FieldStatus:     {"detailed-disposition", "status"},
		},
		Require:     []Field{FieldOrderRef, FieldOpenedAt, FieldReason},
		Marks:       []string{"detailed-disposition", "fnsku", "license-plate-number", "fulfillment-center-id"},
		DefaultKind: []cases.Kind{"return_refund", "refund_dispute"},
		KeyItem:     true,
	},
	{
		Name: "shopify-orders", Title: "Shopify orders export", Platform: "shopify",
		Columns: map[Field][]string{
			FieldExternalID:    {"Name"},
			FieldOrderRef:      {"Name"},
			FieldBuyerContact:  {"Email"},
			FieldBuyerHandle:   {"Billing Name", "Shipping Name"},
			FieldRequestType:   {"Financial Status"},
			FieldOrderAmount:   {"Total"},
			FieldOrderCurrency: {"Currency"},
			FieldRefundAmount:  {"Refunded Amount"},
			FieldSummary:       {"Notes"},
			FieldItem:          {"Lineitem name"},
			FieldItemRef:       {"Lineitem sku"},
			FieldStatus:        {"Fulfillment Status"},
		},
		Require:      []Field{FieldExternalID, FieldRequestType, FieldOrderAmount},
		Marks:        []string{"Lineitem name", "Fulfillment Status", "Paid at", "Accepts Marketing"},
		NotCases:     "the order was not refunded: the line updates a case of this order, and creates none",
		Continuation: true,
	},
}

// Profiles returns the export formats Redress recognises, its own first.
func Profiles() []Profile {
	out := make([]Profile, len(profiles))
	for i, p := range profiles {
		out[i] = p.clone()
	}
	return out
}

// ProfileNamed returns the profile called name.
func ProfileNamed(name string) (Profile, bool) {
	for _, p := range profiles {
		if p.Name == name {
			return p.clone(), true
		}
	}
	return Profile{}, false
}

// clone copies the profile's maps and lists, so that callers cannot change
// the table.
func (p Profile) clone() Profile {
	cols := make(map[Field][]string, len(p.Columns))
	for f, names := range p.Columns {
		cols[f] = slices.Clone(names)
	}
	p.Columns = cols
	p.Fixed = maps.Clone(p.Fixed)
	p.Require = slices.Clone(p.Require)
	p.Marks = slices.Clone(p.Marks)
	p.DefaultKind = slices.Clone(p.DefaultKind)
	return p
}

// Recognise names the export a header row belongs to. Redress's own
// columns are recognised first; among the native exports the one that
// finds the most of its columns wins, and a tie is no recognition (Read
// settles ties from the platform option or the order numbers).
func Recognise(header []string) (Profile, bool) {
	c := candidates(header)
	if len(c) == 0 || (len(c) > 1 && c[0].score == c[1].score) {
		return Profile{}, false
	}
	return c[0].profile.clone(), true
}

type candidate struct {
	profile Profile
	score   int
}

// candidates are the profiles whose required columns the header has, best
// first; Redress's own columns, when present, are the only candidate.
func candidates(header []string) []candidate {
	keys := headerKeys(header)
	var out []candidate
	for _, p := range profiles {
		cols := p.resolve(keys)
		if !p.requiredIn(cols) {
			continue
		}
		if p.Name == OwnProfile {
			return []candidate{{p, len(cols)}}
		}
		score := len(cols)
		for _, m := range p.Marks {
			if _, ok := keys[headerKey(m)]; ok {
				score += 3
			}
		}
		out = append(out, candidate{p, score})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

// headerKeys indexes a header by headerKey; a key that appears more than
// once keeps its first position (callers refuse the duplicate if they use
// it).
func headerKeys(header []string) map[string]int {
	keys := map[string]int{}
	for i, h := range header {
		k := headerKey(h)
		if _, dup := keys[k]; k != "" && !dup {
			keys[k] = i
		}
	}
	return keys
}

// resolve finds the column of each field: the first of its names the
// header has.
func (p Profile) resolve(keys map[string]int) map[Field]int {
	cols := map[Field]int{}
	for f, names := range p.Columns {
		for _, n := range names {
			if i, ok := keys[headerKey(n)]; ok {
				cols[f] = i
				break
			}
		}
	}
	return cols
}

func (p Profile) requiredIn(cols map[Field]int) bool {
	for _, f := range p.Require {
		if _, ok := cols[f]; !ok {
			return false
		}
	}
	return true
}

// Mapping returns the mapping the profile gives a header: the column of
// each field it finds, and its fixed values.
func (p Profile) Mapping(header []string) Mapping {
	m := Mapping{Profile: p.Name, Columns: map[Field]string{}, Fixed: map[Field]string{}, Confidence: map[Field]float64{}}
	for f, i := range p.resolve(headerKeys(header)) {
		m.Columns[f] = clean(header[i])
		m.Confidence[f] = 1
	}
	for f, v := range p.Fixed {
		m.Fixed[f] = v
	}
	if p.Platform != "" {
		m.Fixed[FieldPlatform] = string(p.Platform)
	}
	return m
}

// ordersLookLike reports whether the profile's order numbers look like
// these (all non-empty ones match its pattern).
func (p Profile) ordersLookLike(orders []string) bool {
	if p.OrderPattern == "" {
		return false
	}
	re := regexp.MustCompile(p.OrderPattern)
	n := 0
	for _, o := range orders {
		if o == "" {
			continue
		}
		if !re.MatchString(o) {
			return false
		}
		n++
	}
	return n > 0
}

func (p Profile) defaultKind() cases.Kind { return prefer(p.DefaultKind...) }

// profileNames are the names of the native exports' profiles.
func profileNames() []string {
	var names []string
	for _, p := range profiles {
		if p.Name != OwnProfile {
			names = append(names, p.Name)
		}
	}
	return names
}
