package intake

import (
	"strings"
	"testing"
	"time"

	"redress/cases"
)

func TestParseRating(t *testing.T) {
	good := map[string]Rating{
		"好评": {5, GradeGood}, "中评": {3, GradeMedium}, "差评": {1, GradeBad}, " 差评 ": {1, GradeBad},
		"positive": {5, GradeGood}, "Neutral": {3, GradeMedium}, "NEGATIVE": {1, GradeBad},
		"5": {5, GradeGood}, "4": {4, GradeGood}, "3": {3, GradeMedium}, "2": {2, GradeBad}, "1": {1, GradeBad},
		"４": {4, GradeGood}, "4.0": {4, GradeGood}, "5星": {5, GradeGood}, "5 星": {5, GradeGood}, "五星": {5, GradeGood},
		"一星": {1, GradeBad}, "三颗星": {3, GradeMedium}, "2分": {2, GradeBad},
		"★★★★☆": {4, GradeGood}, "★☆☆☆☆": {1, GradeBad}, "★★★": {3, GradeMedium}, "⭐⭐": {2, GradeBad},
		"1 star": {1, GradeBad}, "2 stars": {2, GradeBad}, "4/5": {4, GradeGood}, "3 out of 5": {3, GradeMedium},
		"4.0 out of 5 stars": {4, GradeGood},
	}
	for in, want := range good {
		got, err := ParseRating(in)
		if err != nil || got != want {
			t.Errorf("ParseRating(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "6", "10", "4.5", "-1", "☆☆☆☆☆", "★★★★★★", "great", "六星", "5/10", "3.82746E+15", "好评差评"} {
		if got, err := ParseRating(in); err == nil {
			t.Errorf("ParseRating(%q) = %+v; want an error", in, got)
		}
	}
	t.Run("KindOfGrade", func(t *testing.T) {
		for in, want := range map[string]cases.Kind{"差评": "bad_review", "2": "bad_review", "中评": "medium_review", "★★★☆☆": "medium_review", "好评": "", "4 stars": ""} {
			r, _ := ParseRating(in)
			if r.Kind() != want {
				t.Errorf("%q: kind %q, want %q", in, r.Kind(), want)
			}
			if want != "" && !want.Valid() {
				t.Errorf("kind %q is not one of cases.Kinds()", want)
			}
		}
	})
}

func TestParseMoney(t *testing.T) {
	good := []struct {
		in, cur, amount, currency string
	}{
		{"¥89.00", "", "89.00", "CNY"},
		{"￥89", "", "89", "CNY"},
		{"89.00元", "", "89.00", "CNY"},
		{"¥89.00元", "", "89.00", "CNY"},
		{"RMB 89", "", "89", "CNY"},
		{"rmb89.5", "", "89.5", "CNY"},
		{"89 人民币", "", "89", "CNY"},
		{"$12.50", "", "12.50", "USD"},
		{"US$12.50", "CAD", "12.50", "USD"},
		{"$12.50", "CAD", "12.50", "CAD"},
		{"USD 12.50", "", "12.50", "USD"},
		{"12.50 EUR", "USD", "12.50", "EUR"},
		{"€9.99", "", "9.99", "EUR"},
		{"£5", "", "5", "GBP"},
		{"1,299.00", "CNY", "1299.00", "CNY"},
		{"¥1,299.00", "", "1299.00", "CNY"},
		{"12,345,678.9", "USD", "12345678.9", "USD"},
		{"８９．００", "CNY", "89.00", "CNY"},
		{"￥８９", "", "89", "CNY"},
		{"89", "CNY", "89", "CNY"},
		{" 89.00 ", "CNY", "89.00", "CNY"},
		{"0", "CNY", "0", "CNY"},
		{"¥500", "JPY", "500", "JPY"},
		{"500.00", "JPY", "500", "JPY"}, // zeros past the currency's decimals say nothing
		{"89.", "CNY", "89", "CNY"},
	}
	for _, c := range good {
		got, err := ParseMoney(c.in, c.cur)
		if err != nil || got != (cases.MoneyInput{Amount: c.amount, Currency: c.currency}) {
			t.Errorf("ParseMoney(%q, %q) = %+v, %v; want %s %s", c.in, c.cur, got, err, c.amount, c.currency)
			continue
		}
		if _, err := got.Parse("order_value"); err != nil {
			t.Errorf("ParseMoney(%q) gave money the domain refuses: %v", c.in, err)
		}
	}
	bad := map[string]string{
		"":         "empty",
		"-5":       "negative",
		"-¥5":      "negative",
		"¥-5":      "negative",
		"(12.00)":  "negative",
		"89,00":    "decimal comma",
		"1.299,00": "decimal comma",
		"12,34":    "decimal comma",
		"abc":      "not a number",
		"12.5.0":   "not a number",
		"89.999":   "decimals",
		"¥":        "not a number",
		"1e5":      "not a number",
	}
	for in, want := range bad {
		if got, err := ParseMoney(in, "CNY"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMoney(%q) = %+v, %v; want an error saying %q", in, got, err, want)
		}
	}
	t.Run("NoCurrency", func(t *testing.T) {
		if _, err := ParseMoney("89.00", ""); err == nil || !strings.Contains(err.Error(), "currency") {
			t.Fatalf("an amount of no currency in a file of none: %v", err)
		}
	})
}

func TestParseCurrency(t *testing.T) {
	for in, want := range map[string]string{"CNY": "CNY", "usd": "USD", " eur ": "EUR", "RMB": "CNY", "人民币": "CNY", "元": "CNY", "美元": "USD", "ＵＳＤ": "USD"} {
		if got, err := ParseCurrency(in); err != nil || got != want {
			t.Errorf("ParseCurrency(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "XYZ", "dollars", "$"} {
		if got, err := ParseCurrency(in); err == nil {
			t.Errorf("ParseCurrency(%q) = %q; want an error", in, got)
		}
	}
}

func TestParseTime(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	want := time.Date(2026, 11, 20, 16, 10, 0, 0, sh)
	wantSec := want.Add(5 * time.Second)
	good := map[string]time.Time{
		"2026/11/20 16:10":             want,
		"2026/11/20 16:10:05":          wantSec,
		"2026-11-20 16:10":             want,
		"2026-11-20 16:10:05":          wantSec,
		"2026-11-20 16:10:05.000":      wantSec,
		"2026-11-20T16:10:05":          wantSec,
		"2026.11.20 16:10":             want,
		"2026年11月20日 16:10":            want,
		"2026年11月20日16:10":             want,
		"2026年11月20日 16时10分":           want,
		"2026年11月20日 16时10分05秒":        wantSec,
		"2026年11月20日 下午4:10":           want,
		"２０２６年１１月２０日　１６：１０":            want,
		"２０２６/１１/２０ １６:１０":             want,
		"11/20/2026 4:10 PM":           want,
		"11/20/2026 4:10:05 pm":        wantSec,
		"11/20/2026 16:10":             want,
		"20/11/2026 16:10":             want, // 20 cannot be a month
		"Nov 20, 2026 4:10 PM":         want,
		"2026-11-20T16:10:05+08:00":    wantSec,
		"2026-11-20T08:10:05Z":         wantSec,
		"2026-11-20 00:10:05 -0800":    wantSec,
		"2026-11-20 08:10:05 UTC":      wantSec,
		"Nov 20, 2026 12:10:05 AM PST": wantSec,
		"2026-11-20":                   time.Date(2026, 11, 20, 0, 0, 0, 0, sh),
		"2026/1/5":                     time.Date(2026, 1, 5, 0, 0, 0, 0, sh),
		"2026年1月5日":                    time.Date(2026, 1, 5, 0, 0, 0, 0, sh),
		"2026-11-20 上午9:05":            time.Date(2026, 11, 20, 9, 5, 0, 0, sh),
		"2026-11-20 下午12:30":           time.Date(2026, 11, 20, 12, 30, 0, 0, sh),
		"11/20/2026 12:00 AM":          time.Date(2026, 11, 20, 0, 0, 0, 0, sh),
	}
	for in, w := range good {
		got, err := ParseTime(in, sh)
		if err != nil || !got.Equal(w) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, w)
		}
	}
	t.Run("ZoneOfTheShop", func(t *testing.T) {
		la := time.FixedZone("PST", -8*3600)
		got, err := ParseTime("2026-11-20 16:10", la)
		if err != nil || !got.Equal(time.Date(2026, 11, 21, 0, 10, 0, 0, time.UTC)) {
			t.Fatalf("%v %v", got, err)
		}
	})
	t.Run("DayFirst", func(t *testing.T) {
		got, err := parseTime("03/04/2026", sh, true)
		if err != nil || got.Month() != time.April || got.Day() != 3 {
			t.Fatalf("day first: %v %v", got, err)
		}
		got, _ = ParseTime("03/04/2026", sh)
		if got.Month() != time.March || got.Day() != 4 {
			t.Fatalf("month first by default: %v", got)
		}
	})
	for _, in := range []string{"", "yesterday", "2026-13-01", "2026-02-30", "2026/11/20 25:00", "2026/11/20 16:61",
		"11/20/26", "20/13/2026", "13/13/2026 10:00", "2026-11-20 13:00 PM", "2026-11-20 16:10 CST", "2026-11-20 16:10 XYZT",
		"3.82746E+15", "46346.67", "20261120"} {
		if got, err := ParseTime(in, sh); err == nil {
			t.Errorf("ParseTime(%q) = %v; want an error", in, got)
		}
	}
}

func TestParseExcelSerial(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	got, ok := ParseExcelSerial("46346.6736111111", sh)
	if !ok || !got.Equal(time.Date(2026, 11, 20, 16, 10, 0, 0, sh)) {
		t.Fatalf("46346.6736… = %v %v; want 2026-11-20 16:10", got, ok)
	}
	if got, ok := ParseExcelSerial("46346", sh); !ok || !got.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, sh)) {
		t.Fatalf("46346 = %v %v", got, ok)
	}
	for _, in := range []string{"12", "1234", "99999", "3951207746128530421", "2026-11-20", "4.6E+4", ""} {
		if got, ok := ParseExcelSerial(in, sh); ok {
			t.Errorf("ParseExcelSerial(%q) = %v; want none", in, got)
		}
	}
}

func TestParseID(t *testing.T) {
	good := map[string]string{
		"3951207746128530421":    "3951207746128530421",
		" 3951207746128530421\t": "3951207746128530421",
		"'3951207746128530421":   "3951207746128530421",
		`="3951207746128530421"`: "3951207746128530421",
		"３９５１２０７７４６":             "3951207746",
		"231120-512345678901234": "231120-512345678901234",
		"113-4820156-7731409":    "113-4820156-7731409",
		"#1001":                  "#1001", // only Shopify's order names lose the #
		"DxYzAbCdERMA":           "DxYzAbCdERMA",
		"1e5x":                   "1e5x",
	}
	for in, want := range good {
		if got, err := ParseID(in); err != nil || got != want {
			t.Errorf("ParseID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"3.82746E+15", "3.82746e15", "3.82746E15", "3,82746E+15", "3E+18", "2.31123E+20", "＝\"3.8E+15\""} {
		_, err := ParseID(in)
		if err == nil {
			t.Errorf("ParseID(%q) accepted an id in scientific notation", in)
			continue
		}
		if !strings.Contains(err.Error(), "scientific notation") || !strings.Contains(err.Error(), "Format Cells → Text") ||
			!strings.Contains(err.Error(), "From Text/CSV") {
			t.Errorf("ParseID(%q): %v does not say how to keep Excel from rounding ids", in, err)
		}
	}
	if _, err := ParseID("12\x0034"); err == nil {
		t.Error("an id with a control character was accepted")
	}
	t.Run("LooksRounded", func(t *testing.T) {
		for in, want := range map[string]bool{"3951211120045590000": true, "395121112004559000": true, "3951211120045586310": false,
			"1234567890123400": false, "1000000000000000000": true, "231120-51234567890000": false} {
			if looksRounded(in) != want {
				t.Errorf("looksRounded(%q) = %v", in, !want)
			}
		}
	})
}

func TestKinds(t *testing.T) {
	refund := prefer("refund_only", "refund_dispute")
	ret := prefer("return_refund", "refund_dispute")
	reasons := map[string]cases.Kind{
		"商品破损": "damaged", "商品破损/包装破损": "damaged", "Item arrived damaged": "damaged", "DAMAGED_BY_CARRIER": "damaged",
		"少件/漏发": "missing_item", "MISSING_PARTS": "missing_item", "发错货": "wrong_item", "Wrong item was sent": "wrong_item",
		"未收到货": "lost_parcel", "Never received": "lost_parcel", "快递丢失": "lost_parcel",
		"物流一直未更新": "logistics_query", "MISSED_ESTIMATED_DELIVERY": "logistics_query",
		"质量问题": "quality", "与商品描述不符": "quality", "DEFECTIVE": "quality", "Item defective or doesn't work": "quality",
		"差评": "bad_review", "中评": "medium_review", "投诉": "complaint",
		"不想要了": "", "拍错了/多拍": "", "七天无理由退换货": "", "ORDERED_WRONG_ITEM": "", "UNWANTED_ITEM": "", "No longer needed": "",
		"": "", "其他": "",
	}
	for in, want := range reasons {
		if got := KindFromReason(in); got != want {
			t.Errorf("KindFromReason(%q) = %q, want %q", in, got, want)
		}
	}
	requests := map[string]cases.Kind{
		"仅退款": refund, "已发货仅退款": refund, "未发货仅退款": refund, "退货退款": ret, "退货": ret, "C-Returns": ret,
		"补寄": "missing_item", "维修": "quality", "换货": "complaint", "refunded": "refund_dispute",
		"partially_refunded": "refund_dispute", "paid": "", "pending": "", "": "",
	}
	for in, want := range requests {
		if got := KindFromRequest(in); got != want {
			t.Errorf("KindFromRequest(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]cases.Kind{"bad_review": "bad_review", "Lost Parcel": "lost_parcel", "差评": "bad_review",
		"破损": "damaged", "仅退款": refund, "refund_only": refund, "complaint": "complaint"} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"nonsense", "", "好评"} {
		if got, err := ParseKind(in); err == nil {
			t.Errorf("ParseKind(%q) = %q; want an error", in, got)
		}
	}
	for _, k := range append(append([]cases.Kind{}, refund, ret), KindFromRequest("补寄")) {
		if !k.Valid() {
			t.Errorf("kind %q is not one of cases.Kinds()", k)
		}
	}
}

func TestParsePlatformAndSeverity(t *testing.T) {
	for in, want := range map[string]cases.Platform{"taobao": "taobao", "淘宝": "taobao", "天猫": "tmall", "TMALL": "tmall", "京东": "jd",
		"拼多多": "pinduoduo", "PDD": "pinduoduo", "抖店": "douyin", "抖音": "douyin", "Amazon.de": "amazon", "亚马逊": "amazon",
		"Shopify": "shopify", "其他": "other"} {
		if got, err := ParsePlatform(in); err != nil || got != want {
			t.Errorf("ParsePlatform(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "ebay", "tabao"} {
		if _, err := ParsePlatform(in); err == nil {
			t.Errorf("ParsePlatform(%q) accepted", in)
		}
	}
	for in, want := range map[string]cases.Severity{"low": "low", "HIGH": "high", "紧急": "urgent", "普通": "normal", "高": "high"} {
		if got, err := ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseSeverity("extreme"); err == nil {
		t.Error("severity extreme accepted")
	}
}

func TestFlags(t *testing.T) {
	for in, want := range map[string]bool{"Y": true, "Yes": true, "是": true, "需要客服介入": true, "客服已经介入": true, "平台介入中": true,
		"N": false, "否": false, "": false, "未介入": false, "不需要客服介入": false, "maybe": false} {
		if escalated(in) != want {
			t.Errorf("escalated(%q) = %v", in, !want)
		}
	}
	for in, want := range map[string]bool{"已删除": true, "买家已删除": true, "已隐藏": true, "Removed": true, "deleted": true,
		"正常": false, "": false, "未删除": false, "visible": false, "not removed": false} {
		if removed(in) != want {
			t.Errorf("removed(%q) = %v", in, !want)
		}
	}
}
