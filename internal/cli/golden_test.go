package cli

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenFiles are the result files whose bytes are fixed for a given input:
// every module file, the alerts and the timelines. info.json, summary.json,
// command.log, report.html and hashes.jsonl hold dates, durations and
// paths.
func goldenFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		switch {
		case n == "info.json", n == "summary.json", n == "command.log", n == "report.html", n == "hashes.jsonl":
		case strings.HasSuffix(n, ".json"), strings.HasSuffix(n, ".csv"), strings.HasSuffix(n, ".jsonl"):
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// checkGolden compares the results in out with testdata/golden/<name>/,
// file by file and for the set of files; go test -run Golden -update
// rewrites them.
func checkGolden(t *testing.T, name, out string) {
	t.Helper()
	golden := filepath.Join("testdata", "golden", name)
	got := goldenFiles(t, out)
	if *update {
		os.RemoveAll(golden)
		os.MkdirAll(golden, 0o755)
		for _, n := range got {
			b, _ := os.ReadFile(filepath.Join(out, n))
			if err := os.WriteFile(filepath.Join(golden, n), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := goldenFiles(t, golden)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("result files\n got %v\nwant %v", got, want)
	}
	for _, n := range want {
		a := readFile(t, filepath.Join(out, n))
		b := readFile(t, filepath.Join(golden, n))
		if a != b {
			t.Errorf("%s differs from testdata/golden/%s/%s (go test ./internal/cli -run Golden -update rewrites it after review)", n, name, n)
		}
	}
}

// TestGoldenIOSBackup keeps the whole output of ios check-backup on MVT's
// fixture with MVT's test indicators: every record, alert and timeline row.
func TestGoldenIOSBackup(t *testing.T) {
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, "-o", out, iosBackupFixture); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	// MVT's Manifest module alone gives 5,881 timeline events on this
	// backup; timeline.csv holds them with every other module's.
	manifestRows := 0
	for _, line := range strings.Split(readFile(t, filepath.Join(out, "timeline.csv")), "\r\n") {
		if strings.Contains(line, `","Manifest","`) {
			manifestRows++
		}
	}
	if manifestRows != 5881 {
		t.Errorf("%d Manifest rows in timeline.csv, want 5881", manifestRows)
	}
	checkGolden(t, "ios_backup", out)
}

// TestGoldenAndroidQF keeps the whole output of check-androidqf on MVT's
// acquisition fixture.
func TestGoldenAndroidQF(t *testing.T) {
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "android", "check-androidqf", "--no-default-iocs", "-i", aqfIndicators, "-o", out, aqfFolder); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	checkGolden(t, "androidqf", out)
}

// TestGoldenBugreport keeps the whole output of check-bugreport on MVT's
// bugreport fixture. bugreport_timestamps and tombstones report the files'
// modification times, which a checkout sets to the time of the clone: the
// test runs on a copy whose times are fixed.
func TestGoldenBugreport(t *testing.T) {
	src := copyTree(t, bugreportFolder)
	fixed := time.Date(2023, 4, 12, 12, 0, 0, 0, time.UTC)
	filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			os.Chtimes(p, fixed, fixed)
		}
		return err
	})
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "android", "check-bugreport", "--no-default-iocs", "-i", aqfIndicators, "-o", out, src); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	checkGolden(t, "bugreport", out)
}
