package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestHostileSecretsNeverWritten gives each password-taking command its
// password in every way (file, environment, -p), right and wrong, and greps
// stdout, stderr, command.log and every file the command wrote for it. The
// network is closed throughout (testApp fails the test on any dial).
func TestHostileSecretsNeverWritten(t *testing.T) {
	const iosPW, androidPW, wrongPW = "correct horse", "123456", "Tr0ub4dor&3-wrong"
	enc := encryptedFixture(t)
	aqfEnc := copyTree(t, aqfEncrypted)
	ab := filepath.Join(t.TempDir(), "backup2.ab")
	writeAll(t, ab, mustRead(t, abDir+"/backup2.ab"))

	type how struct {
		name string
		args func(pw string) []string
		env  func(pw string) map[string]string
	}
	ways := []how{
		{"file", func(pw string) []string { return []string{"--password-file", writeSecret(t, pw)} }, nil},
		{"env", nil, func(pw string) map[string]string {
			return map[string]string{"SPYGLASS_IOS_BACKUP_PASSWORD": pw, "SPYGLASS_ANDROID_BACKUP_PASSWORD": pw}
		}},
		{"mvt env", nil, func(pw string) map[string]string {
			return map[string]string{"MVT_IOS_BACKUP_PASSWORD": pw, "MVT_ANDROID_BACKUP_PASSWORD": pw}
		}},
		{"-p", func(pw string) []string { return []string{"-p", pw} }, nil},
	}
	commands := []struct {
		name     string
		password string
		// args gets the folder where the command may write (-o, -d, -k).
		args func(dir string) []string
	}{
		{"ios check-backup", iosPW, func(dir string) []string {
			return []string{"ios", "check-backup", "--no-default-iocs", "-o", dir, enc}
		}},
		{"ios decrypt-backup", iosPW, func(dir string) []string {
			return []string{"ios", "decrypt-backup", "-H", "-d", filepath.Join(dir, "plain"), enc}
		}},
		{"ios extract-key", iosPW, func(dir string) []string {
			return []string{"ios", "extract-key", "-k", filepath.Join(dir, "key"), enc}
		}},
		{"android check-backup", androidPW, func(dir string) []string {
			return []string{"android", "check-backup", "-n", "--no-default-iocs", "-o", dir, ab}
		}},
		{"android check-androidqf", androidPW, func(dir string) []string {
			return []string{"android", "check-androidqf", "-n", "--no-default-iocs", "-o", dir, aqfEnc}
		}},
	}
	for _, c := range commands {
		for _, w := range ways {
			for _, right := range []bool{true, false} {
				pw := c.password
				if !right {
					pw = wrongPW
				}
				name := c.name + "/" + w.name
				if !right {
					name += "/wrong"
				}
				t.Run(name, func(t *testing.T) {
					dir := t.TempDir()
					args := c.args(dir)
					if w.args != nil {
						// Flags go before the positional argument.
						last := len(args) - 1
						args = append(append(append([]string{}, args[:last]...), w.args(pw)...), args[last])
					}
					app, stdout, stderr := testApp(t)
					if w.env != nil {
						env := w.env(pw)
						app.Getenv = func(k string) string { return env[k] }
					}
					code := run(t, app, args...)
					// A wrong password stops the iOS commands (exit 1); a
					// wrong Android password inside an acquisition costs
					// the backup modules only.
					if right && code != 0 {
						t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
					}
					if !right && code == 0 && c.name != "android check-androidqf" {
						t.Fatalf("a wrong password was accepted\n%s\n%s", stdout, stderr)
					}
					secret := []byte(pw)
					if bytes.Contains(stdout.Bytes(), secret) || bytes.Contains(stderr.Bytes(), secret) {
						t.Errorf("the password is on the console:\n%s\n%s", stdout, stderr)
					}
					filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
						if err != nil || !d.Type().IsRegular() {
							return err
						}
						if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, secret) {
							i := bytes.Index(b, secret)
							t.Errorf("the password is in %s: …%q…", p, b[max(0, i-60):min(len(b), i+len(secret)+20)])
						}
						return nil
					})
				})
			}
		}
	}
}

// TestHostileNoNetwork runs every command that is not asked to go online,
// with the default (embedded) indicators, on a transport that fails the
// test on any dial.
func TestHostileNoNetwork(t *testing.T) {
	results := t.TempDir()
	logs := t.TempDir()
	intrusionLogExport(t, logs)
	for _, args := range [][]string{
		{"ios", "check-backup", "-o", results, iosBackupFixture},
		{"ios", "check-fs", "-o", t.TempDir(), t.TempDir()},
		{"android", "check-androidqf", "-n", "-o", t.TempDir(), aqfFolder},
		{"android", "check-bugreport", "-o", t.TempDir(), bugreportFolder},
		{"android", "check-backup", "-n", "-o", t.TempDir(), abDir + "/backup.ab"},
		{"android", "check-intrusion-logs", "-o", t.TempDir(), logs},
		{"check-iocs", "-o", t.TempDir(), results},
		{"report", "-o", filepath.Join(t.TempDir(), "r.html"), results},
		{"iocs", "list"},
		{"iocs", "check", "weather4free.com"}, // an indicator: exit 0 (1 means none is)
		{"demo", "-o", t.TempDir()},
	} {
		t.Run(args[0]+" "+args[1], func(t *testing.T) {
			app, stdout, stderr := testApp(t)
			if code := run(t, app, append([]string{}, args...)...); code != 0 {
				t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
			}
		})
	}
}
