package ioscrypto

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/spyglass-forensics/spyglass/internal/plistsafe/plisttest"
)

// A Manifest.plist nested a million levels deep (XML or binary) is refused
// with a sentence naming it; decoded as it was, it overflowed the stack and
// killed the process.
func TestReadManifestDeepNesting(t *testing.T) {
	for name, b := range map[string][]byte{
		"xml":    plisttest.DeepXML("BackupKeyBag", 1_000_000),
		"binary": plisttest.DeepBinary("BackupKeyBag", 1_000_000),
		"cycle":  plisttest.SelfReferential("Lockdown"),
	} {
		_, err := ReadManifest(fstest.MapFS{"Manifest.plist": {Data: b}})
		if err == nil || !strings.HasPrefix(err.Error(), "Manifest.plist: malformed plist") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
