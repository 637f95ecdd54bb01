package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The MVT fixture backup, kept once in the ios package's testdata.
const fixtureBackup = "../ios/testdata/ios_backup"

func TestIOSBackupFind(t *testing.T) {
	b, err := OpenIOSBackup(fixtureBackup)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	defer b.Close()
	tests := []struct {
		name string
		q    IOSQuery
		want []string
	}{
		{"domain path", IOSQuery{DomainPaths: []string{"HomeDomain-Library/SMS/sms.db"}}, []string{"3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"}},
		// LID.sqlite is in the folder but not in Manifest.db: found by its ID.
		{"unlisted by ID", IOSQuery{DomainPaths: []string{"AppDomainGroup-group.net.whatsapp.WhatsApp.shared-LID.sqlite"}}, []string{"e7/e794f6ffcc3c222535f47684a63d5178da3c4500"}},
		{"wildcard", IOSQuery{RelativePaths: []string{"Library/Safari/*BrowserState.db"}}, []string{"3a/3a47b0981ed7c10f3e2800aa66bac96a3b5db28e"}},
		{"listed but absent", IOSQuery{RelativePaths: []string{"Library/Safari/History.db"}}, nil},
		{"dedup", IOSQuery{DomainPaths: []string{"HomeDomain-Library/TCC/TCC.db"}, RelativePaths: []string{"Library/TCC/TCC.db"}}, []string{"64/64d0019cb3d46bfc8cce545a8ba54b93e7ea9347"}},
		{"bad name", IOSQuery{DomainPaths: []string{"nodash"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.Find(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, f := range got {
				paths = append(paths, f.Path)
			}
			if strings.Join(paths, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", paths, tt.want)
			}
		})
	}
	if n := len(b.Files()); n == 0 || n > 3721 {
		t.Errorf("Files() = %d entries", n)
	}
}

func mkBackup(t *testing.T, dir string, manifest []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "Manifest.db"), manifest, 0o644)
	os.WriteFile(filepath.Join(dir, "Info.plist"), []byte("<plist/>"), 0o644)
}

func TestFindIOSBackup(t *testing.T) {
	base := t.TempDir()
	one := filepath.Join(base, "one")
	mkBackup(t, filepath.Join(one, "00008030-AAAA"), []byte("x"))
	os.MkdirAll(filepath.Join(one, "not-a-backup"), 0o755)
	two := filepath.Join(base, "two")
	mkBackup(t, filepath.Join(two, "UDID1"), []byte("x"))
	mkBackup(t, filepath.Join(two, "UDID2"), []byte("x"))
	none := filepath.Join(base, "none")
	os.MkdirAll(filepath.Join(none, "sub"), 0o755)

	tests := []struct {
		in      string
		want    string
		wantErr error
	}{
		{fixtureBackup, fixtureBackup, nil},
		{one, filepath.Join(one, "00008030-AAAA"), nil},
		{filepath.Join(one, "00008030-AAAA"), filepath.Join(one, "00008030-AAAA"), nil},
		{two, "", ErrSeveralIOSBackups},
		{none, "", ErrNoIOSBackup},
	}
	for _, tt := range tests {
		got, err := FindIOSBackup(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: err = %v, want %v", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	_, err := FindIOSBackup(two)
	if err == nil || !strings.Contains(err.Error(), "UDID1") || !strings.Contains(err.Error(), "UDID2") {
		t.Errorf("several: error does not list the backups: %v", err)
	}
	_, err = FindIOSBackup(none)
	if err == nil || !strings.Contains(err.Error(), "Manifest.db and Info.plist") {
		t.Errorf("none: error does not say what a backup looks like: %v", err)
	}
}

func TestOpenIOSBackupEncrypted(t *testing.T) {
	dir := t.TempDir()
	mkBackup(t, dir, []byte("\x8f\x01 this is ciphertext, not SQLite at all........"))
	_, err := OpenIOSBackup(dir)
	if !errors.Is(err, ErrEncryptedBackup) {
		t.Errorf("err = %v, want ErrEncryptedBackup", err)
	}
}

func TestIOSDumpFind(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.db"), []byte("outside"), 0o644)
	dir := t.TempDir()
	w := func(p string) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w("private/var/mobile/Library/SMS/sms.db")
	w("private/var/mobile/Containers/Shared/AppGroup/AAA/ChatStorage.sqlite")
	w("private/var/mobile/Containers/Shared/AppGroup/BBB/ChatStorage.sqlite")
	w("private/var/mobile/Containers/Shared/AppGroup/BBB/deeper/ChatStorage.sqlite")
	os.MkdirAll(filepath.Join(dir, "private/var/mobile/Containers/Shared/AppGroup/ZZZ"), 0o755)
	// Links that leave the dump: absolute, relative, and a linked folder.
	os.Symlink(filepath.Join(outside, "secret.db"), filepath.Join(dir, "private/var/mobile/Containers/Shared/AppGroup/ZZZ/ChatStorage.sqlite"))
	os.Symlink("../../../../../../../"+filepath.Base(outside), filepath.Join(dir, "private/var/mobile/Containers/Shared/AppGroup/YYY"))
	os.Symlink(outside, filepath.Join(dir, "private/var/mobile/Library/TCC"))

	d, err := OpenIOSDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	tests := []struct {
		globs []string
		want  string
	}{
		{[]string{"private/var/mobile/Library/SMS/sms.db"}, "private/var/mobile/Library/SMS/sms.db"},
		{[]string{"/private/var/mobile/Library/SMS/sms.db", "private/var/mobile/Library/SMS/sms.db"}, "private/var/mobile/Library/SMS/sms.db"},
		{[]string{"private/var/mobile/Containers/Shared/AppGroup/*/ChatStorage.sqlite"},
			"private/var/mobile/Containers/Shared/AppGroup/AAA/ChatStorage.sqlite,private/var/mobile/Containers/Shared/AppGroup/BBB/ChatStorage.sqlite"},
		{[]string{"private/var/mobile/Library/TCC/secret.db"}, ""},
		{[]string{"private/var/mobile/Containers/Shared/AppGroup/YYY/secret.db"}, ""},
		{[]string{"../" + filepath.Base(outside) + "/secret.db"}, ""},
		{[]string{"private/var/mobile/Library/*"}, ""}, // folders are not files
	}
	for _, tt := range tests {
		got, err := d.Find(IOSQuery{FSGlobs: tt.globs, DomainPaths: []string{"HomeDomain-Library/SMS/sms.db"}})
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, f := range got {
			paths = append(paths, f.Path)
			if f.RelativePath != f.Path || f.Domain != "" {
				t.Errorf("%+v: dump files have no domain and RelativePath == Path", f)
			}
		}
		if strings.Join(paths, ",") != tt.want {
			t.Errorf("%v: got %v, want %v", tt.globs, paths, tt.want)
		}
	}
	// Reading through the link out of the dump fails too.
	if _, err := d.FS().Open("private/var/mobile/Containers/Shared/AppGroup/ZZZ/ChatStorage.sqlite"); err == nil {
		t.Error("a link out of the dump was followed")
	}
}
