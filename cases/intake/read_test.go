package intake

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"redress/cases"
)

func read(t *testing.T, body string, opts Options) Batch {
	t.Helper()
	b, err := Read(strings.NewReader(body), opts)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return b
}

// ownCSV is the file today's importer test uses (cases/csv_import_test.go).
const ownCSV = "\xef\xbb\xbfplatform,external_id,shop,kind,order_amount,order_currency,review_rating,review_text,review_posted_at\n" +
	"taobao,TB-1,旗舰店,bad_review,59.90,CNY,1,\"杯子破损了, 很失望\",2026-11-20 10:00:00\n" +
	"jd,JD-1,京东店,lost_parcel,,,,,\n" +
	"taobao,TB-2,旗舰店,bad_review,59.90,CNY,6,差,\n" + // rating 6
	"taobao,TB-3,旗舰店,nonsense,,,,,\n" + // unknown kind
	"taobao,TB-1,旗舰店,bad_review,,,,,\n" + // repeats line 2
	"amazon,AZ-1,US store,refund_dispute,-5,USD,,,\n" + // negative money
	",,,,,,,,\n" // blank line

func TestReadOwnColumnsAsToday(t *testing.T) {
	b := read(t, ownCSV, Options{})
	checkBatch(t, b, expect{profile: OwnProfile, rows: 2,
		errors: map[int][]string{4: {"review_rating"}, 5: {"kind"}, 6: {"external_id"}, 7: {"order_amount"}},
		kinds:  map[string]cases.Kind{"TB-1": "bad_review", "JD-1": "lost_parcel"}})
	tb := row(t, b, "TB-1").Case
	if tb.Review == nil || tb.Review.PostedAt.UTC().Hour() != 2 || tb.Review.Text != "杯子破损了, 很失望" ||
		*tb.OrderValue != (cases.MoneyInput{Amount: "59.90", Currency: "CNY"}) {
		t.Fatalf("%+v", tb)
	}
	if e := b.Errors[2]; e.Line != 6 || e.Detail != "repeats line 2 (same platform and external_id); not imported twice" {
		t.Fatalf("%+v", e)
	}
	refused := map[string]struct{ body, field, says string }{
		"MissingColumn":   {"platform,shop,kind\ntaobao,s,damaged\n", "columns", `"external_id" is missing`},
		"DuplicateColumn": {"platform,external_id,shop,kind,shop\ntaobao,X,s,damaged,t\n", "columns", "appears 2 times"},
		"NotUTF8":         {"platform,external_id,shop,kind\ntaobao,X,\xb5\xea,damaged\n", "body", "line 2"},
		"Empty":           {"", "body", "empty"},
		"OnlyBOM":         {"\xef\xbb\xbf", "body", "empty"},
	}
	for name, c := range refused {
		t.Run("Refuses"+name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.body), Options{})
			e := asCasesError(err)
			if e == nil || e.Code != cases.Invalid || e.Field != c.field || !strings.Contains(e.Message, c.says) {
				t.Fatalf("got %v; want Invalid %s saying %q", err, c.field, c.says)
			}
		})
	}
}

func TestReadIgnoresAndListsUnknownColumns(t *testing.T) {
	b := read(t, "platform,external_id,colour,shop,kind,内部备注,\ntaobao,X,red,s,damaged,加急,\n", Options{})
	checkBatch(t, b, expect{profile: OwnProfile, rows: 1, ignored: []string{"colour", "内部备注"}})
	if c := row(t, b, "X").Case; c.Kind != "damaged" || c.Shop != "s" {
		t.Fatalf("%+v", c)
	}
}

func TestReadReportsEveryErrorOfALine(t *testing.T) {
	body := "platform,external_id,shop,kind,severity,order_amount,review_rating,review_posted_at,review_url,platform_due_at\n" +
		"ebay,,,weird,extreme,\"12,34\",9,yesterday,ftp://x,2026-02-30\n" +
		"taobao,OK-1,s,damaged,high,12.50,,,,\n"
	b := read(t, body, Options{})
	checkBatch(t, b, expect{profile: OwnProfile, rows: 1, errors: map[int][]string{2: {
		"platform", "external_id", "shop", "kind", "severity", "order_amount", "review_rating", "review_posted_at",
		"review_url", "platform_due_at"}}})
	for _, e := range b.Errors {
		if e.Column != e.Field {
			t.Errorf("%s: column %q; the own template names its columns after the fields", e.Field, e.Column)
		}
	}
}

func TestReadBOMAndCRLF(t *testing.T) {
	body := "\ufeff订单编号,评价等级,评价内容,店铺名称\r\n3951207746128530421,差评,\"坏了\r\n第二行\",旗舰店\r\n3951207746128530422,中评,一般,旗舰店\r\n"
	b := read(t, body, Options{})
	checkBatch(t, b, expect{profile: "taobao-reviews", rows: 2})
	r := row(t, b, "3951207746128530421")
	if r.Case.Shop != "旗舰店" || r.Line != 2 || !strings.HasPrefix(r.Case.Review.Text, "坏了") || !strings.Contains(r.Case.Review.Text, "第二行") {
		t.Fatalf("%+v", r)
	}
	if next := row(t, b, "3951207746128530422"); next.Line != 4 || strings.ContainsRune(next.Case.Shop, '\r') {
		t.Fatalf("line %d shop %q", next.Line, next.Case.Shop)
	}
	if b.Columns[FieldExternalID] != "订单编号" {
		t.Fatalf("the byte order mark stuck to the first column: %q", b.Columns)
	}
}

func TestReadExcelGuards(t *testing.T) {
	body := "订单编号,评价等级,评价内容,店铺名称\n" +
		`="3951207746128530421",差评,坏了,旗舰店` + "\n" +
		"'3951207746128530422,差评,坏了,旗舰店\n" +
		"3951207746128530423\t,差评,坏了,旗舰店\n" +
		`"=""3951207746128530424""",差评,坏了,旗舰店` + "\n"
	b := read(t, body, Options{})
	checkBatch(t, b, expect{profile: "taobao-reviews", rows: 4})
	for _, id := range []string{"3951207746128530421", "3951207746128530422", "3951207746128530423", "3951207746128530424"} {
		row(t, b, id)
	}
}

func TestReadBadCSVLine(t *testing.T) {
	body := "platform,external_id,shop,kind\ntaobao,A,s,damaged\ntaobao,\"B\"x,s,damaged\ntaobao,C,s,damaged\ntaobao,D,s\n" +
		"taobao,E,s,damaged,extra\ntaobao,F,s,damaged,,\n"
	b := read(t, body, Options{})
	checkBatch(t, b, expect{profile: OwnProfile, rows: 3, errors: map[int][]string{3: {""}, 5: {""}, 6: {""}}})
	if !strings.Contains(b.Errors[0].Detail, "not a CSV line") || !strings.Contains(b.Errors[1].Detail, "has 3 fields; the header has 4") {
		t.Fatalf("%+v", b.Errors)
	}
	row(t, b, "F") // trailing empty fields are a trailing delimiter, not data
}

func TestReadWithMapping(t *testing.T) {
	header := "单号,客户昵称,实付金额,评分,评价内容,评价时间,备注,内部编码\n"
	body := header +
		"ERP-001,小王,¥59.00,2,到货就坏了,2026年11月20日 16:10,已补发,X1\n" +
		"ERP-002,小李,88,★★★★★,很好,2026/11/21 09:00,,X2\n" +
		"ERP-003,小张,abc,7,还行,tomorrow,,X3\n"
	m := Suggest(strings.Split(strings.TrimSpace(header), ","))
	m.Fixed[FieldPlatform] = "pdd"
	if err := m.Validate(strings.Split(strings.TrimSpace(header), ",")); err == nil {
		t.Fatal("a mapping without a shop validates")
	}
	b := read(t, body, Options{Mapping: &m, Shop: "洁家日用专营店"})
	checkBatch(t, b, expect{profile: "", rows: 2, updateOnly: 1, ignored: []string{"内部编码"},
		errors: map[int][]string{4: {"order_amount", "review_rating", "review_posted_at"}},
		kinds:  map[string]cases.Kind{"ERP-001": "bad_review", "ERP-002": ""}})
	r := row(t, b, "ERP-001")
	if r.Case.Platform != "pinduoduo" || r.Case.Shop != "洁家日用专营店" || r.Case.OrderValue.Amount != "59.00" ||
		!r.Case.Review.PostedAt.Equal(at(2026, 11, 20, 16, 10, 0, cst)) || r.Case.Summary != "已补发" {
		t.Fatalf("%+v", r)
	}
	t.Run("MappingThatDoesNotFit", func(t *testing.T) {
		bad := Mapping{Columns: map[Field]string{FieldExternalID: "编号"}, Fixed: map[Field]string{FieldPlatform: "taobao", FieldShop: "s", FieldKind: "complaint"}}
		_, err := Read(strings.NewReader(body), Options{Mapping: &bad})
		if e := asCasesError(err); e == nil || e.Field != "columns" || !strings.Contains(e.Message, `"编号"`) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("FixedKind", func(t *testing.T) {
		fixed := Mapping{Columns: map[Field]string{FieldExternalID: "单号", FieldReviewRating: "评分"},
			Fixed: map[Field]string{FieldPlatform: "taobao", FieldShop: "s", FieldKind: "complaint"}}
		b := read(t, body, Options{Mapping: &fixed})
		if k := row(t, b, "ERP-002").Case.Kind; k != "complaint" {
			t.Fatalf("a fixed kind applies to every line: %q", k)
		}
	})
	t.Run("ProfileOfTheMapping", func(t *testing.T) {
		// A mapping saved from a Shopify file keeps Shopify's reading: the
		// # goes, later lines of an order are its items.
		body := "Order,Mail,Status,Sum,Item\n#1001,a@x.com,refunded,10.00,Apron\n#1001,,,,Towel\n"
		m := Mapping{Profile: "shopify-orders", Columns: map[Field]string{FieldExternalID: "Order", FieldBuyerContact: "Mail",
			FieldRequestType: "Status", FieldOrderAmount: "Sum", FieldItem: "Item"}, Fixed: map[Field]string{FieldPlatform: "shopify", FieldShop: "s"}}
		b := read(t, body, Options{Mapping: &m})
		checkBatch(t, b, expect{profile: "shopify-orders", rows: 1, kinds: map[string]cases.Kind{"1001": "refund_dispute"}})
		if s := row(t, b, "1001").Case.Summary; s != "Apron; Towel" {
			t.Fatalf("summary %q", s)
		}
	})
}

func TestReadUnrecognisedHeader(t *testing.T) {
	_, err := Read(strings.NewReader("订单导出 2026-11-20\n单号,客户,金额,评分\nA,b,1,2\n"), Options{})
	e := asCasesError(err)
	if e == nil || e.Field != "columns" || !strings.Contains(e.Message, "taobao-reviews") {
		t.Fatalf("%v", err)
	}
	m, ok := e.Extra["suggested_mapping"].(Mapping)
	if !ok || m.Columns[FieldExternalID] != "单号" || m.Columns[FieldReviewRating] != "评分" {
		t.Fatalf("suggested %+v", e.Extra)
	}
}

func TestReadAlikeExports(t *testing.T) {
	header := "售后单号,订单号,售后类型,退款金额,申请原因,买家昵称,申请时间\n"
	pddLines := "S1,231120-512345678901234,仅退款,12.90,未收到货,拼友,2026-11-20 16:10:05\n"
	dyLines := "S1,6938271234567890123,仅退款,12.90,未收到货,用户1,2026-11-20 16:10:05\n"
	opts := Options{Shop: "s"}
	if b := read(t, header+pddLines, opts); b.Profile != "pinduoduo-after-sales" || b.Rows[0].Key.Platform != "pinduoduo" {
		t.Fatalf("PDD order numbers: %q", b.Profile)
	}
	if b := read(t, header+dyLines, opts); b.Profile != "douyin-after-sales" {
		t.Fatalf("Douyin order numbers: %q", b.Profile)
	}
	_, err := Read(strings.NewReader(header+"S1,12345,仅退款,1,x,y,2026-11-20\n"), opts)
	if e := asCasesError(err); e == nil || e.Field != "platform" || !strings.Contains(e.Message, "Pinduoduo") || !strings.Contains(e.Message, "Douyin") {
		t.Fatalf("undecidable: %v", err)
	}
	opts.Platform = "douyin"
	if b := read(t, header+pddLines, opts); b.Profile != "douyin-after-sales" {
		t.Fatalf("the platform option decides: %q", b.Profile)
	}
}

func TestReadLimits(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("platform,external_id,shop,kind\n")
	for i := range 5 {
		fmt.Fprintf(&sb, "taobao,X%d,s,damaged\n", i)
	}
	b := read(t, sb.String(), Options{MaxLines: 3})
	if len(b.Rows) != 3 || len(b.Errors) != 1 || b.Errors[0].Line != 5 || !strings.Contains(b.Errors[0].Detail, "split the file") {
		t.Fatalf("%d rows, errors %+v", len(b.Rows), b.Errors)
	}
}

func TestReadDatesAndMoney(t *testing.T) {
	body := "platform,external_id,shop,kind,order_amount,order_currency,review_posted_at\n" +
		"taobao,A,s,bad_review,￥89,,46346.6736111111\n" + // Excel's day number in a date column
		"amazon,B,s,damaged,$12.50,,11/20/2026 4:10 PM\n" +
		"amazon,C,s,damaged,12.50,EUR,2026-11-20T16:10:05+08:00\n" +
		"amazon,D,s,damaged,¥12,USD,\n" + // the amount says CNY, the column USD
		"other,E,s,damaged,12,,\n" // a platform of no currency, and none given
	b := read(t, body, Options{Location: la})
	checkBatch(t, b, expect{profile: OwnProfile, rows: 3, errors: map[int][]string{5: {"order_amount"}, 6: {"order_amount"}}})
	if r := row(t, b, "A"); !r.Case.Review.PostedAt.Equal(at(2026, 11, 20, 16, 10, 0, la)) || r.Case.OrderValue.Currency != "CNY" {
		t.Fatalf("%+v", r.Case)
	}
	if r := row(t, b, "B"); !r.Case.Review.PostedAt.Equal(at(2026, 11, 20, 16, 10, 0, la)) || *r.Case.OrderValue != (cases.MoneyInput{Amount: "12.50", Currency: "USD"}) {
		t.Fatalf("%+v", r.Case)
	}
	if r := row(t, b, "C"); r.Case.OrderValue.Currency != "EUR" || !r.Case.Review.PostedAt.Equal(at(2026, 11, 20, 8, 10, 5, time.UTC)) {
		t.Fatalf("%+v", r.Case)
	}
}
