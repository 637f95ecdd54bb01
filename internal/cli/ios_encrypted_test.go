package cli

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioscrypto/testbackup"
)

// encryptedFixture builds an encrypted copy of MVT's fixture backup with
// small iteration counts (the format is the same, only faster to unlock).
func encryptedFixture(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "encrypted")
	os.MkdirAll(dst, 0o755)
	_, err := testbackup.Build(iosBackupFixture, dst, t.TempDir(), testbackup.Options{
		Password: "correct horse", Iter: 10, DPIC: 10, Seed: 7, PadManifest: true})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func writeSecret(t *testing.T, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(s+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func indicatorAlerts(t *testing.T, dir string) map[alertKey]int {
	t.Helper()
	got := map[alertKey]int{}
	for _, a := range readAlerts(t, dir) {
		got[alertKey{a.Level, a.Module}]++
	}
	return got
}

// TestIOSEncryptedBackupInPlace checks an encrypted backup without
// decrypting it to disk: same records and alerts as the plain one, evidence
// untouched, no plaintext left in the temporary folder, password never
// echoed into the outputs.
func TestIOSEncryptedBackupInPlace(t *testing.T) {
	enc := encryptedFixture(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	before := treeHashes(t, enc)

	plain := t.TempDir()
	app, _, _ := testApp(t)
	if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, "-o", plain, iosBackupFixture); code != 0 {
		t.Fatal("plain run failed")
	}
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, "--password-file", writeSecret(t, "correct horse"), "-o", out, enc)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !maps.Equal(before, treeHashes(t, enc)) {
		t.Error("the encrypted evidence changed")
	}
	if got, want := indicatorAlerts(t, out), indicatorAlerts(t, plain); !maps.Equal(got, want) {
		t.Errorf("alerts on the encrypted copy %v, on the plain one %v", got, want)
	}
	// whatsapp is left out: MVT's fixture holds WhatsApp's LID.sqlite
	// without listing it in Manifest.db, and an encrypted backup cannot hold
	// an unlisted file (it has no key), so one LID record is missing there.
	for _, slug := range []string{"sms", "tcc", "datausage", "manifest", "whatsapp_contacts", "global_preferences", "interaction_c"} {
		if a, b := countRecords(t, out, slug), countRecords(t, plain, slug); a != b {
			t.Errorf("%s: %d records encrypted, %d plain", slug, a, b)
		}
	}
	if n := indicatorAlerts(t, out)[alertKey{alert.Critical, "sms"}]; n != 1 {
		t.Errorf("%d CRITICAL sms alerts", n)
	}
	ents, _ := os.ReadDir(tmp)
	if len(ents) != 0 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("temporary folder not empty after the run: %v", names)
	}
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(readFile(t, p), "correct horse") {
			t.Errorf("the password appears in %s", p)
		}
		return nil
	})
}

func TestIOSEncryptedWrongPassword(t *testing.T) {
	enc := encryptedFixture(t)
	app, stdout, stderr := testApp(t)
	code := run(t, app, "ios", "check-backup", "--no-default-iocs", "--password-file", writeSecret(t, "tr0ub4dor"), "-o", t.TempDir(), enc)
	if code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "spyglass: wrong password") {
		t.Errorf("last line %q", last)
	}
	if strings.Contains(stderr.String()+stdout.String(), "tr0ub4dor") {
		t.Error("the password was echoed")
	}
}

// extract-key once, then check and decrypt with the key file.
func TestIOSExtractKeyAndDecrypt(t *testing.T) {
	enc := encryptedFixture(t)
	keyFile := filepath.Join(t.TempDir(), "backup.key")
	t.Setenv("SPYGLASS_IOS_BACKUP_PASSWORD", "")
	app, stdout, stderr := testApp(t)
	app.Getenv = func(k string) string {
		if k == "MVT_IOS_BACKUP_PASSWORD" {
			return "correct horse"
		}
		return ""
	}
	if code := run(t, app, "ios", "extract-key", "-k", keyFile, enc); code != 0 {
		t.Fatalf("extract-key exit %d\n%s\n%s", code, stdout, stderr)
	}
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 || st.Size() != 65 {
		t.Fatalf("key file %v %v", st, err)
	}

	out := t.TempDir()
	app, stdout, stderr = testApp(t)
	if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, "-k", keyFile, "-o", out, enc); code != 0 {
		t.Fatalf("check with key exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := indicatorAlerts(t, out)[alertKey{alert.Critical, "sms"}]; n != 1 {
		t.Errorf("%d CRITICAL sms alerts with the key file", n)
	}

	dest := filepath.Join(t.TempDir(), "decrypted")
	app, stdout, stderr = testApp(t)
	if code := run(t, app, "ios", "decrypt-backup", "-k", keyFile, "-H", "-d", dest, enc); code != 0 {
		t.Fatalf("decrypt exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(readFile(t, filepath.Join(dest, "info.json")), `"decrypted"`) {
		t.Error("no hashes in info.json")
	}
	out2 := t.TempDir()
	app, _, _ = testApp(t)
	if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-i", testIndicators, "-o", out2, dest); code != 0 {
		t.Fatal("check of the decrypted copy failed")
	}
	if got, want := indicatorAlerts(t, out2), indicatorAlerts(t, out); !maps.Equal(got, want) {
		t.Errorf("decrypted copy alerts %v, in-place alerts %v", got, want)
	}
	// The destination may not be inside the evidence.
	app, _, _ = testApp(t)
	if code := run(t, app, "ios", "decrypt-backup", "-k", keyFile, "-d", filepath.Join(enc, "plain"), enc); code == 0 {
		t.Error("decrypt-backup wrote inside the evidence")
	}
}

// Bytes from another implementation (pyiosbackup's synthetic backup, GPL,
// read from ../shared): password 0000 opens it, 0001 does not.
func TestIOSEncryptedOtherImplementation(t *testing.T) {
	dir := "../../../shared/fixtures/ios-encrypted/pyiosbackup-synthetic"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared/fixtures/ios-encrypted is absent (its GPL licence keeps it out of the repository)")
	}
	if testing.Short() {
		t.Skip("derives a key with the production iteration counts (10 million)")
	}
	dest := filepath.Join(t.TempDir(), "d")
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "decrypt-backup", "--password-file", writeSecret(t, "0000"), "-d", dest, dir); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "Manifest.db")); err != nil || !strings.HasPrefix(string(b), "SQLite format 3\x00") {
		t.Errorf("decrypted Manifest.db: %v", err)
	}
}
