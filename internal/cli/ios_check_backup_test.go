package cli

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// TestIOSCheckBackupConformance runs the whole command on MVT's fixture
// backup with MVT's test indicators and asserts what MVT's own tests and a
// run of MVT give (../shared/fixtures/mvt/EXPECTED.md).
func TestIOSCheckBackupConformance(t *testing.T) {
	before := treeHashes(t, iosBackupFixture)
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, "-o", out, iosBackupFixture)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if after := treeHashes(t, iosBackupFixture); !maps.Equal(before, after) {
		t.Fatalf("the evidence changed during the run")
	}

	for slug, want := range map[string]int{
		"datausage":                       42,
		"global_preferences":              16,
		"tcc":                             11,
		"webkit_resource_load_statistics": 2,
		"calendar":                        1,
		"safari_browser_state":            1,
		"sms":                             1,
	} {
		if got := countRecords(t, out, slug); got != want {
			t.Errorf("%s.json has %d records, want %d", slug, got, want)
		}
	}

	got := map[alertKey]int{}
	var msgs []string
	for _, a := range readAlerts(t, out) {
		got[alertKey{a.Level, a.Module}]++
		msgs = append(msgs, a.Level.String()+" "+a.Module+": "+a.Message)
	}
	want := map[alertKey]int{
		{alert.Critical, "sms"}:                     1, // https://badbadbad.example.org/ → example.org
		{alert.Critical, "whatsapp"}:                1, // example.org link
		{alert.Critical, "tcc"}:                     1, // client "Launch" is a process indicator
		{alert.Low, "datausage"}:                    1, // process without a binary
		{alert.Informational, "global_preferences"}: 1, // Lockdown Mode enabled
	}
	if !maps.Equal(got, want) {
		t.Errorf("alerts:\n%s\ngot %v\nwant %v", strings.Join(msgs, "\n"), got, want)
	}
	for _, name := range []string{"timeline.csv", "alerts_timeline.csv", "info.json", "summary.json", "timeline.jsonl", "command.log", "urls.json"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty (%v)", name, err)
		}
	}
	// One alerts_timeline.csv row per alert with a time, plus the header.
	if n := countLines(t, filepath.Join(out, "alerts_timeline.csv")); n < 2 {
		t.Errorf("alerts_timeline.csv has %d lines", n)
	}
	if !strings.Contains(stdout.String(), "3 CRITICAL") {
		t.Errorf("console summary lacks the alert count:\n%s", stdout)
	}
}
