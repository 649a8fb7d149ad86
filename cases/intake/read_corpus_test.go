package intake

import (
	"errors"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"redress/cases"
)

var (
	cst = time.FixedZone("CST", 8*3600)
	la  = time.FixedZone("PST", -8*3600)
)

func readFile(t *testing.T, name string, opts Options) Batch {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := Read(f, opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

// row returns the row of an external id, failing the test when there is none.
func row(t *testing.T, b Batch, id string) Row {
	t.Helper()
	for _, r := range b.Rows {
		if r.Key.ExternalID == id {
			return r
		}
	}
	t.Fatalf("no row %q among %d rows", id, len(b.Rows))
	return Row{}
}

func at(y int, mo time.Month, d, h, mi, s int, loc *time.Location) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, loc)
}

// expect is what a corpus file must give.
type expect struct {
	profile    string
	headerLine int
	rows       int
	updateOnly int
	errors     map[int][]string // line → fields at fault
	warnings   int
	ignored    []string
	kinds      map[string]cases.Kind // external id → kind ("" for update-only)
}

func checkBatch(t *testing.T, b Batch, e expect) {
	t.Helper()
	if b.Profile != e.profile {
		t.Errorf("profile %q, want %q", b.Profile, e.profile)
	}
	if e.headerLine == 0 {
		e.headerLine = 1
	}
	if b.HeaderLine != e.headerLine {
		t.Errorf("header on line %d, want %d", b.HeaderLine, e.headerLine)
	}
	upd := 0
	for _, r := range b.Rows {
		if r.UpdateOnly {
			upd++
			if r.Note == "" || r.Case.Kind != "" {
				t.Errorf("line %d: update-only row with kind %q and note %q", r.Line, r.Case.Kind, r.Note)
			}
			continue
		}
		if _, err := r.Case.Case(); err != nil {
			t.Errorf("line %d: the row's case does not validate: %v", r.Line, err)
		}
		if r.Key != (Key{r.Case.Platform, r.Case.ExternalID}) {
			t.Errorf("line %d: key %v does not match the case", r.Line, r.Key)
		}
	}
	if len(b.Rows) != e.rows || upd != e.updateOnly {
		t.Errorf("%d rows (%d update-only), want %d (%d)", len(b.Rows), upd, e.rows, e.updateOnly)
	}
	got := map[int][]string{}
	for _, er := range b.Errors {
		got[er.Line] = append(got[er.Line], er.Field)
		if er.Detail == "" {
			t.Errorf("line %d: an error without detail", er.Line)
		}
	}
	for _, fs := range got {
		sort.Strings(fs)
	}
	for _, fs := range e.errors {
		sort.Strings(fs)
	}
	if e.errors == nil {
		e.errors = map[int][]string{}
	}
	if !reflect.DeepEqual(got, e.errors) {
		t.Errorf("errors %v, want %v\n%+v", got, e.errors, b.Errors)
	}
	if len(b.Warnings) != e.warnings {
		t.Errorf("%d warnings, want %d: %+v", len(b.Warnings), e.warnings, b.Warnings)
	}
	if e.ignored == nil {
		e.ignored = []string{}
	}
	if !reflect.DeepEqual(b.Ignored, e.ignored) {
		t.Errorf("ignored %q, want %q", b.Ignored, e.ignored)
	}
	for id, k := range e.kinds {
		if r := row(t, b, id); r.Case.Kind != k {
			t.Errorf("%s: kind %q, want %q", id, r.Case.Kind, k)
		}
	}
}

func TestReadTaobaoReviews(t *testing.T) {
	b := readFile(t, "taobao-reviews.csv", Options{}) // UTF-8 with BOM, CRLF, like Excel's "CSV UTF-8"
	checkBatch(t, b, expect{
		profile: "taobao-reviews", rows: 18, updateOnly: 6, ignored: []string{"解释内容", "是否有图"},
		kinds: map[string]cases.Kind{
			"3951207746128530421/712345678901": "bad_review", "3951207746128530422/712345678901": "",
			"3951209983310022187/712345678902": "medium_review", "3951211120045586310/712345678903": "bad_review",
			"3951213378865540019/712345678901": "bad_review", "3951213378865540019/712345678904": "",
			"3951215501238877650/712345678902": "medium_review", "3951216645003321873/712345678903": "",
			"3951217789123456001/712345678901": "bad_review", "3951218802255667102/712345678905": "bad_review",
			"3951219910034455203/712345678904": "medium_review", "3951226689902233900/712345678901": "medium_review",
		},
	})
	t.Run("BadReview", func(t *testing.T) {
		r := row(t, b, "3951207746128530421/712345678901")
		c := r.Case
		if c.Platform != "taobao" || c.Shop != "暖居家居旗舰店" || c.OrderRef != "3951207746128530421" || c.BuyerHandle != "t**9" ||
			c.OrderValue == nil || *c.OrderValue != (cases.MoneyInput{Amount: "89.00", Currency: "CNY"}) || c.Summary != "保温杯 500ml 316不锈钢 星空蓝" {
			t.Fatalf("%+v", c)
		}
		if c.Review == nil || *c.Review.Rating != 1 || c.Review.Text != "杯子收到就是破损的，瓶口有裂缝，很失望" ||
			!c.Review.PostedAt.Equal(at(2026, 11, 20, 16, 10, 0, cst)) {
			t.Fatalf("review %+v", c.Review)
		}
		if r.Review == nil || r.Review.FollowUpText != "" || r.Review.Removed {
			t.Fatalf("snapshot %+v", r.Review)
		}
	})
	t.Run("MediumReviewWithFollowUp", func(t *testing.T) {
		r := row(t, b, "3951209983310022187/712345678902")
		if *r.Case.OrderValue != (cases.MoneyInput{Amount: "59.90", Currency: "CNY"}) || *r.Review.Rating != 3 ||
			r.Review.FollowUpText != "后来客服主动联系了，态度不错" || !r.Review.FollowUpAt.Equal(at(2026, 11, 22, 10, 30, 0, cst)) {
			t.Fatalf("%+v %+v", r.Case, r.Review)
		}
	})
	t.Run("MoneyWritings", func(t *testing.T) {
		for id, want := range map[string]string{"3951211120045586310/712345678903": "128.00", "3951218802255667102/712345678905": "1299.00",
			"3951219910034455203/712345678904": "19.90"} {
			if v := row(t, b, id).Case.OrderValue; v == nil || v.Amount != want || v.Currency != "CNY" {
				t.Errorf("%s: %+v, want %s CNY", id, v, want)
			}
		}
	})
	t.Run("MultiLineTextKeepsLineNumbers", func(t *testing.T) {
		r := row(t, b, "3951217789123456001/712345678901")
		if r.Line != 10 || r.Case.Review.Text != "第一天用就漏水\n盖子根本拧不紧，退货还要自己出运费？" {
			t.Fatalf("line %d text %q", r.Line, r.Case.Review.Text)
		}
		if next := row(t, b, "3951218802255667102/712345678905"); next.Line != 12 {
			t.Fatalf("the line after a two-line cell is %d, want 12", next.Line)
		}
	})
	t.Run("PositiveReviewCreatesNoCase", func(t *testing.T) {
		r := row(t, b, "3951213378865540019/712345678904")
		if !r.UpdateOnly || *r.Review.Rating != 5 || r.Case.OrderRef != "3951213378865540019" {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("RefusesAnotherPlatform", func(t *testing.T) {
		f, _ := os.Open("testdata/taobao-reviews.csv")
		defer f.Close()
		_, err := Read(f, Options{Platform: "jd"})
		if e := asCasesError(err); e == nil || e.Field != "platform" || !strings.Contains(e.Message, "Taobao") {
			t.Fatalf("a Taobao export read as JD's: %v", err)
		}
	})
	t.Run("TmallByOption", func(t *testing.T) {
		b := readFile(t, "taobao-reviews.csv", Options{Platform: "tmall"})
		for _, r := range b.Rows {
			if r.Key.Platform != "tmall" || r.Case.Platform != "tmall" {
				t.Fatalf("line %d: platform %q", r.Line, r.Key.Platform)
			}
		}
	})
}

func TestReadTaobaoReexportDetectsReviewChanges(t *testing.T) {
	first := readFile(t, "taobao-reviews.csv", Options{})
	again := readFile(t, "taobao-reviews-reexport.csv", Options{})
	checkBatch(t, again, expect{profile: "taobao-reviews", rows: 5, updateOnly: 1})
	want := map[string]map[string][2]any{
		"3951207746128530421/712345678901": {"follow_up_text": {"", "客服很快补发了新杯子，这次完好"}},
		"3951209983310022187/712345678902": {"rating": {3, 5}},
		"3951211120045586310/712345678903": {"removed": {false, true}},
		"3951215501238877650/712345678902": {},
		"3951218802255667102/712345678905": {"text": {"用了三天就坏了，不出水，客服让我自己寄回去修", "用了三天就坏了，不出水。"}},
	}
	for id, w := range want {
		old, now := row(t, first, id), row(t, again, id)
		if got := old.Review.Diff(*now.Review); !reflect.DeepEqual(got, w) {
			t.Errorf("%s: diff %v, want %v", id, got, w)
		}
		if same := old.Review.Fingerprint() == now.Review.Fingerprint(); same != (len(w) == 0) {
			t.Errorf("%s: fingerprints equal %v with diff %v", id, same, w)
		}
	}
	if r := row(t, again, "3951209983310022187/712345678902"); !r.UpdateOnly {
		t.Error("an upgraded review (中评 → 好评) still reads as a case of its own")
	}
}

func TestReadExcelMangledIDs(t *testing.T) {
	b := readFile(t, "taobao-reviews-excel.csv", Options{})
	checkBatch(t, b, expect{profile: "taobao-reviews", rows: 1, warnings: 1, ignored: []string{"解释内容", "是否有图"},
		errors: map[int][]string{2: {"external_id"}, 3: {"external_id"}, 4: {"external_id"}, 5: {"external_id"}}})
	for _, e := range b.Errors {
		if e.Column != "订单编号" || !containsAll(e.Detail, "scientific notation", "Format Cells → Text", "From Text/CSV") {
			t.Errorf("line %d: %+v", e.Line, e)
		}
		if containsAll(e.Detail, "repeats") {
			t.Errorf("line %d: two mangled orders are reported as a repeat", e.Line)
		}
	}
	if w := b.Warnings[0]; w.Line != 6 || w.Field != "external_id" || !containsAll(w.Detail, "15th digit", "Text") {
		t.Errorf("warning %+v", w)
	}
}

func TestReadTaobaoRefunds(t *testing.T) {
	b := readFile(t, "taobao-refunds.csv", Options{})
	checkBatch(t, b, expect{profile: "taobao-refunds", rows: 4,
		ignored: []string{"支付宝交易号", "订单付款时间", "手工退款/系统退款", "是否需要退货", "货物状态"},
		kinds: map[string]cases.Kind{"148823301122334450": "damaged", "148823301122334451": "quality",
			"148823301122334452": "refund_dispute", "148823301122334453": "refund_dispute"}})
	r := row(t, b, "148823301122334451")
	if !r.Escalated || r.Case.Severity != "high" || r.Claimed == nil || r.Claimed.Amount != "30.00" ||
		r.Case.OrderValue.Amount != "59.90" || r.Status != "卖家拒绝退款" || r.Case.BuyerHandle != "清***风" {
		t.Fatalf("%+v", r)
	}
	if due := row(t, b, "148823301122334450").Case.PlatformDueAt; due == nil || !due.Equal(at(2026, 11, 27, 16, 10, 5, cst)) {
		t.Fatalf("platform deadline %v", due)
	}
	if r := row(t, b, "148823301122334450"); r.Escalated || r.Case.Severity != "" {
		t.Fatalf("未介入 reads as escalated: %+v", r)
	}
}

func TestReadJD(t *testing.T) {
	b := readFile(t, "jd-after-sales.csv", Options{})
	checkBatch(t, b, expect{profile: "jd-after-sales", headerLine: 2, rows: 8, ignored: []string{"处理人"},
		kinds: map[string]cases.Kind{"1782034561": "quality", "1782034562": "damaged", "1782034563": "wrong_item",
			"1782034564": "quality", "1782034565": "missing_item", "1782034566": prefer("return_refund", "refund_dispute"),
			"1782034567": "lost_parcel", "1782034568": "quality"}})
	r := row(t, b, "1782034561")
	if r.Case.Platform != "jd" || r.Case.OrderRef != "298765432101" || r.Case.BuyerHandle != "jd_4f9a2c" ||
		r.Case.BuyerContact != "138****5678" || r.Status != "待审核" || !r.OpenedAt.Equal(at(2026, 11, 20, 16, 10, 5, cst)) ||
		*r.Claimed != (cases.MoneyInput{Amount: "129.00", Currency: "CNY"}) || r.Case.Summary != "质量问题 — 烧水有塑料味，用了两天还是有 — 美的 电热水壶 1.7L" {
		t.Fatalf("%+v", r)
	}
	if r := row(t, b, "1782034568"); r.Claimed != nil || !r.OpenedAt.Equal(at(2026, 11, 23, 14, 0, 0, cst)) {
		t.Fatalf("a refund of \"-\" or a slashed date: %+v", r)
	}
}

func TestReadPinduoduo(t *testing.T) {
	b := readFile(t, "pdd-after-sales.csv", Options{})
	checkBatch(t, b, expect{profile: "pinduoduo-after-sales", rows: 6, errors: map[int][]string{8: {"order_ref"}},
		kinds: map[string]cases.Kind{"23112000012345": "lost_parcel", "23112000012346": "quality", "23112000012347": "missing_item",
			"23112000012348": "damaged", "23112000012349": prefer("refund_only", "refund_dispute"), "23112000012350": "quality"}})
	if r := row(t, b, "23112000012350"); *r.Claimed != (cases.MoneyInput{Amount: "59.00", Currency: "CNY"}) || r.Case.OrderValue.Amount != "59.00" {
		t.Fatalf("full-width amount: %+v", r.Claimed)
	}
	if r := row(t, b, "23112000012347"); r.Claimed != nil {
		t.Fatalf("a zero claim (补寄) claims %+v", r.Claimed)
	}
}

func TestReadDouyin(t *testing.T) {
	b := readFile(t, "douyin-after-sales.csv", Options{})
	checkBatch(t, b, expect{profile: "douyin-after-sales", rows: 5, ignored: []string{"子订单编号", "达人昵称"},
		kinds: map[string]cases.Kind{"7301234567890123456": "damaged", "7301234567890123457": prefer("refund_only", "refund_dispute"),
			"7301234567890123458": "quality", "7301234567890123459": "wrong_item", "7301234567890123460": "logistics_query"}})
	r := row(t, b, "7301234567890123456")
	if r.Case.Platform != "douyin" || r.Case.OrderRef != "6938271234567890123" || !r.OpenedAt.Equal(at(2026, 11, 20, 16, 10, 5, cst)) ||
		r.Claimed.Amount != "39.90" || r.Case.BuyerHandle != "用户7712345" {
		t.Fatalf("%+v", r)
	}
}

func TestReadAmazonFBAReturnsTSV(t *testing.T) {
	b := readFile(t, "amazon-fba-returns.tsv", Options{Shop: "KeyCo US", Location: la})
	def := prefer("return_refund", "refund_dispute")
	checkBatch(t, b, expect{profile: "amazon-fba-returns", rows: 6,
		ignored: []string{"asin", "fnsku", "quantity", "fulfillment-center-id", "status", "license-plate-number"},
		kinds: map[string]cases.Kind{"113-4820156-7731409/KB-MECH-87": "quality", "112-9911234-5566778/MS-WL-01": def,
			"114-5550001-2223334/KB-MECH-87": "damaged", "114-5550001-2223334/MS-WL-01": "missing_item",
			"111-0001112-3334445/HUB-USBC-7": "quality", "113-7777888-9990001/KB-MECH-87": def}})
	r := row(t, b, "114-5550001-2223334/MS-WL-01")
	if r.Case.Platform != "amazon" || r.Case.Shop != "KeyCo US" || r.Case.OrderRef != "114-5550001-2223334" ||
		!r.OpenedAt.Equal(at(2026, 11, 21, 8, 3, 27, time.UTC)) || r.Case.Summary != "MISSING_PARTS — No USB receiver in the box — Wireless Mouse, Silent Click" {
		t.Fatalf("%+v", r)
	}
}

func TestReadAmazonReturns(t *testing.T) {
	b := readFile(t, "amazon-returns.csv", Options{Shop: "KeyCo US", Location: la})
	checkBatch(t, b, expect{profile: "amazon-returns", rows: 4,
		ignored: []string{"Order date", "Merchant RMA ID", "Label type", "Label cost", "Return carrier", "Tracking ID",
			"Label to be paid by", "Is prime", "Merchant SKU", "Return quantity", "In policy", "Resolution", "Invoice number",
			"Return delivery date", "Order quantity", "SafeT action reason", "SafeT claim id", "SafeT claim state",
			"SafeT claim creation time", "SafeT claim reimbursement amount", "Category"},
		kinds: map[string]cases.Kind{"DxYzAbCdERMA": "quality", "DkLmNoPqRRMA": "damaged", "DsTuVwXyZRMA": "lost_parcel",
			"DaBbCcDdEeRMA": prefer("return_refund", "refund_dispute")}})
	r := row(t, b, "DsTuVwXyZRMA")
	if !r.Escalated || r.Case.Severity != "high" || r.Case.OrderRef != "112-5556667-7778889" ||
		*r.Case.OrderValue != (cases.MoneyInput{Amount: "39.50", Currency: "USD"}) || !r.OpenedAt.Equal(at(2026, 11, 22, 0, 0, 0, la)) {
		t.Fatalf("A-to-z claim: %+v", r)
	}
	if r := row(t, b, "DxYzAbCdERMA"); r.Escalated || r.Claimed.Amount != "45.99" || r.Claimed.Currency != "USD" {
		t.Fatalf("%+v", r)
	}
	t.Run("NeedsAShop", func(t *testing.T) {
		f, _ := os.Open("testdata/amazon-returns.csv")
		defer f.Close()
		_, err := Read(f, Options{})
		if e := asCasesError(err); e == nil || e.Field != "columns" || !containsAll(e.Message, "shop") {
			t.Fatalf("an export without a shop column and no shop chosen: %v", err)
		}
	})
}

func TestReadShopifyOrders(t *testing.T) {
	b := readFile(t, "shopify-orders.csv", Options{Shop: "Hearth & Linen", Location: la})
	checkBatch(t, b, expect{profile: "shopify-orders", rows: 4, updateOnly: 2,
		ignored: []string{"Paid at", "Fulfilled at", "Accepts Marketing", "Subtotal", "Shipping", "Taxes", "Discount Code",
			"Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem price", "Cancelled at", "Id",
			"Tags", "Risk Level", "Source"},
		kinds: map[string]cases.Kind{"1001": "refund_dispute", "1002": "", "1003": "refund_dispute", "1004": ""}})
	r := row(t, b, "1001")
	if r.Case.OrderRef != "1001" || r.Case.BuyerContact != "ana.r@example.com" || r.Case.BuyerHandle != "Ana Ruiz" ||
		*r.Case.OrderValue != (cases.MoneyInput{Amount: "68.64", Currency: "USD"}) || r.Claimed.Amount != "68.64" ||
		r.Case.Summary != "Customer says the apron arrived torn at the seam — Linen Apron - Sage; Tea Towel Set" {
		t.Fatalf("%+v", r)
	}
	if r := row(t, b, "1004"); !r.UpdateOnly || r.Case.Kind != "" {
		t.Fatalf("a paid order with a note is a case: %+v", r)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func asCasesError(err error) *cases.Error {
	var e *cases.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
