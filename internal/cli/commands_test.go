package cli

import (
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// A misspelt or unknown subcommand is a usage error (2) that names the
// nearest command, at every level; before, a group printed its help and
// exited 0, so a script calling MVT's spelling "succeeded".
func TestUnknownSubcommand(t *testing.T) {
	for _, c := range []struct {
		args    []string
		suggest string
	}{
		{[]string{"ios", "check-bakup", "x"}, `did you mean "spyglass ios check-backup"?`},
		{[]string{"ios", "check-bakup", "-o", "out", "--fast", "x"}, `did you mean "spyglass ios check-backup"?`},
		{[]string{"ios", "chek-fs"}, `did you mean "spyglass ios check-fs"?`},
		{[]string{"android", "check-bugrepot"}, `did you mean "spyglass android check-bugreport"?`},
		{[]string{"iocs", "chek", "x"}, `did you mean "spyglass iocs check"?`},
		{[]string{"demoo"}, `did you mean "spyglass demo"?`},
		{[]string{"android", "zzzzzz"}, `"spyglass android --help" lists the commands`},
	} {
		app, stdout, stderr := testApp(t)
		code := run(t, app, c.args...)
		if code != ExitUsage || !strings.Contains(stderr.String(), "unknown command") || !strings.Contains(stderr.String(), c.suggest) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %s", c.args, code, stderr, c.suggest)
		}
		if stdout.Len() != 0 {
			t.Errorf("%v printed help on stdout: %q", c.args, stdout)
		}
	}
	// An unknown flag on a group is still a usage error.
	for _, args := range [][]string{{"--no-such-flag"}, {"ios", "--no-such-flag"}} {
		app, _, stderr := testApp(t)
		if code := run(t, app, args...); code != ExitUsage || !strings.Contains(stderr.String(), "unknown flag") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	// A group on its own still shows its commands.
	app, stdout, _ := testApp(t)
	if code := run(t, app, "ios"); code != ExitOK || !strings.Contains(stdout.String(), "check-backup") {
		t.Errorf("ios alone: exit %d\n%s", code, stdout)
	}
}

// android check-adb, MVT's live acquisition, explains that AndroidQF does
// that and fails (1), whatever flags MVT's form passes.
func TestAndroidCheckADB(t *testing.T) {
	for _, args := range [][]string{{"android", "check-adb"}, {"android", "check-adb", "--serial", "X", "-o", "out"}} {
		app, stdout, stderr := testApp(t)
		code := run(t, app, args...)
		msg := stderr.String()
		if code != ExitFail || !strings.Contains(msg, androidQFURL) || !strings.Contains(msg, "spyglass android check-androidqf") || stdout.Len() != 0 {
			t.Errorf("%v: exit %d\n%s", args, code, msg)
		}
	}
}

// ios check-iocs, MVT's form, needs no -o: it prints what it found and
// leaves nothing behind, neither in the folder read nor in the temporary
// folder.
func TestMVTCheckIOCsWithoutOutput(t *testing.T) {
	first := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-o", first, iosBackupFixture); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	before := treeHashes(t, first)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, group := range []string{"ios", "android"} {
		app, stdout, stderr = testApp(t)
		if code := run(t, app, group, "check-iocs", "--no-default-iocs", "-i", testIndicators, first); code != ExitOK {
			t.Fatalf("%s check-iocs: exit %d\n%s\n%s", group, code, stdout, stderr)
		}
		if !strings.Contains(stdout.String(), "CRITICAL") {
			t.Errorf("%s check-iocs printed no detection:\n%s\n%s", group, stdout, stderr)
		}
	}
	if !maps.Equal(before, treeHashes(t, first)) {
		t.Error("check-iocs changed the folder it read")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in the temporary folder: %v", left)
	}
	// With -o it writes the results, as the top-level command does.
	out := filepath.Join(t.TempDir(), "recheck")
	app, _, _ = testApp(t)
	if code := run(t, app, "ios", "check-iocs", "--no-default-iocs", "-i", testIndicators, "-o", out, first); code != ExitOK {
		t.Fatalf("with -o: exit %d", code)
	}
	if n := indicatorAlerts(t, out)[alertKey{alert.Critical, "sms"}]; n != 1 {
		t.Errorf("%d CRITICAL sms alerts, want 1", n)
	}
	// The top-level spelling still insists on -o.
	app, _, _ = testApp(t)
	if code := run(t, app, "check-iocs", first); code != ExitUsage {
		t.Errorf("check-iocs without -o: exit %d, want 2", code)
	}
}

// ios/android download-iocs is iocs update: the same request, the same
// failure sentence.
func TestMVTDownloadIOCs(t *testing.T) {
	var outs []string
	for _, args := range [][]string{{"iocs", "update"}, {"ios", "download-iocs"}, {"android", "download-iocs"}} {
		app, _, errb := iocsApp(t, nil)
		var asked []string
		app.HTTPClient = offlineClient(&asked)
		code := Execute(t.Context(), app, append(args, "--dir", t.TempDir(), "--url", "https://feeds.example/indicators.yaml"))
		if code != ExitFail || len(asked) != 1 || asked[0] != "https://feeds.example/indicators.yaml" {
			t.Errorf("%v: exit %d, requests %v", args, code, asked)
		}
		outs = append(outs, errb.String())
	}
	if outs[0] != outs[1] || outs[0] != outs[2] {
		t.Errorf("different messages: %q", outs)
	}
}

func TestVersion(t *testing.T) {
	app, stdout, _ := testApp(t)
	if code := run(t, app, "version"); code != ExitOK || !strings.HasPrefix(stdout.String(), "spyglass test\ngo: go1.") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
	var b strings.Builder
	printVersion(&b, "1.2.3", &debug.BuildInfo{GoVersion: "go1.26.0", Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"}}})
	if got := b.String(); !strings.Contains(got, "spyglass 1.2.3\ngo: go1.26.0 ") || !strings.Contains(got, "commit: 0123abcd (2026-01-02T03:04:05Z), with uncommitted changes\n") {
		t.Errorf("printVersion:\n%s", got)
	}
}

// iocs check answers as grep does: 0 some value is an indicator, 1 none
// is, 2 an error (an empty value, an unreadable indicator file).
func TestIOCsCheckExitCodes(t *testing.T) {
	stix := []string{"iocs", "check", "--no-default-iocs", "-i", testIndicators}
	for _, c := range []struct {
		values []string
		code   int
	}{
		{[]string{"example.org"}, ExitOK},
		{[]string{"nothing.example", "example.org"}, ExitOK},
		{[]string{"nothing.example"}, ExitFail},
		{[]string{"nothing.example", "other.example"}, ExitFail},
		{[]string{""}, ExitUsage},
		{[]string{"example.org", "  "}, ExitUsage},
	} {
		app, stdout, stderr := testApp(t)
		if code := run(t, app, append(stix, c.values...)...); code != c.code {
			t.Errorf("%q: exit %d, want %d\n%s%s", c.values, code, c.code, stdout, stderr)
		}
		if c.code == ExitFail && stderr.Len() != 0 {
			t.Errorf("%q: a clean answer printed an error: %q", c.values, stderr)
		}
	}
	app, _, stderr := testApp(t)
	if code := run(t, app, "iocs", "check", "-i", filepath.Join(t.TempDir(), "missing.stix2"), "x"); code != ExitUsage || !strings.Contains(stderr.String(), "no such file or folder") {
		t.Errorf("missing indicator file: exit %d, %q", code, stderr)
	}
}

// Writing inside the evidence is a usage error (2) in every command that
// writes: -o of the check commands, -d of decrypt-backup, -k of
// extract-key (before, decrypt-backup exited 1 and extract-key wrote its key
// into the backup).
func TestOutputInsideEvidenceIsUsageError(t *testing.T) {
	enc := encryptedFixture(t)
	before := treeHashes(t, enc)
	withPassword := func(app *App) {
		app.Getenv = func(k string) string {
			if k == "MVT_IOS_BACKUP_PASSWORD" {
				return "correct horse"
			}
			return ""
		}
	}
	// check-fs and check-bugreport refuse a backup as the wrong kind before
	// looking at -o: they get evidence of no known kind (an empty folder).
	empty := t.TempDir()
	for _, args := range [][]string{
		{"ios", "check-backup", "--no-default-iocs", "-o", filepath.Join(enc, "out"), enc},
		{"ios", "check-fs", "--no-default-iocs", "-o", filepath.Join(empty, "out"), empty},
		{"ios", "decrypt-backup", "-d", filepath.Join(enc, "plain"), enc},
		{"ios", "extract-key", "-k", filepath.Join(enc, "backup.key"), enc},
		{"android", "check-bugreport", "--no-default-iocs", "-o", filepath.Join(empty, "out"), empty},
	} {
		app, stdout, stderr := testApp(t)
		withPassword(app)
		if code := run(t, app, args...); code != ExitUsage || !strings.Contains(stderr.String(), "inside") {
			t.Errorf("%v: exit %d\n%s%s", args[:2], code, stdout, stderr)
		}
	}
	// Through a symbolic link to the backup too.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(enc, link); err == nil {
		app, _, stderr := testApp(t)
		withPassword(app)
		if code := run(t, app, "ios", "extract-key", "-k", filepath.Join(link, "k"), enc); code != ExitUsage {
			t.Errorf("extract-key through a link: exit %d %s", code, stderr)
		}
	}
	if !maps.Equal(before, treeHashes(t, enc)) {
		t.Error("the evidence changed")
	}
}

// A path that does not exist is one sentence, without Go's "stat …: no
// such file or directory", in every command that reads one.
func TestMissingPathSentence(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	for _, args := range [][]string{
		{"ios", "check-backup"}, {"ios", "check-fs"}, {"ios", "decrypt-backup", "-d", t.TempDir() + "/d"}, {"ios", "extract-key"},
		{"android", "check-androidqf"}, {"android", "check-bugreport"}, {"android", "check-backup"}, {"android", "check-intrusion-logs"},
		{"report"},
	} {
		app, _, stderr := testApp(t)
		code := run(t, app, append(args, missing)...)
		msg := stderr.String()
		if code != ExitFail || !strings.Contains(msg, missing+": no such file or folder") ||
			strings.Contains(msg, "stat ") || strings.Contains(msg, "directory") {
			t.Errorf("%v: exit %d, %q", args, code, msg)
		}
	}
}

// The README's exit-code table, for every command: a flag it does not have
// and a missing argument are usage errors (2).
func TestUsageErrorsExit2(t *testing.T) {
	for _, cmd := range [][]string{
		{"ios", "check-backup"}, {"ios", "check-fs"}, {"ios", "decrypt-backup"}, {"ios", "extract-key"}, {"ios", "check-iocs"},
		{"android", "check-androidqf"}, {"android", "check-bugreport"}, {"android", "check-backup"}, {"android", "check-intrusion-logs"},
		{"android", "check-iocs"}, {"check-iocs"}, {"report"}, {"iocs", "check"},
	} {
		for _, extra := range [][]string{{"--no-such-flag", "x"}, {}} {
			app, _, stderr := testApp(t)
			if code := run(t, app, append(cmd, extra...)...); code != ExitUsage {
				t.Errorf("%v %v: exit %d, want 2 (%s)", cmd, extra, code, stderr)
			}
		}
	}
	for _, cmd := range [][]string{{"iocs", "list"}, {"iocs", "update"}, {"ios", "download-iocs"}, {"version"}, {"demo"}} {
		app, _, stderr := testApp(t)
		if code := run(t, app, append(cmd, "--no-such-flag")...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", cmd, code, stderr)
		}
	}
}
