package tone

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// benchText is a 500-character remedy offer of the kind agents write, with a
// few hits in it.
func benchText() string {
	parts := []string{
		"亲，您好，非常抱歉给您带来不便，收到的杯子破损了真的很抱歉。",
		"我们这边查到快递显示已签收，已经为您申请了补发，预计明天发出，单号稍后发给您。",
		"为表歉意，我们为您补偿一张10元无门槛优惠券，下次购物可用。",
		"我们保证以后不会再出现这种问题。",
		"We're sorry your order arrived damaged; a replacement ships today. ",
		"如有其他需要随时联系我们，售后期内都可以申请退换，我们全程为您跟进。",
	}
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < 500 {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	return string([]rune(b.String())[:500])
}

func BenchmarkCheck(b *testing.B) {
	c := Default()
	text := benchText()
	ctx := Context{Platform: "taobao", Stage: StageRemedyOffer}
	if len(c.Check(text, ctx)) == 0 {
		b.Fatal("the benchmark text should have hits")
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		c.Check(text, ctx)
	}
}

func BenchmarkCompileDefault(b *testing.B) {
	rules := DefaultRules()
	for b.Loop() {
		if _, err := Compile(rules); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckEveryRule is BenchmarkCheck without the triggers, to show
// what they save.
func BenchmarkCheckEveryRule(b *testing.B) {
	c := untriggered(Default())
	text := benchText()
	ctx := Context{Platform: "taobao", Stage: StageRemedyOffer}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		c.Check(text, ctx)
	}
}
