package cli

import (
	"database/sql"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/report"
)

// corruptCase is one command on one fixture whose files are damaged one at
// a time.
type corruptCase struct {
	name string
	// args is the command and its flags, without -o and the target.
	args []string
	// fixture is the folder copied for each run.
	fixture string
	// target turns the copy into the command's argument (default: the copy).
	target func(copy string) string
	// files lists the files to damage, relative to the fixture; nil means
	// every regular file.
	files []string
	// containers are the files that hold the whole evidence: damaging them
	// may make the run impossible (exit 1 with one sentence naming them).
	containers []string
	// names returns how a message may name the file (its base name by
	// default).
	names func(rel string) []string
}

// runHostile runs a command on target and returns the exit code, the
// results folder and the console output.
func runHostile(t *testing.T, args []string, target string) (int, string, string) {
	t.Helper()
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	code := run(t, app, append(append([]string{}, args...), "-q", "-o", out, target)...)
	return code, out, stdout.String() + stderr.String()
}

func (c corruptCase) targetOf(copy string) string {
	if c.target != nil {
		return c.target(copy)
	}
	return copy
}

func (c corruptCase) fileList(t *testing.T) []string {
	if c.files != nil {
		return c.files
	}
	var files []string
	err := filepath.WalkDir(c.fixture, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(c.fixture, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// check runs the matrix: for every file, the modules that read it are found
// by running without the file; then each damaged copy must leave every other
// module as it was, and any module that fails must name the file.
func (c corruptCase) check(t *testing.T) {
	code, baseOut, msg := runHostile(t, c.args, c.targetOf(copyTree(t, c.fixture)))
	if code != 0 {
		t.Fatalf("baseline exit %d\n%s", code, msg)
	}
	base := moduleMap(readSummary(t, baseOut))
	for _, rel := range c.fileList(t) {
		names := []string{path.Base(rel)}
		if c.names != nil {
			names = c.names(rel)
		}
		container := slices.Contains(c.containers, rel)
		// The readers of the file: the modules whose outcome changes when
		// it is missing.
		readers := map[string]bool{}
		if !container {
			cp := copyTree(t, c.fixture)
			if err := os.Remove(filepath.Join(cp, rel)); err != nil {
				t.Fatal(err)
			}
			code, out, msg := runHostile(t, c.args, c.targetOf(cp))
			if code != 0 {
				// Some files are needed to recognise the evidence
				// (Info.plist): an empty one finds the readers then.
				writeAll(t, filepath.Join(cp, rel), nil)
				code, out, msg = runHostile(t, c.args, c.targetOf(cp))
			}
			if code != 0 {
				t.Fatalf("%s removed or empty: exit %d\n%s", rel, code, msg)
			}
			for k, m := range moduleMap(readSummary(t, out)) {
				if !sameOutcome(m, base[k]) {
					readers[k] = true
				}
			}
		}
		for _, d := range damages() {
			t.Run(rel+"/"+d.name, func(t *testing.T) {
				cp := copyTree(t, c.fixture)
				damageFile(t, filepath.Join(cp, rel), d)
				code, out, msg := runHostile(t, c.args, c.targetOf(cp))
				if code != 0 {
					if !container || code != 1 {
						t.Fatalf("exit %d\n%s", code, msg)
					}
					if !oneSentence(msg) || !mentionsAny(lastLine(msg), names) {
						t.Errorf("exit 1 without one sentence naming %v: %q", names, lastLine(msg))
					}
					return
				}
				s := readSummary(t, out)
				assertNoInternalError(t, out, s)
				noticed := false
				for k, m := range moduleMap(s) {
					b := base[k]
					switch {
					case sameOutcome(m, b):
					case m.Status == report.StatusFailed:
						if !mentionsAny(m.Reason, names) {
							t.Errorf("%s failed without naming %v: %s", k, names, m.Reason)
						}
						noticed = true
					case container || readers[k]:
						// A reader of the damaged file may find other
						// records in it (a flipped bit in a value).
					default:
						t.Errorf("%s does not read %s but changed: %s %d records (%s), was %s %d",
							k, rel, m.Status, m.Records, m.Reason, b.Status, b.Records)
					}
				}
				// A file of zeros is no database, plist or JSON: its
				// readers must say so rather than report nothing.
				// A reader that goes on without an optional file (WhatsApp's
				// LID.sqlite) must at least warn about it in command.log.
				noticed = noticed || warnsAbout(readFile(t, filepath.Join(out, "command.log")), names)
				// Line-oriented text (getprop.txt, dumpsys.txt) counts too:
				// content without one line in the expected form fails its
				// readers, naming the file.
				if d.name == "zero-filled" && len(readers) > 0 && !noticed {
					t.Errorf("no module reported the zero-filled %s as failed", rel)
				}
			})
		}
	}
}

// warnsAbout reports whether a warning or error line of command.log names
// one of names.
func warnsAbout(log string, names []string) bool {
	for _, l := range strings.Split(log, "\n") {
		if (strings.Contains(l, " - WARN - ") || strings.Contains(l, " - ERROR - ")) && mentionsAny(l, names) {
			return true
		}
	}
	return false
}

func mentionsAny(s string, names []string) bool {
	for _, n := range names {
		if n != "" && strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// iosBackupNames returns how a message may name a backup file: its file ID,
// or the domain path that Manifest.db gives it.
func iosBackupNames(t *testing.T) func(rel string) []string {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(iosBackupFixture, "Manifest.db")+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	byID := map[string][]string{}
	rows, err := db.Query(`SELECT fileID, domain, relativePath FROM Files`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, domain, rel string
		if err := rows.Scan(&id, &domain, &rel); err != nil {
			t.Fatal(err)
		}
		byID[id] = []string{rel, path.Base(rel)}
	}
	rows.Close()
	return func(rel string) []string {
		id := path.Base(rel)
		return append([]string{id}, byID[id]...)
	}
}

// TestHostileCorruptIOSBackup damages each database and plist of MVT's
// fixture backup in turn and runs ios check-backup on it.
func TestHostileCorruptIOSBackup(t *testing.T) {
	corruptCase{
		name:       "ios check-backup",
		args:       []string{"ios", "check-backup", "--no-default-iocs", "-i", testIndicators},
		fixture:    iosBackupFixture,
		containers: []string{"Manifest.db"},
		names:      iosBackupNames(t),
	}.check(t)
}

// TestHostileCorruptAndroid does the same on the Android fixtures.
func TestHostileCorruptAndroid(t *testing.T) {
	pw := "testdata/password-123456.txt"
	cases := []corruptCase{{
		name:       "androidqf folder",
		args:       []string{"android", "check-androidqf", "-n", "--no-default-iocs", "-i", aqfIndicators},
		fixture:    aqfFolder,
		containers: []string{"backup.ab"},
	}, {
		name:       "bugreport folder",
		args:       []string{"android", "check-bugreport", "--no-default-iocs", "-i", aqfIndicators},
		fixture:    bugreportFolder,
		containers: []string{"main_entry.txt"},
	}, {
		name:       "backup.ab",
		args:       []string{"android", "check-backup", "-n", "--no-default-iocs", "-i", aqfIndicators},
		fixture:    abDir,
		files:      []string{"backup.ab"},
		containers: []string{"backup.ab"},
		target:     func(cp string) string { return filepath.Join(cp, "backup.ab") },
	}, {
		name:       "backup2.ab encrypted",
		args:       []string{"android", "check-backup", "--password-file", pw, "--no-default-iocs", "-i", aqfIndicators},
		fixture:    abDir,
		files:      []string{"backup2.ab"},
		containers: []string{"backup2.ab"},
		target:     func(cp string) string { return filepath.Join(cp, "backup2.ab") },
	}, {
		name:       "backup3.ab",
		args:       []string{"android", "check-backup", "-n", "--no-default-iocs", "-i", aqfIndicators},
		fixture:    abDir,
		files:      []string{"backup3.ab"},
		containers: []string{"backup3.ab"},
		target:     func(cp string) string { return filepath.Join(cp, "backup3.ab") },
	}, {
		name:    "backup folder",
		args:    []string{"android", "check-backup", "-n", "--no-default-iocs", "-i", aqfIndicators},
		fixture: abDir,
		files: []string{"apps/com.android.providers.telephony/d_f/000000_sms_backup",
			"apps/com.android.providers.telephony/d_f/000001_mms_backup"},
		target: func(cp string) string {
			// The folder holds the .ab files too; the folder reader only
			// looks at apps/.
			return cp
		},
	}, {
		name:       "androidqf zip",
		args:       []string{"android", "check-androidqf", "-n", "--no-default-iocs", "-i", aqfIndicators},
		fixture:    filepath.Dir(aqfZip),
		files:      []string{"androidqf.zip"},
		containers: []string{"androidqf.zip"},
		target:     func(cp string) string { return filepath.Join(cp, "androidqf.zip") },
	}}
	for _, c := range cases {
		t.Run(c.name, c.check)
	}
}
