package cli

import (
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// TestIOSCheckFS lays the fixture backup's databases out as a filesystem
// dump (where they live on the phone) and checks that the same modules find
// the same records and alerts there, and that a symlink pointing outside the
// dump is not followed.
func TestIOSCheckFS(t *testing.T) {
	dump := t.TempDir()
	for _, a := range []struct{ domain, rel, onPhone string }{
		{"HomeDomain", "Library/SMS/sms.db", "private/var/mobile/Library/SMS/sms.db"},
		{"HomeDomain", "Library/TCC/TCC.db", "private/var/mobile/Library/TCC/TCC.db"},
		{"WirelessDomain", "Library/Databases/DataUsage.sqlite", "private/var/wireless/Library/Databases/DataUsage.sqlite"},
	} {
		id := source.FileID(a.domain, a.rel)
		b, err := os.ReadFile(filepath.Join(iosBackupFixture, id[:2], id))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dump, a.onPhone)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, b, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	// A crafted dump points the Safari history at a file outside it.
	outside := filepath.Join(t.TempDir(), "secret.db")
	os.WriteFile(outside, []byte("not yours"), 0o600)
	safari := filepath.Join(dump, "private/var/mobile/Library/Safari")
	os.MkdirAll(safari, 0o755)
	if err := os.Symlink(outside, filepath.Join(safari, "History.db")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}

	before := treeHashes(t, dump)
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-fs", "--no-default-iocs", "-i", testIndicators, "-o", out, dump); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !maps.Equal(before, treeHashes(t, dump)) {
		t.Error("the dump changed during the run")
	}
	for slug, want := range map[string]int{"sms": 1, "tcc": 11, "datausage": 42, "safari_history": 0} {
		if got := countRecords(t, out, slug); got != want {
			t.Errorf("%s: %d records, want %d", slug, got, want)
		}
	}
	got := map[alertKey]int{}
	for _, a := range readAlerts(t, out) {
		if a.Indicator != nil {
			got[alertKey{a.Level, a.Module}]++
		}
	}
	want := map[alertKey]int{{alert.Critical, "sms"}: 1, {alert.Critical, "tcc"}: 1}
	if !maps.Equal(got, want) {
		t.Errorf("indicator alerts %v, want %v", got, want)
	}
}
