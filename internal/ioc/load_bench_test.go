package ioc

import (
	"testing"
)

// BenchmarkLoadEmbedded measures building the index from every embedded
// feed (target: < 50 ms and < 30 MB on one core).
func BenchmarkLoadEmbedded(b *testing.B) {
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		x := NewIndex()
		if err := x.LoadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}
