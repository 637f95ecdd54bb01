package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/output"
)

// Tests for the results folder (-o), issues 12 and 18: an earlier run's
// files, links into the evidence, a second run at once, a failed run.

// bugreportArgs checks a copy of the bugreport fixture: small and fast, and
// always hashed (as MVT does).
var bugreportArgs = []string{"android", "check-bugreport", "--no-default-iocs", "-q"}

// runInto runs args with -o out on target, and returns the exit code and
// stderr.
func runInto(t *testing.T, args []string, out, target string, extra ...string) (int, string) {
	t.Helper()
	app, _, stderr := testApp(t)
	a := append(append(append([]string{}, args...), extra...), "-o", out, target)
	return run(t, app, a...), stderr.String()
}

// An -o folder that holds an earlier run is refused; with --force only the
// earlier run's result files are removed, said in command.log, and a stale
// alert from another phone no longer sits beside the new results.
func TestOutputHoldsEarlierRun(t *testing.T) {
	ev := copyTree(t, bugreportFolder)
	out := t.TempDir()
	stale := `[{"level": "critical", "module": "sms", "message": "from another phone"}]`
	planted := map[string]string{
		"alerts.json":       stale,
		"sms_detected.json": stale,
		"sms.json":          "[]",
		"notes.txt":         "the analyst's own notes",
		"case/sms.json":     "[]", // in a folder: not ours to touch
	}
	for name, body := range planted {
		writeAll(t, filepath.Join(out, name), []byte(body))
	}
	code, stderr := runInto(t, bugreportArgs, out, ev)
	if code != ExitUsage || !oneSentence(stderr) || !strings.Contains(stderr, out) || !strings.Contains(stderr, "--force") {
		t.Fatalf("non-empty -o: exit %d, want 2 with one sentence naming the folder and --force:\n%s", code, stderr)
	}
	for name, body := range planted {
		if b, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(b) != body {
			t.Errorf("refused run changed %s", name)
		}
	}
	code, stderr = runInto(t, bugreportArgs, out, ev, "--force")
	if code != ExitOK {
		t.Fatalf("--force: exit %d\n%s", code, stderr)
	}
	// The bugreport has no SMS: those two files must be gone, and the
	// run's own alerts.json must not hold the other phone's alert.
	for _, gone := range []string{"sms_detected.json", "sms.json"} {
		if _, err := os.Lstat(filepath.Join(out, gone)); err == nil {
			t.Errorf("--force left the earlier run's %s", gone)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(out, "alerts.json")); strings.Contains(string(b), "another phone") {
		t.Error("alerts.json still holds the earlier run's alert")
	}
	for _, kept := range []string{"notes.txt", "case/sms.json"} {
		if b, err := os.ReadFile(filepath.Join(out, kept)); err != nil || string(b) != planted[kept] {
			t.Errorf("--force removed or changed %s, which spyglass did not write", kept)
		}
	}
	log := readFile(t, filepath.Join(out, "command.log"))
	if !strings.Contains(log, "removed the earlier run's result files: alerts.json, sms.json, sms_detected.json") {
		t.Errorf("command.log does not list the removed files:\n%s", log)
	}
	if !strings.Contains(log, "left in place: case, notes.txt") {
		t.Errorf("command.log does not list what was left:\n%s", log)
	}
}

// Each way a link could lead the results into the evidence is refused
// (exit 2, one sentence), and the evidence is unchanged.
func TestOutputLinksIntoEvidence(t *testing.T) {
	cases := []struct {
		name  string
		force bool
		// setup returns the -o folder and the evidence argument, given the
		// evidence folder and a scratch folder.
		setup func(t *testing.T, ev, tmp string) (out, target string)
	}{
		// --force: the evidence folder holds files, and the link check,
		// not the non-empty one, must refuse it.
		{"-o is a link to the evidence", true, func(t *testing.T, ev, tmp string) (string, string) {
			return symlink(t, ev, filepath.Join(tmp, "link")), ev
		}},
		{"-o goes through a link into the evidence", true, func(t *testing.T, ev, tmp string) (string, string) {
			return filepath.Join(symlink(t, ev, filepath.Join(tmp, "link")), "out"), ev
		}},
		{"-o through a link then ..", false, func(t *testing.T, ev, tmp string) (string, string) {
			// link/.. is, for the kernel, the evidence's FS folder's
			// parent: the evidence itself, not tmp.
			return filepath.Join(tmp, "link") + "/../out", symlink(t, filepath.Join(ev, "FS", "data"), filepath.Join(tmp, "link")) + "/../.."
		}},
		{"evidence given through a link", false, func(t *testing.T, ev, tmp string) (string, string) {
			return filepath.Join(ev, "out"), symlink(t, ev, filepath.Join(tmp, "link"))
		}},
		{"-o holds the evidence", true, func(t *testing.T, ev, tmp string) (string, string) {
			return filepath.Dir(ev), ev
		}},
		{"command.log is a link into the evidence", true, func(t *testing.T, ev, tmp string) (string, string) {
			out := filepath.Join(tmp, "out")
			os.Mkdir(out, 0o700)
			symlink(t, filepath.Join(ev, "dumpstate.txt"), filepath.Join(out, "command.log"))
			return out, ev
		}},
		{"a module file is a link into the evidence", true, func(t *testing.T, ev, tmp string) (string, string) {
			out := filepath.Join(tmp, "out")
			os.Mkdir(out, 0o700)
			symlink(t, filepath.Join(ev, "dumpstate.txt"), filepath.Join(out, "dumpsys_appops.json"))
			return out, ev
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := copyTree(t, bugreportFolder)
			before := treeHashes(t, ev)
			out, target := c.setup(t, ev, t.TempDir())
			var extra []string
			if c.force {
				extra = append(extra, "--force")
			}
			code, stderr := runInto(t, bugreportArgs, out, target, extra...)
			if code != ExitUsage || !oneSentence(stderr) {
				t.Errorf("exit %d, want 2 with one sentence:\n%s", code, stderr)
			}
			after := treeHashes(t, ev)
			for p, h := range after {
				if before[p] != h {
					t.Errorf("the evidence changed: %s", p)
				}
			}
			if len(after) != len(before) {
				t.Errorf("the evidence has %d entries after the run, %d before", len(after), len(before))
			}
		})
	}
}

func symlink(t *testing.T, target, link string) string {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	return link
}

// A second run into a folder a run holds is refused with a sentence; once
// the first ends (however it ends, the kernel drops the lock) the folder is
// free again.
func TestOutputLockedByAnotherRun(t *testing.T) {
	ev := copyTree(t, bugreportFolder)
	out := t.TempDir()
	unlock, err := output.LockDir(out)
	if err != nil {
		t.Fatal(err)
	}
	code, stderr := runInto(t, bugreportArgs, out, ev)
	if code != ExitFail || !oneSentence(stderr) || !strings.Contains(stderr, "another spyglass run is writing into") {
		t.Errorf("locked folder: exit %d, want 1 with a sentence:\n%s", code, stderr)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("the refused run wrote %d files", len(ents))
	}
	unlock()
	if code, stderr := runInto(t, bugreportArgs, out, ev); code != ExitOK {
		t.Errorf("after the lock was released: exit %d\n%s", code, stderr)
	}
}

// Two runs started at once into one folder: exactly one writes results.
func TestOutputConcurrentRuns(t *testing.T) {
	ev := copyTree(t, bugreportFolder)
	out := t.TempDir()
	var wg sync.WaitGroup
	codes := make([]int, 2)
	msgs := make([]string, 2)
	for i := range codes {
		wg.Go(func() { codes[i], msgs[i] = runInto(t, bugreportArgs, out, ev) })
	}
	wg.Wait()
	if (codes[0] == ExitOK) == (codes[1] == ExitOK) {
		t.Errorf("exit codes %v, want exactly one run to succeed:\n%s\n%s", codes, msgs[0], msgs[1])
	}
}

// A run that fails after its folder was made says why in command.log, with
// the sentence the console shows.
func TestOutputFailedRunLogsError(t *testing.T) {
	ev := copyTree(t, bugreportFolder)
	out := t.TempDir()
	code, stderr := runInto(t, bugreportArgs, out, ev, "-i", filepath.Join(t.TempDir(), "missing.stix2"))
	if code != ExitFail || !oneSentence(stderr) {
		t.Fatalf("exit %d, want 1 with one sentence:\n%s", code, stderr)
	}
	msg := strings.TrimPrefix(lastLine(stderr), "spyglass: ")
	if log := readFile(t, filepath.Join(out, "command.log")); !strings.Contains(log, "ERROR - "+msg) {
		t.Errorf("command.log lacks the error %q:\n%s", msg, log)
	}
}

// Evidence given through a link is hashed at its target (-H recorded
// nothing before), and the log says it was a link.
func TestHashesThroughLink(t *testing.T) {
	ev := copyTree(t, bugreportFolder)
	link := symlink(t, ev, filepath.Join(t.TempDir(), "link"))
	out := t.TempDir()
	if code, stderr := runInto(t, bugreportArgs, out, link); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var info output.Info
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "info.json"))), &info); err != nil {
		t.Fatal(err)
	}
	files := len(treeHashes(t, ev)) - countDirs(t, ev)
	if info.HashesFile == nil || info.HashesFile.Count != files || len(info.Hashes) != files {
		t.Errorf("info.json: %+v and %d hashes, want %d files hashed", info.HashesFile, len(info.Hashes), files)
	}
	if log := readFile(t, filepath.Join(out, "command.log")); !strings.Contains(log, "was given through a symbolic link") {
		t.Errorf("command.log does not say the evidence was a link:\n%s", log)
	}
}

func countDirs(t *testing.T, root string) int {
	t.Helper()
	n := 0
	for _, v := range treeHashes(t, root) {
		if strings.HasPrefix(v, "dir ") {
			n++
		}
	}
	return n
}

// -H streams the hashes to hashes.jsonl; info.json, summary.json and the
// report keep their count and that file's digest (info.json also lists
// them while they are few, as MVT does).
func TestHashesStreamedToOneFile(t *testing.T) {
	ev := copyTree(t, bugreportFolder)
	out := t.TempDir()
	if code, stderr := runInto(t, bugreportArgs, out, ev); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(readFile(t, filepath.Join(out, output.HashesFile))), "\n")
	digest, err := output.HashFile(filepath.Join(out, output.HashesFile))
	if err != nil {
		t.Fatal(err)
	}
	want := output.HashesRef{File: output.HashesFile, Count: len(lines), SHA256: digest}
	s := readSummary(t, out)
	if s.Evidence.Hashes == nil || *s.Evidence.Hashes != want {
		t.Errorf("summary.json input_hashes = %+v, want %+v", s.Evidence.Hashes, want)
	}
	var info output.Info
	json.Unmarshal([]byte(readFile(t, filepath.Join(out, "info.json"))), &info)
	if info.HashesFile == nil || *info.HashesFile != want {
		t.Errorf("info.json hashes_file = %+v, want %+v", info.HashesFile, want)
	}
	page := readFile(t, filepath.Join(out, "report.html"))
	if !strings.Contains(page, digest) || strings.Contains(page, "dumpstate.txt</code>") {
		t.Errorf("report.html should name the hashes file's digest and list no file")
	}
}

// report writes into the results folder it reads: not while a check holds
// the folder.
func TestReportWaitsForTheRun(t *testing.T) {
	ev := copyTree(t, bugreportFolder)
	out := t.TempDir()
	if code, stderr := runInto(t, bugreportArgs, out, ev); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	unlock, err := output.LockDir(out)
	if err != nil {
		t.Fatal(err)
	}
	app, _, stderr := testApp(t)
	if code := run(t, app, "report", out); code != ExitFail || !strings.Contains(stderr.String(), "another spyglass run is writing into") {
		t.Errorf("report into a held folder: exit %d\n%s", code, stderr)
	}
	unlock()
	app, _, stderr = testApp(t)
	if code := run(t, app, "report", out); code != ExitOK {
		t.Errorf("report after the run: exit %d\n%s", code, stderr)
	}
}

// check-iocs writes a results folder too: the same rules hold.
func TestCheckIOCsOutputHoldsEarlierRun(t *testing.T) {
	ev := copyTree(t, bugreportFolder)
	first := t.TempDir()
	if code, stderr := runInto(t, bugreportArgs, first, ev); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	out := t.TempDir()
	writeAll(t, filepath.Join(out, "sms_detected.json"), []byte("[]"))
	args := []string{"check-iocs", "--no-default-iocs", "-q"}
	if code, stderr := runInto(t, args, out, first); code != ExitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("check-iocs into a non-empty folder: exit %d\n%s", code, stderr)
	}
	if code, stderr := runInto(t, args, out, first, "--force"); code != ExitOK {
		t.Errorf("check-iocs --force: exit %d\n%s", code, stderr)
	}
	if _, err := os.Lstat(filepath.Join(out, "sms_detected.json")); err == nil {
		t.Error("check-iocs --force left the earlier run's sms_detected.json")
	}
}
