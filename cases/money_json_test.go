package cases

import (
	"encoding/json"
	"testing"
	"time"
)

// TestHandWrittenJSONMatchesEncodingJSON holds the hand-written marshalers
// of Money and Remedy to what encoding/json writes for their plain shapes.
func TestHandWrittenJSONMatchesEncodingJSON(t *testing.T) {
	by := int64(42)
	at := time.Date(2026, 11, 30, 8, 15, 30, 123456000, time.FixedZone("CST", 8*3600))
	for _, m := range []Money{{Minor: 1250, Currency: "CNY"}, {Minor: 5, Currency: "USD"}, {Minor: 0, Currency: "EUR"},
		{Minor: 1200, Currency: "JPY"}, {Minor: 123456789, Currency: "KWD"}, {Minor: 7, Currency: ""}, {Minor: 3, Currency: `a"<b>`}} {
		got, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(moneyJSON{Amount: m.Amount(), Currency: m.Currency})
		if string(got) != string(want) {
			t.Errorf("%+v: %s, want %s", m, got, want)
		}
		for _, r := range []Remedy{{Type: "partial_refund", Amount: m}, {Type: "refund", Amount: m, ApprovedBy: &by, ApprovedAt: &at}} {
			got, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(remedyJSON{Type: r.Type, Amount: r.Amount.Amount(), Currency: r.Amount.Currency,
				ApprovedBy: r.ApprovedBy, ApprovedAt: r.ApprovedAt})
			if string(got) != string(want) {
				t.Errorf("%+v: %s, want %s", r, got, want)
			}
		}
	}
	if got := (Money{Minor: 1205, Currency: "CNY"}).Amount(); got != "12.05" {
		t.Errorf("12.05 CNY reads %q", got)
	}
	if got := (Money{Minor: 123456789, Currency: "KWD"}).Amount(); got != "123456.789" {
		t.Errorf("KWD has three decimals: %q", got)
	}
}
