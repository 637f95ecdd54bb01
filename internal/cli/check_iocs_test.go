package cli

import (
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// A run without indicators, re-checked later with them, finds what a run
// with them finds; the folder read is left as it was.
func TestCheckIOCsOnOwnResults(t *testing.T) {
	first := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-o", first, iosBackupFixture); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, a := range readAlerts(t, first) {
		if a.Indicator != nil {
			t.Fatalf("indicator alert without indicators: %+v", a)
		}
	}
	before := treeHashes(t, first)
	second := filepath.Join(t.TempDir(), "recheck")
	app, stdout, stderr = testApp(t)
	if code := run(t, app, "check-iocs", "--no-default-iocs", "-i", testIndicators, "-o", second, first); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !maps.Equal(before, treeHashes(t, first)) {
		t.Error("check-iocs changed the folder it read")
	}
	got := map[alertKey]int{}
	for _, a := range readAlerts(t, second) {
		if a.Indicator != nil {
			got[alertKey{a.Level, a.Module}]++
		}
	}
	want := map[alertKey]int{{alert.Critical, "sms"}: 1, {alert.Critical, "whatsapp"}: 1, {alert.Critical, "tcc"}: 1}
	if !maps.Equal(got, want) {
		t.Errorf("indicator alerts %v, want %v", got, want)
	}
}

// A folder written by MVT (sms.json as MVT writes it) is re-checked too.
func TestCheckIOCsOnMVTResults(t *testing.T) {
	mvt := "../report/testdata/mvt_ios_backup"
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "check-iocs", "--no-default-iocs", "-i", testIndicators, "-o", out, mvt); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	n := 0
	for _, a := range readAlerts(t, out) {
		if a.Module == "sms" && a.Indicator != nil && a.Indicator.Value == "example.org" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d sms alerts for example.org, want 1", n)
	}
}

func TestCheckIOCsNeedsAnotherOutputFolder(t *testing.T) {
	app, _, _ := testApp(t)
	if code := run(t, app, "check-iocs", iosBackupFixture); code != 2 {
		t.Errorf("without -o: exit %d, want 2", code)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "info.json"), []byte("{}"), 0o644)
	app, _, _ = testApp(t)
	if code := run(t, app, "check-iocs", "-o", filepath.Join(dir, "sub"), dir); code != 2 {
		t.Errorf("-o inside the folder read: exit %d, want 2", code)
	}
}
