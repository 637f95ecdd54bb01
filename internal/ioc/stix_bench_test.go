package ioc

import (
	"fmt"
	"strings"
	"testing"
)

// bigBundle is the shape of a large domain feed: one report listing every
// indicator, then n one-domain indicators (1.85 M of them make the 230 MB
// bundle measured in issue 18).
func bigBundle(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"type":"bundle","id":"bundle--1","objects":[{"type":"report","id":"report--1","name":"Big","created":"2023-01-01T00:00:00.000Z","object_refs":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"indicator--%d"`, i)
	}
	b.WriteString("]}")
	for i := range n {
		fmt.Fprintf(&b, `,{"type":"indicator","id":"indicator--%d","pattern":"[domain-name:value='d%d.example.com']"}`, i, i)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// BenchmarkLoadBigBundle loads a 100,000-domain bundle (about 12 MB): the
// bytes allocated per op stay a small multiple of the file.
func BenchmarkLoadBigBundle(b *testing.B) {
	data := bigBundle(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		x := NewIndex()
		if _, err := x.loadSTIX("big.stix2", data, ""); err != nil {
			b.Fatal(err)
		}
		if x.Len() != 100_000 {
			b.Fatalf("%d indicators", x.Len())
		}
	}
}
