package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	// A folder MVT wrote: the page is built beside a copy of it.
	out := filepath.Join(t.TempDir(), "page.html")
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "report", "-o", out, "../report/testdata/mvt_ios_backup"); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	page := readFile(t, out)
	if !strings.Contains(page, "<html") || !strings.Contains(page, "example.org") {
		t.Errorf("page lacks the finding: %.200s", page)
	}

	// Not a results folder: one sentence, exit 1.
	app, _, stderr = testApp(t)
	if code := run(t, app, "report", iosBackupFixture); code != 1 {
		t.Fatalf("exit %d on an evidence folder", code)
	}
	if msg := strings.TrimSpace(stderr.String()); strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "not a results folder") {
		t.Errorf("message %q", msg)
	}
	if _, err := os.Stat(filepath.Join(iosBackupFixture, "report.html")); err == nil {
		t.Error("report.html written into the evidence")
	}
}

func TestCheckWritesReportAndPrivateFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results")
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, "-o", out, iosBackupFixture); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("results folder mode %v, want 0700", st.Mode().Perm())
	}
	ents, _ := os.ReadDir(out)
	names := map[string]bool{}
	for _, e := range ents {
		names[e.Name()] = true
		info, _ := e.Info()
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is readable by others (%v)", e.Name(), info.Mode().Perm())
		}
	}
	for _, want := range []string{"report.html", "summary.json", "timeline.jsonl"} {
		if !names[want] {
			t.Errorf("%s not written", want)
		}
	}
}
