package intake

import (
	"bytes"
	"os"
	"testing"

	"redress/cases"
)

// headerOf returns the header row of a corpus file (after any title line).
func headerOf(t *testing.T, name string) []string {
	t.Helper()
	body, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	recs := records(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), 10)
	for _, r := range recs {
		if len(r.fields) > 3 {
			return r.fields
		}
	}
	t.Fatalf("%s has no header", name)
	return nil
}

func TestRecognise(t *testing.T) {
	corpus := map[string]string{
		"taobao-reviews.csv":          "taobao-reviews",
		"taobao-reviews-reexport.csv": "taobao-reviews",
		"taobao-refunds.csv":          "taobao-refunds",
		"jd-after-sales.csv":          "jd-after-sales",
		"pdd-after-sales.csv":         "pinduoduo-after-sales",
		"douyin-after-sales.csv":      "douyin-after-sales",
		"amazon-returns.csv":          "amazon-returns",
		"amazon-fba-returns.tsv":      "amazon-fba-returns",
		"shopify-orders.csv":          "shopify-orders",
	}
	for file, want := range corpus {
		t.Run(file, func(t *testing.T) {
			p, ok := Recognise(headerOf(t, file))
			if !ok || p.Name != want {
				t.Fatalf("recognised %q (%v), want %q", p.Name, ok, want)
			}
		})
	}
	t.Run("OwnColumns", func(t *testing.T) {
		header := []string{"platform", "external_id", "shop", "kind", "severity", "order_ref", "order_amount", "order_currency",
			"buyer_handle", "buyer_contact", "summary", "review_rating", "review_text", "review_posted_at", "review_url", "platform_due_at"}
		if p, ok := Recognise(header); !ok || p.Name != OwnProfile {
			t.Fatalf("own template recognised as %q %v", p.Name, ok)
		}
		if p, ok := Recognise([]string{"Platform", " External_ID ", "SHOP", "kind", "colour"}); !ok || p.Name != OwnProfile {
			t.Fatalf("own template with other spelling and an extra column: %q %v", p.Name, ok)
		}
	})
	t.Run("HeaderSpelling", func(t *testing.T) {
		// Full-width brackets, units and spacing do not hide a column.
		header := []string{"订单编号", "宝贝名称", "评价等级", "评价内容", "实付款（元）", " 追评内容 "}
		p, ok := Recognise(header)
		if !ok || p.Name != "taobao-reviews" {
			t.Fatalf("%q %v", p.Name, ok)
		}
		if m := p.Mapping(header); m.Columns[FieldOrderAmount] != "实付款（元）" || m.Columns[FieldFollowUpText] != "追评内容" {
			t.Fatalf("mapping %v", m.Columns)
		}
	})
	for name, header := range map[string][]string{
		"Unknown":           {"单号", "客户", "金额", "时间"},
		"Empty":             {},
		"OwnWithoutKind":    {"platform", "external_id", "shop"},
		"AlikeAfterSales":   {"售后单号", "订单号", "售后类型", "退款金额", "申请原因", "买家昵称", "申请时间"},
		"AmazonOrderIDOnly": {"order-id", "sku"},
	} {
		t.Run("Refuses"+name, func(t *testing.T) {
			if p, ok := Recognise(header); ok {
				t.Fatalf("recognised %q", p.Name)
			}
		})
	}
}

func TestProfilesAreConsistent(t *testing.T) {
	names := map[string]bool{}
	for _, p := range Profiles() {
		if names[p.Name] {
			t.Errorf("profile %q twice", p.Name)
		}
		names[p.Name] = true
		if p.Platform != "" && !p.Platform.Valid() {
			t.Errorf("%s: platform %q", p.Name, p.Platform)
		}
		if p.Name != OwnProfile && p.Platform == "" {
			t.Errorf("%s: a native export has a platform", p.Name)
		}
		for f, cols := range p.Columns {
			if !f.Valid() || len(cols) == 0 {
				t.Errorf("%s: field %q with columns %v", p.Name, f, cols)
			}
		}
		for _, f := range p.Require {
			if len(p.Columns[f]) == 0 {
				t.Errorf("%s: requires %s but names no column for it", p.Name, f)
			}
		}
		if p.Name != OwnProfile && len(p.Columns[FieldExternalID]) == 0 {
			t.Errorf("%s: no external id", p.Name)
		}
		if len(p.DefaultKind) > 0 && p.defaultKind() == "" {
			t.Errorf("%s: none of the default kinds %v is one of cases.Kinds()", p.Name, p.DefaultKind)
		}
		// A header made of the profile's first names and its marks is
		// recognised as it.
		var header []string
		for _, f := range Fields() {
			if cols := p.Columns[f]; len(cols) > 0 && !containsKey(header, cols[0]) {
				header = append(header, cols[0])
			}
		}
		for _, m := range p.Marks {
			if !containsKey(header, m) {
				header = append(header, m)
			}
		}
		if got, ok := Recognise(header); !ok || got.Name != p.Name {
			t.Errorf("%s: its own first names %v are recognised as %q (%v)", p.Name, header, got.Name, ok)
		}
	}
	if _, ok := ProfileNamed("nope"); ok {
		t.Error("ProfileNamed found a profile that does not exist")
	}
}

func containsKey(header []string, name string) bool {
	for _, h := range header {
		if headerKey(h) == headerKey(name) {
			return true
		}
	}
	return false
}

func TestSniffDelimiter(t *testing.T) {
	for body, want := range map[string]rune{
		"a,b,c\n1,2,3\n":        ',',
		"a\tb\tc\n1\t2, 3\t4\n": '\t',
		"a;b;c\n1;2;3\n":        ';',
		"title\na,b\n":          ',',
		"only\n":                ',',
		"a\tb\tc\td\n\"x, y, z, w, v\"\t1\t2\t3\n": '\t',
	} {
		if got := sniffDelimiter([]byte(body)); got != want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", body, got, want)
		}
	}
}

// TestOwnProfileKeepsTheTemplate keeps Redress's own columns those of the
// template the importer writes (cases.ImportColumns).
func TestOwnProfileKeepsTheTemplate(t *testing.T) {
	own, _ := ProfileNamed(OwnProfile)
	for _, c := range cases.ImportColumns() {
		if names := own.Columns[Field(c)]; len(names) == 0 || names[0] != c {
			t.Errorf("template column %q is not read as field %q", c, c)
		}
	}
	if p, ok := Recognise(cases.ImportColumns()); !ok || p.Name != OwnProfile {
		t.Fatalf("the template's header is recognised as %q (%v)", p.Name, ok)
	}
}
