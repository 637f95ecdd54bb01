//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/source"
)

// FIFOs and device nodes where a file is expected (issue 18). open(2) of a
// FIFO waits for a writer, for ever, and no context interrupts it: every
// reader of evidence, indicators, results and secrets must refuse what is
// not a regular file, with a sentence that names it.

// mkfifo makes a FIFO at p (replacing a file there), or skips the test.
func mkfifo(t *testing.T, p string) string {
	t.Helper()
	os.Remove(p)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	return p
}

// runBounded runs a command like run, but fails the test instead of hanging
// when the command does not return within limit (a regression leaves a
// reader blocked in open(2)). On time-out each FIFO is opened for writing
// and closed, which releases a blocked reader.
func runBounded(t *testing.T, limit time.Duration, fifos []string, args ...string) (int, string) {
	t.Helper()
	return runWithin(t, limit, func() {
		for _, p := range fifos {
			if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		}
	}, args...)
}

const fifoLimit = 60 * time.Second

// TestHostileFIFOBugreport: the dumpstate of a bugreport folder is a FIFO;
// the modules that read it fail naming it, the run ends. A FIFO given as
// the bugreport itself is refused in one sentence.
func TestHostileFIFOBugreport(t *testing.T) {
	ev := copyTree(t, bugreportFolder)
	fifo := mkfifo(t, filepath.Join(ev, "dumpstate.txt"))
	out := t.TempDir()
	code, msg := runBounded(t, fifoLimit, []string{fifo}, "android", "check-bugreport", "--no-default-iocs", "-q", "-o", out, ev)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	s := readSummary(t, out)
	assertNoInternalError(t, out, s)
	for _, name := range []string{"dumpsys_appops", "dumpsys_packages"} {
		m := moduleMap(s)[name]
		if m.Status != "failed" || !strings.Contains(m.Reason, "dumpstate.txt is not a regular file (a FIFO)") {
			t.Errorf("%s: %s %q", name, m.Status, m.Reason)
		}
	}

	whole := mkfifo(t, filepath.Join(t.TempDir(), "bugreport.zip"))
	code, msg = runBounded(t, fifoLimit, []string{whole}, "android", "check-bugreport", "--no-default-iocs", "-q", "-o", t.TempDir(), whole)
	if code != 1 || !oneSentence(msg) || !strings.Contains(lastLine(msg), whole+" is not a regular file (a FIFO)") {
		t.Errorf("FIFO as the bugreport: exit %d\n%s", code, msg)
	}
}

// TestHostileFIFOIndicators: an -i folder holding a FIFO named like an
// indicator file, and a FIFO given to -i directly.
func TestHostileFIFOIndicators(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(testIndicators)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, filepath.Join(dir, "good.stix2"), b)
	for _, name := range []string{"planted.stix2", "planted.json"} {
		t.Run(name, func(t *testing.T) {
			fifo := mkfifo(t, filepath.Join(dir, name))
			defer os.Remove(fifo)
			code, msg := runBounded(t, fifoLimit, []string{fifo}, "android", "check-bugreport", "--no-default-iocs", "-i", dir, "-o", t.TempDir(), bugreportFolder)
			if !strings.Contains(msg, name+" is not a regular file (a FIFO)") {
				t.Errorf("exit %d, the FIFO is not named:\n%s", code, msg)
			}
		})
	}
	fifo := mkfifo(t, filepath.Join(t.TempDir(), "feed.stix2"))
	code, msg := runBounded(t, fifoLimit, []string{fifo}, "android", "check-bugreport", "--no-default-iocs", "-i", fifo, "-q", "-o", t.TempDir(), bugreportFolder)
	if code == 0 || !oneSentence(msg) || !strings.Contains(lastLine(msg), fifo+" is not a regular file (a FIFO)") {
		t.Errorf("-i FIFO: exit %d\n%s", code, msg)
	}
}

// TestHostileFIFOSecrets: a FIFO given as the password file.
func TestHostileFIFOSecrets(t *testing.T) {
	fifo := mkfifo(t, filepath.Join(t.TempDir(), "password"))
	code, msg := runBounded(t, fifoLimit, []string{fifo}, "android", "check-backup", "--no-default-iocs", "-q", "--password-file", fifo,
		"-o", t.TempDir(), filepath.Join(abDir, "backup2.ab"))
	if code != 1 || !oneSentence(msg) || !strings.Contains(lastLine(msg), fifo+" is not a regular file (a FIFO)") {
		t.Errorf("exit %d\n%s", code, msg)
	}
}

// fifoResults writes the results of a check of the iOS fixture, then puts a
// FIFO in place of sms.json.
func fifoResults(t *testing.T) (dir, fifo string) {
	t.Helper()
	dir = t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, "-q", "-o", dir, iosBackupFixture); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	return dir, mkfifo(t, filepath.Join(dir, "sms.json"))
}

// TestHostileFIFOResultsCheckIOCs: check-iocs on a results folder whose
// sms.json is a FIFO: the sms re-check fails naming it, the others run.
func TestHostileFIFOResultsCheckIOCs(t *testing.T) {
	dir, fifo := fifoResults(t)
	out := t.TempDir()
	code, msg := runBounded(t, fifoLimit, []string{fifo}, "check-iocs", "--no-default-iocs", "-i", testIndicators, "-q", "-o", out, dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	s := readSummary(t, out)
	m := moduleMap(s)["sms"]
	if m.Status != "failed" || !strings.Contains(m.Reason, "sms.json is not a regular file (a FIFO)") {
		t.Errorf("sms: %s %q", m.Status, m.Reason)
	}
	if countRecords(t, out, "tcc") == 0 {
		t.Error("the other modules were not re-checked")
	}
}

// TestHostileFIFOResultsReport: report on a results folder whose sms.json
// and timeline.csv are FIFOs ends, and writes its page.
func TestHostileFIFOResultsReport(t *testing.T) {
	dir, fifo := fifoResults(t)
	timeline := mkfifo(t, filepath.Join(dir, "timeline.csv"))
	code, msg := runBounded(t, fifoLimit, []string{fifo, timeline}, "report", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	if st, err := os.Stat(filepath.Join(dir, "report.html")); err != nil || st.Size() == 0 {
		t.Errorf("no report.html: %v", err)
	}
}

// TestHostileSymlinkResultsCheckIOCs: a results folder whose sms.json is a
// link to a file outside it: check-iocs must not pull that file into the
// new results (it read through os.DirFS, which follows the link).
func TestHostileSymlinkResultsCheckIOCs(t *testing.T) {
	dir := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, "-q", "-o", dir, iosBackupFixture); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	outside := filepath.Join(t.TempDir(), "elsewhere.json")
	if err := os.Rename(filepath.Join(dir, "sms.json"), outside); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "sms.json")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	out := t.TempDir()
	code, msg := runBounded(t, fifoLimit, nil, "check-iocs", "--no-default-iocs", "-i", testIndicators, "-q", "-o", out, dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	if n := countRecords(t, out, "sms"); n > 0 {
		t.Errorf("check-iocs read %d records through a link out of the results folder", n)
	}
}

// TestHostileFIFOiOS: a FIFO where sms.db should be, in a backup, an
// encrypted backup and a filesystem dump: the sms module fails with "not a
// regular file", never "not found" (something is there).
func TestHostileFIFOiOS(t *testing.T) {
	id := source.FileID("HomeDomain", "Library/SMS/sms.db")
	check := func(t *testing.T, fifo string, args ...string) {
		t.Helper()
		out := t.TempDir()
		code, msg := runBounded(t, fifoLimit, []string{fifo}, append(args[:len(args)-1:len(args)-1], "--no-default-iocs", "-q", "-o", out, args[len(args)-1])...)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, msg)
		}
		s := readSummary(t, out)
		assertNoInternalError(t, out, s)
		m := moduleMap(s)["sms"]
		if m.Status != "failed" || !strings.Contains(m.Reason, "not a regular file") || strings.Contains(m.Reason, "not found") {
			t.Errorf("sms: %s %q", m.Status, m.Reason)
		}
		if countRecords(t, out, "tcc") == 0 {
			t.Error("the other modules found nothing")
		}
	}
	t.Run("backup", func(t *testing.T) {
		ev := copyTree(t, iosBackupFixture)
		fifo := mkfifo(t, filepath.Join(ev, id[:2], id))
		check(t, fifo, "ios", "check-backup", ev)
	})
	t.Run("encrypted backup", func(t *testing.T) {
		ev := encryptedFixture(t)
		fifo := mkfifo(t, filepath.Join(ev, id[:2], id))
		check(t, fifo, "ios", "check-backup", "--password-file", writeSecret(t, "correct horse"), ev)
	})
	t.Run("filesystem dump", func(t *testing.T) {
		dump := t.TempDir()
		for rel, onPhone := range map[string]string{"Library/TCC/TCC.db": "private/var/mobile/Library/TCC/TCC.db"} {
			fid := source.FileID("HomeDomain", rel)
			b, err := os.ReadFile(filepath.Join(iosBackupFixture, fid[:2], fid))
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, filepath.Join(dump, onPhone), b)
		}
		fifo := mkfifo(t, filepath.Join(dump, "private/var/mobile/Library/SMS/sms.db"))
		check(t, fifo, "ios", "check-fs", dump)
	})
}

// TestHostileFIFOBackupIndex: a FIFO in place of Manifest.db or Info.plist
// is named as such, not reported as "no iOS backup found", which would tell
// the analyst a file is missing when something was put in its place.
func TestHostileFIFOBackupIndex(t *testing.T) {
	for _, name := range []string{"Manifest.db", "Info.plist"} {
		t.Run(name, func(t *testing.T) {
			ev := copyTree(t, iosBackupFixture)
			fifo := mkfifo(t, filepath.Join(ev, name))
			code, msg := runBounded(t, fifoLimit, []string{fifo}, "ios", "check-backup", "--no-default-iocs", "-o", t.TempDir(), ev)
			if code != ExitFail || !strings.Contains(msg, name+" is not a regular file (a FIFO)") || strings.Contains(msg, "no iOS backup found") {
				t.Errorf("exit %d\n%s", code, msg)
			}
		})
	}
}
