package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHostileSymlinks replaces one artifact of each folder-shaped evidence
// by a symlink to the same bytes outside the evidence (and, for some, a
// folder by a symlink to a folder outside): the module that would read it
// must not find its records there.
func TestHostileSymlinks(t *testing.T) {
	smsID := "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"
	cases := []struct {
		name    string
		args    []string
		fixture string
		link    string // relative path replaced by a symlink leading outside
		module  string // summary key of the module reading it
		records int    // what it finds when the file is inside
	}{
		{"ios backup file", []string{"ios", "check-backup", "--no-default-iocs"}, iosBackupFixture, smsID, "sms", 1},
		{"ios backup folder", []string{"ios", "check-backup", "--no-default-iocs"}, iosBackupFixture, "3d", "sms", 1},
		{"androidqf file", []string{"android", "check-androidqf", "-n", "--no-default-iocs"}, aqfFolder, "getprop.txt", "androidqf/aqf_get_prop", 10},
		{"androidqf nested backup", []string{"android", "check-androidqf", "-n", "--no-default-iocs"}, aqfFolder, "backup.ab", "backup/sms", 2},
		{"bugreport file", []string{"android", "check-bugreport", "--no-default-iocs"}, bugreportFolder, "dumpstate.txt", "dumpsys_appops", 12},
		{"bugreport folder", []string{"android", "check-bugreport", "--no-default-iocs"}, bugreportFolder, "FS/data/tombstones", "tombstones", 2},
		{"backup folder file", []string{"android", "check-backup", "-n", "--no-default-iocs"}, abDir,
			"apps/com.android.providers.telephony/d_f/000000_sms_backup", "sms", 2},
		{"backup folder folder", []string{"android", "check-backup", "-n", "--no-default-iocs"}, abDir,
			"apps/com.android.providers.telephony", "sms", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := copyTree(t, c.fixture)
			code, out, msg := runHostile(t, c.args, ev)
			if code != 0 {
				t.Fatalf("baseline exit %d\n%s", code, msg)
			}
			if n := moduleMap(readSummary(t, out))[c.module].Records; n != c.records {
				t.Fatalf("baseline %s: %d records, want %d", c.module, n, c.records)
			}
			outside := filepath.Join(t.TempDir(), "outside")
			if err := os.Rename(filepath.Join(ev, c.link), outside); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(ev, c.link)); err != nil {
				t.Skip("symlinks unsupported:", err)
			}
			code, out, msg = runHostile(t, c.args, ev)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, msg)
			}
			s := readSummary(t, out)
			assertNoInternalError(t, out, s)
			// Fewer records than with the file inside: the link was not
			// followed (other files may still give some).
			if m := moduleMap(s)[c.module]; m.Records >= c.records {
				t.Errorf("%s read %d records through the symlink (%s %q)", c.module, m.Records, m.Status, m.Reason)
			}
		})
	}
	t.Run("intrusion logs", func(t *testing.T) {
		ev := t.TempDir()
		outside := filepath.Join(t.TempDir(), "day.txt")
		writeAll(t, outside, []byte(dnsEventLine))
		if err := os.Symlink(outside, filepath.Join(ev, "day.txt")); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
		writeAll(t, filepath.Join(ev, "other.txt"), []byte("\n"))
		code, out, msg := runHostile(t, []string{"android", "check-intrusion-logs", "--no-default-iocs"}, ev)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, msg)
		}
		if n := countRecords(t, out, "dns_event"); n != 0 {
			t.Errorf("dns_event read %d records through the symlink", n)
		}
	})
}
