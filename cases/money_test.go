package cases

import "testing"

func TestParseMoney(t *testing.T) {
	ok := []struct {
		amount, cur, want string
		minor             int64
	}{
		{"12.50", "CNY", "12.50", 1250},
		{"12.5", "CNY", "12.50", 1250},
		{"0", "USD", "0.00", 0},
		{"1000", "JPY", "1000", 1000},
		{"1.234", "KWD", "1.234", 1234},
	}
	for _, c := range ok {
		m, err := ParseMoney("order_value", c.amount, c.cur)
		if err != nil {
			t.Fatalf("%s %s: %v", c.amount, c.cur, err)
		}
		if m.Minor != c.minor || m.Amount() != c.want {
			t.Errorf("%s %s: got %d %q, want %d %q", c.amount, c.cur, m.Minor, m.Amount(), c.minor, c.want)
		}
	}
	bad := []struct{ amount, cur, field string }{
		{"-1", "CNY", "order_value.amount"},
		{"1.234", "CNY", "order_value.amount"},
		{"1e3", "CNY", "order_value.amount"},
		{"", "CNY", "order_value.amount"},
		{"1.", "CNY", "order_value.amount"},
		{"12.5", "JPY", "order_value.amount"},
		{"99999999999999999", "CNY", "order_value.amount"},
		{"1", "XYZ", "order_value.currency"},
		{"1", "cny", "order_value.currency"},
	}
	for _, c := range bad {
		_, err := ParseMoney("order_value", c.amount, c.cur)
		var e *Error
		if err == nil || !asError(err, &e) || e.Field != c.field || e.Code != Invalid {
			t.Errorf("%q %q: got %v, want invalid %s", c.amount, c.cur, err, c.field)
		}
	}
}
