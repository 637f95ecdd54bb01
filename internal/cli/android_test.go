package cli

import (
	"maps"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// MVT fixtures kept by the Android packages (MVT License 1.1, see their
// testdata/SOURCE.md).
const (
	aqfFolder       = "../android/androidqf/testdata/androidqf"
	aqfZip          = "../android/androidqf/testdata/androidqf.zip"
	aqfEncrypted    = "../android/androidqf/testdata/androidqf_encrypted"
	bugreportFolder = "../android/bugreport/testdata/bugreport"
	abDir           = "../android/backup/testdata"
	aqfIndicators   = "../android/androidqf/testdata/test_indicators.stix2"
)

type androidCase struct {
	name    string
	args    []string
	target  string
	records map[string]int
	alerts  map[alertKey]int
}

// TestAndroidConformance runs each Android command on MVT's fixtures with
// MVT's test indicators and asserts the numbers of EXPECTED.md.
func TestAndroidConformance(t *testing.T) {
	cases := []androidCase{{
		name:   "androidqf folder",
		args:   []string{"android", "check-androidqf"},
		target: aqfFolder,
		records: map[string]int{"aqf_files": 3, "aqf_get_prop": 10, "aqf_packages": 7, "aqf_processes": 15,
			"aqf_settings": 1, "root_binaries": 4, "sms": 2},
		alerts: map[alertKey]int{
			{alert.Medium, "aqf_packages"}: 4, {alert.Informational, "aqf_packages"}: 1,
			{alert.Medium, "aqf_settings"}: 1, {alert.High, "root_binaries"}: 4,
			// Beyond MVT, which skips the acquisition's dumpsys.txt: the
			// dumpsys modules run on it and find what the bugreport
			// modules find in a bugreport (accessibility services and
			// appops heuristics; the ADB key without acquisition.json).
			{alert.Medium, "dumpsys_accessibility"}: 4, {alert.Medium, "dumpsys_appops"}: 1,
			{alert.Low, "dumpsys_adb_state"}: 1,
		},
	}, {
		name:    "androidqf zip",
		args:    []string{"android", "check-androidqf"},
		target:  aqfZip,
		records: map[string]int{"aqf_get_prop": 10},
		alerts:  map[alertKey]int{},
	}, {
		name:    "androidqf encrypted backup",
		args:    []string{"android", "check-androidqf", "--password-file", "testdata/password-123456.txt"},
		target:  aqfEncrypted,
		records: map[string]int{"sms": 1},
		alerts:  map[alertKey]int{},
	}, {
		name:    "bugreport folder",
		args:    []string{"android", "check-bugreport"},
		target:  bugreportFolder,
		records: map[string]int{"dumpsys_appops": 12, "dumpsys_packages": 2, "dumpsys_platform_compat": 2, "tombstones": 2},
		alerts:  map[alertKey]int{{alert.Medium, "dumpsys_appops"}: 1, {alert.Medium, "tombstones"}: 2},
	}, {
		name:    "backup.ab",
		args:    []string{"android", "check-backup"},
		target:  abDir + "/backup.ab",
		records: map[string]int{"sms": 2},
		alerts:  map[alertKey]int{},
	}, {
		name:    "backup2.ab encrypted",
		args:    []string{"android", "check-backup", "--password-file", "testdata/password-123456.txt"},
		target:  abDir + "/backup2.ab",
		records: map[string]int{"sms": 1},
		alerts:  map[alertKey]int{},
	}, {
		name:    "backup3.ab",
		args:    []string{"android", "check-backup"},
		target:  abDir + "/backup3.ab",
		records: map[string]int{"sms": 1},
		alerts:  map[alertKey]int{},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := treeHashes(t, c.target)
			out := t.TempDir()
			app, stdout, stderr := testApp(t)
			args := append(append([]string{}, c.args...), "--no-default-iocs", "-i", aqfIndicators, "-o", out, c.target)
			if code := run(t, app, args...); code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			if !maps.Equal(before, treeHashes(t, c.target)) {
				t.Fatal("the evidence changed during the run")
			}
			for slug, want := range c.records {
				if got := countRecords(t, out, slug); got != want {
					t.Errorf("%s: %d records, want %d", slug, got, want)
				}
			}
			got := map[alertKey]int{}
			var msgs []string
			if len(c.alerts) > 0 {
				for _, a := range readAlerts(t, out) {
					got[alertKey{a.Level, a.Module}]++
					msgs = append(msgs, a.Level.String()+" "+a.Module+": "+a.Message)
				}
			}
			if !maps.Equal(got, c.alerts) {
				t.Errorf("alerts:\n%s\ngot  %v\nwant %v", strings.Join(msgs, "\n"), got, c.alerts)
			}
			// Android timelines keep device local time, and say so.
			if tl := readFile(t, out+"/timeline.csv"); tl != "" && !strings.HasPrefix(tl, `"Device Local Timestamp"`) {
				t.Errorf("timeline header: %.60s", tl)
			}
		})
	}
}

func TestAndroidBackupWrongPassword(t *testing.T) {
	app, stdout, stderr := testApp(t)
	code := run(t, app, "android", "check-backup", "-n", "--password-file", "testdata/password-wrong.txt", "-o", t.TempDir(), abDir+"/backup2.ab")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	msg := lines[len(lines)-1]
	if !strings.HasPrefix(msg, "spyglass: invalid backup password") {
		t.Errorf("want one sentence about the password, got %q", msg)
	}
	if strings.Contains(stderr.String()+stdout.String(), "wrongpassword") {
		t.Errorf("the password leaked into the message: %q", msg)
	}
}

func TestAndroidBackupBogusHeader(t *testing.T) {
	app, _, stderr := testApp(t)
	code := run(t, app, "android", "check-backup", "-n", "-o", t.TempDir(), "testdata/password-123456.txt")
	if code != 1 || !strings.Contains(stderr.String(), "not an Android backup") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
