package intake

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"redress/cases"
)

func TestSuggest(t *testing.T) {
	t.Run("ChineseERPExport", func(t *testing.T) {
		header := []string{"单号", "客户昵称", "实付金额", "评分", "评价内容", "评价时间", "平台", "店铺", "问题类型", "备注", "内部编码"}
		m := Suggest(header)
		want := map[Field]string{FieldExternalID: "单号", FieldBuyerHandle: "客户昵称", FieldOrderAmount: "实付金额",
			FieldReviewRating: "评分", FieldReviewText: "评价内容", FieldReviewPostedAt: "评价时间", FieldPlatform: "平台",
			FieldShop: "店铺", FieldKind: "问题类型", FieldSummary: "备注"}
		if !reflect.DeepEqual(m.Columns, want) {
			t.Fatalf("columns\n got %v\nwant %v", m.Columns, want)
		}
		for f := range want {
			if c := m.Confidence[f]; c < minConfidence || c > 1 {
				t.Errorf("%s: confidence %v", f, c)
			}
		}
		if m.Confidence[FieldReviewRating] <= m.Confidence[FieldBuyerHandle] {
			t.Errorf("an exact name (评分 %v) is not surer than a partial one (客户昵称 %v)",
				m.Confidence[FieldReviewRating], m.Confidence[FieldBuyerHandle])
		}
		if err := m.Validate(header); err != nil {
			t.Fatalf("the suggestion does not validate: %v", err)
		}
	})
	t.Run("EnglishSheet", func(t *testing.T) {
		header := []string{"Order Number", "Customer", "Total", "Stars", "Review", "Date", "Store", "Marketplace"}
		m := Suggest(header)
		want := map[Field]string{FieldOrderRef: "Order Number", FieldExternalID: "Order Number", FieldBuyerHandle: "Customer",
			FieldOrderAmount: "Total", FieldReviewRating: "Stars", FieldReviewText: "Review", FieldOpenedAt: "Date",
			FieldShop: "Store", FieldPlatform: "Marketplace"}
		if !reflect.DeepEqual(m.Columns, want) {
			t.Fatalf("columns\n got %v\nwant %v", m.Columns, want)
		}
		if m.Confidence[FieldExternalID] >= m.Confidence[FieldOrderRef] {
			t.Errorf("the order number standing in for the external id is as sure as the order number itself")
		}
	})
	t.Run("RecognisedExport", func(t *testing.T) {
		m := Suggest(headerOf(t, "jd-after-sales.csv"))
		if m.Profile != "jd-after-sales" || m.Fixed[FieldPlatform] != "jd" || m.Columns[FieldExternalID] != "服务单号" || m.Confidence[FieldExternalID] != 1 {
			t.Fatalf("%+v", m)
		}
	})
	t.Run("NothingKnown", func(t *testing.T) {
		if m := Suggest([]string{"foo", "bar", ""}); len(m.Columns) != 0 {
			t.Fatalf("suggested %v", m.Columns)
		}
	})
}

func TestMappingJSON(t *testing.T) {
	in := `{"name":"erp","columns":{"external_id":"单号","buyer_handle":"客户","kind":"类型"},"fixed":{"platform":"taobao","shop":"旗舰店"}}`
	var m Mapping
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "erp" || m.Columns[FieldExternalID] != "单号" || m.Fixed[FieldPlatform] != "taobao" {
		t.Fatalf("%+v", m)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Mapping
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, m) {
		t.Fatalf("round trip: %s → %+v (%v)", out, back, err)
	}
	if err := m.Validate([]string{"单号", "客户", "类型", "备注"}); err != nil {
		t.Fatal(err)
	}
}

func TestMappingValidate(t *testing.T) {
	header := []string{"单号", "客户", "评分", "类型", "店铺", "重复", "重复"}
	ok := Mapping{Columns: map[Field]string{FieldExternalID: "单号", FieldShop: "店铺", FieldKind: "类型"}, Fixed: map[Field]string{FieldPlatform: "淘宝"}}
	if err := ok.Validate(header); err != nil {
		t.Fatalf("valid mapping refused: %v", err)
	}
	with := func(change func(*Mapping)) Mapping {
		m := Mapping{Columns: map[Field]string{}, Fixed: map[Field]string{}}
		for f, c := range ok.Columns {
			m.Columns[f] = c
		}
		for f, v := range ok.Fixed {
			m.Fixed[f] = v
		}
		change(&m)
		return m
	}
	refused := map[string]struct {
		m    Mapping
		want string
	}{
		"NoExternalID":   {with(func(m *Mapping) { delete(m.Columns, FieldExternalID) }), "external_id"},
		"NoPlatform":     {with(func(m *Mapping) { delete(m.Fixed, FieldPlatform) }), "platform"},
		"NoShop":         {with(func(m *Mapping) { delete(m.Columns, FieldShop) }), "shop"},
		"NoKind":         {with(func(m *Mapping) { delete(m.Columns, FieldKind) }), "kind"},
		"UnknownField":   {with(func(m *Mapping) { m.Columns["colour"] = "客户" }), "colour"},
		"ColumnNotThere": {with(func(m *Mapping) { m.Columns[FieldBuyerHandle] = "买家" }), `"买家"`},
		"ColumnTwice":    {with(func(m *Mapping) { m.Columns[FieldSummary] = "重复" }), "appears 2 times"},
		"EmptyColumn":    {with(func(m *Mapping) { m.Columns[FieldSummary] = " " }), "empty"},
		"BadPlatform":    {with(func(m *Mapping) { m.Fixed[FieldPlatform] = "tabao" }), "tabao"},
		"BadKind":        {with(func(m *Mapping) { m.Fixed[FieldKind] = "weird" }), "weird"},
		"BadCurrency":    {with(func(m *Mapping) { m.Fixed[FieldOrderCurrency] = "XXY" }), "XXY"},
		"NotFixable":     {with(func(m *Mapping) { m.Fixed[FieldReviewText] = "差" }), "review_text"},
		"UnknownProfile": {with(func(m *Mapping) { m.Profile = "ebay" }), "ebay"},
	}
	for name, c := range refused {
		t.Run(name, func(t *testing.T) {
			err := c.m.Validate(header)
			var e *cases.Error
			if !errors.As(err, &e) || e.Code != cases.Invalid || !strings.Contains(e.Message, c.want) {
				t.Fatalf("got %v; want an Invalid error naming %s", err, c.want)
			}
		})
	}
	t.Run("KindFromRating", func(t *testing.T) {
		m := with(func(m *Mapping) { delete(m.Columns, FieldKind); m.Columns[FieldReviewRating] = "评分" })
		if err := m.Validate(header); err != nil {
			t.Fatalf("a rating column tells the kind: %v", err)
		}
	})
	t.Run("FixedKind", func(t *testing.T) {
		m := with(func(m *Mapping) { delete(m.Columns, FieldKind); m.Fixed[FieldKind] = "差评" })
		if err := m.Validate(header); err != nil {
			t.Fatalf("a fixed kind in words: %v", err)
		}
	})
}
