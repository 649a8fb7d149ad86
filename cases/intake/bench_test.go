package intake

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkReadTaobao reads a Taobao review export of 20,000 lines, the
// most one import takes.
func BenchmarkReadTaobao(b *testing.B) {
	body, err := os.ReadFile("testdata/taobao-reviews.csv")
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.SplitAfter(body, []byte("\r\n"))
	var big bytes.Buffer
	big.Write(lines[0])
	for big.Len() < 20000*len(lines[1]) {
		big.Write(lines[1])
	}
	b.SetBytes(int64(big.Len()))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(big.Bytes()), Options{MaxLines: 20000}); err != nil {
			b.Fatal(err)
		}
	}
}
