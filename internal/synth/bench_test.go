package synth

import (
	"path/filepath"
	"testing"
)

// BenchmarkWriteSMS measures writing sms.db (50,000 messages per op).
func BenchmarkWriteSMS(b *testing.B) {
	s := &Spec{SMS: 50_000, Seed: 1}
	for i := 0; b.Loop(); i++ {
		if err := writeSMS(filepath.Join(b.TempDir(), "sms.db"), s); err != nil {
			b.Fatal(err)
		}
	}
}
