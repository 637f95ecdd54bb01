package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/report"
)

// Issue 12: wrong or empty evidence must not read as clean.

// An empty folder: nothing_checked in summary.json, its own headline on the
// console and in report.html, never "no severe alert".
func TestEmptyEvidenceIsNothingChecked(t *testing.T) {
	for _, args := range [][]string{{"ios", "check-fs"}, {"android", "check-bugreport"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			empty, out := t.TempDir(), t.TempDir()
			app, stdout, stderr := testApp(t)
			code := run(t, app, append(args, "--no-default-iocs", "-q", "-o", out, empty)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			var s report.Summary
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "summary.json"))), &s); err != nil {
				t.Fatal(err)
			}
			if s.Verdict != report.VerdictNothingChecked || !strings.Contains(s.VerdictNote, "artifacts were present") {
				t.Errorf("verdict %q, note %q", s.Verdict, s.VerdictNote)
			}
			if !strings.Contains(stdout.String(), "NOTHING WAS CHECKED") || strings.Contains(stdout.String(), "no severe alert") {
				t.Errorf("console:\n%s", stdout)
			}
			if html := readFile(t, filepath.Join(out, "report.html")); !strings.Contains(html, `data-verdict="nothing_checked"`) {
				t.Error("report.html does not show the nothing_checked headline")
			}
		})
	}
}

// Evidence of another kind: exit 1, one sentence naming what it looks like
// and the command to use, and no results folder.
func TestWrongKindIsRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ios", "check-fs", iosBackupFixture}, "use `spyglass ios check-backup`"},
		{[]string{"android", "check-androidqf", iosBackupFixture}, "use `spyglass ios check-backup`"},
		{[]string{"android", "check-bugreport", iosBackupFixture}, "use `spyglass ios check-backup`"},
		{[]string{"android", "check-backup", iosBackupFixture}, "use `spyglass ios check-backup`"},
		{[]string{"android", "check-intrusion-logs", iosBackupFixture}, "use `spyglass ios check-backup`"},
		{[]string{"ios", "check-backup", aqfFolder}, "use `spyglass android check-androidqf`"},
	} {
		t.Run(strings.Join(c.args[:2], " "), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "results")
			app, stdout, stderr := testApp(t)
			code := run(t, app, append(c.args[:2:2], "--no-default-iocs", "-o", out, c.args[2])...)
			msg := strings.TrimSpace(stderr.String())
			if code != 1 || strings.Count(msg, "\n") != 0 || !strings.Contains(msg, c.want) || !strings.Contains(msg, "looks like") {
				t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a results folder was created")
			}
		})
	}
}

// Each indicator match is one console line naming the module, the
// indicator and its family, and the record's time, in the same order on
// every run; "had no data" lines stay out of the default output.
func TestConsoleDetectionLines(t *testing.T) {
	var first string
	for i := range 3 {
		app, stdout, stderr := testApp(t)
		if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, iosBackupFixture); code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		var dets []string
		for _, l := range strings.Split(stderr.String(), "\n") {
			if strings.HasPrefix(l, "DETECTION ") {
				dets = append(dets, l)
			}
		}
		want := `DETECTION CRITICAL sms: indicator "example.org" (domains) of "TestMalware", record time "2019-08-29 23:13:30.000000"`
		if len(dets) != 3 || !strings.Contains(stderr.String(), want) {
			t.Fatalf("detection lines:\n%s", strings.Join(dets, "\n"))
		}
		if strings.Contains(stderr.String(), "has no data") {
			t.Error("no-data lines in the default output")
		}
		if !strings.Contains(stdout.String(), "Nothing was saved") {
			t.Errorf("without -o the console does not say nothing was saved:\n%s", stdout)
		}
		if i == 0 {
			first = strings.Join(dets, "\n")
		} else if got := strings.Join(dets, "\n"); got != first {
			t.Errorf("order changed between runs:\n%s\n---\n%s", first, got)
		}
	}
}
