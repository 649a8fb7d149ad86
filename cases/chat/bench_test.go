package chat

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func BenchmarkParseQianniu(b *testing.B) {
	raw, err := os.ReadFile("testdata/corpus/05-qianniu-transfer-extortion.txt")
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat(string(raw), 50)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Parse(text, time.UTC)
	}
}

// TestLargeInputsAreFast guards against quadratic work: a long paste, one
// enormous line and many short lines each parse well within a second.
// BenchmarkLargeInputs measures pastes at the size limits, including the
// shapes that would make a careless parser quadratic (run with
// go test -bench LargeInputs ./cases/chat/; performance is measured here,
// never asserted in a test).
func BenchmarkLargeInputs(b *testing.B) {
	raw, _ := os.ReadFile("testdata/corpus/01-qianniu-basic-crlf.txt")
	for name, text := range map[string]string{
		"LongPaste":      strings.Repeat(string(raw), 400),
		"LongLine":       strings.Repeat("旗舰店:小美: 10:01 ", 20000),
		"ManyNames":      strings.Repeat("小王\n", 20000),
		"ManyTimes":      strings.Repeat("10:01\n小王\n", 10000),
		"Colons":         strings.Repeat(":", 200000),
		"OneOffs":        oneOffs(5000),
		"OneOffsStacked": oneOffsStacked(5000),
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				Parse(text, time.UTC)
			}
		})
	}
}

func oneOffs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Name%d %02d:%02d\nmessage %d\n", i, i/60%24, i%60, i)
	}
	return b.String()
}

func oneOffsStacked(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%02d:%02d\nName%d\nmessage\n", i/60%24, i%60, i%7)
	}
	return b.String()
}
