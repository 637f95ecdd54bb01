package plistsafe

import (
	"testing"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/plistsafe/plisttest"
)

// FuzzUnmarshal: no input may panic, overflow the stack or decode past the
// bounds; whatever is accepted decodes.
func FuzzUnmarshal(f *testing.F) {
	real, _ := plist.Marshal(map[string]any{"IsEncrypted": true, "Lockdown": map[string]any{"ProductVersion": "17.4"}, "a": []any{int64(1), 2.5, []byte{1}}}, plist.BinaryFormat)
	f.Add(real)
	f.Add(plisttest.DeepBinary("k", 20))
	f.Add(plisttest.ChunkedChain("k", 40, 8))
	f.Add(plisttest.SelfReferential("k"))
	f.Add(plisttest.DeepXML("k", 20))
	f.Add([]byte(`{a = (b, "c", <0a0b>); d = {e = f;};}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		_ = Unmarshal(b, &v)
	})
}
