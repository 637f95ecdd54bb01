package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// report.html written by a check run (timeline excerpts gathered while the
// timeline is written) is the page "spyglass report" makes from the same
// folder by reading timeline.csv back.
func TestReportFromRunEqualsReportFromFolder(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"ios backup", []string{"ios", "check-backup", "--no-default-iocs", "-i", testIndicators, iosBackupFixture}},
		{"bugreport", []string{"android", "check-bugreport", "--no-default-iocs", "-i", testIndicators, bugreportFolder}},
	}
	generated := regexp.MustCompile(`page generated [^<]*`)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			app, _, stderr := testApp(t)
			args := append(append([]string{}, tc.args[:len(tc.args)-1]...), "-q", "-o", out, tc.args[len(tc.args)-1])
			if code := run(t, app, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if log := readFile(t, filepath.Join(out, "command.log")); !strings.Contains(log, `timeline_excerpts="gathered while the timeline was written"`) {
				t.Fatal("the run's page did not use the excerpts gathered during the run: the comparison would prove nothing")
			}
			fromRun := readFile(t, filepath.Join(out, "report.html"))
			if !strings.Contains(fromRun, `<tr class="tl-row`) {
				t.Fatal("the page has no timeline excerpt: the comparison would prove nothing")
			}
			regen := filepath.Join(t.TempDir(), "report.html")
			app2, _, stderr2 := testApp(t)
			if code := run(t, app2, "report", "-o", regen, out); code != 0 {
				t.Fatalf("report exit %d: %s", code, stderr2)
			}
			fromFolder := readFile(t, regen)
			a, b := generated.ReplaceAllString(fromRun, ""), generated.ReplaceAllString(fromFolder, "")
			if a != b {
				os.WriteFile(filepath.Join(t.TempDir(), "a.html"), []byte(a), 0o600)
				t.Errorf("report.html from the run differs from the one rebuilt from the folder (%d vs %d bytes)", len(a), len(b))
			}
		})
	}
}
