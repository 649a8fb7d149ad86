package store

import (
	"reflect"
	"strings"
	"testing"
)

// The case queries scan by position, so caseColumns, caseRow's fields and
// dest must list the same columns in the same order.
func TestCaseRowScansEveryColumnInOrder(t *testing.T) {
	var cols []string
	for _, c := range strings.Split(caseColumns, ",") {
		c = strings.TrimSpace(c)
		if _, alias, ok := strings.Cut(c, " AS "); ok {
			c = alias
		}
		cols = append(cols, strings.TrimPrefix(c, "c."))
	}
	// The overdue expression holds no comma, so splitting on commas is safe.
	var r caseRow
	rt, rv := reflect.TypeOf(r), reflect.ValueOf(&r).Elem()
	dest := r.dest()
	if len(cols) != rt.NumField() || len(dest) != rt.NumField() {
		t.Fatalf("%d columns, %d fields, %d destinations", len(cols), rt.NumField(), len(dest))
	}
	for i := range rt.NumField() {
		if tag := rt.Field(i).Tag.Get("db"); tag != cols[i] {
			t.Errorf("field %d is %s (db:%q), column %d is %q", i, rt.Field(i).Name, tag, i, cols[i])
		}
		if dest[i] != rv.Field(i).Addr().Interface() {
			t.Errorf("destination %d is not field %s", i, rt.Field(i).Name)
		}
	}
}
