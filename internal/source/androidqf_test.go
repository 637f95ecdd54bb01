package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

const aqfFolder = "testdata/androidqf/folder"

// zipFolder zips dir under prefix (as AndroidQF does in legacy mode, or
// wrapped in one folder) and returns the bytes.
func zipFolder(t *testing.T, dir, prefix string, extra map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(prefix + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range extra {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOpenAndroidQFForms(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	plain := zipFolder(t, aqfFolder, "", nil)
	var enc bytes.Buffer
	w, err := age.Encrypt(&enc, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()

	tests := []struct {
		name     string
		path     string
		identity string
	}{
		{"folder", aqfFolder, ""},
		{"zip", writeTemp(t, "a.zip", plain), ""},
		{"zip in a folder", writeTemp(t, "b.zip", zipFolder(t, aqfFolder, "2c8a1a1e/", nil)), ""},
		{"age", writeTemp(t, "c.zip.age", enc.Bytes()), "# created: now\n" + id.String() + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ident io.Reader
			if tt.identity != "" {
				ident = strings.NewReader(tt.identity)
			}
			a, err := OpenAndroidQF(tt.path, ident)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			// MVT's hashing test: the folder holds 8 files.
			if len(a.Files()) != 8 || a.Files()[0] != "backup.ab" {
				t.Errorf("files = %v", a.Files())
			}
			if got := a.Glob("settings_*.txt"); len(got) != 1 || got[0] != "settings_random.txt" {
				t.Errorf("settings = %v", got)
			}
			if a.BackupName() != "backup.ab" || a.BugreportName() != "" || a.IntrusionLogs() != nil {
				t.Errorf("nested: %q %q", a.BackupName(), a.BugreportName())
			}
			rc, name, err := a.OpenDumpsys()
			if err != nil || name != "dumpsys.txt" {
				t.Fatal(name, err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if len(b) != 21246 {
				t.Errorf("dumpsys.txt = %d bytes, want 21246", len(b))
			}
			ra, size, err := a.OpenNested("backup.ab")
			if err != nil || size != 679 {
				t.Fatal(size, err)
			}
			head := make([]byte, 14)
			ra.ReadAt(head, 0)
			ra.Close()
			if string(head) != "ANDROID BACKUP" {
				t.Errorf("nested read = %q", head)
			}
			if _, err := a.AcquisitionInfo(); !errors.Is(err, ErrNotFound) {
				t.Errorf("acquisition info: %v", err)
			}
			if tz := a.DeviceTimezone(); tz != "" {
				t.Errorf("timezone = %q", tz)
			}
		})
	}
}

func TestOpenAndroidQFMVTZip(t *testing.T) {
	a, err := OpenAndroidQF("testdata/androidqf/androidqf.zip", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if len(a.Files()) != 1 || a.Files()[0] != "getprop.txt" {
		t.Errorf("files = %v", a.Files())
	}
}

func TestAndroidQFMetadata(t *testing.T) {
	extra := map[string]string{
		"acquisition.json":              `{"uuid":"u","androidqf_version":"v2","started":"2025-06-19T17:00:00Z","completed":"2025-06-19T17:10:00Z"}`,
		"adb_host_key.pub":              "QUFBQQ== user@host\n",
		"getprop.txt":                   "[persist.sys.timezone]: [Europe/Paris]\n",
		"intrusion_logs/2025-06-19.txt": "{}\n",
		"x_bugreport.zip":               "PK",
	}
	a, err := OpenAndroidQF(writeTemp(t, "m.zip", zipFolder(t, t.TempDir(), "", extra)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	info, err := a.AcquisitionInfo()
	if err != nil {
		t.Fatal(err)
	}
	if info.Started != "2025-06-19T17:00:00Z" || info.ADBHostPublicKey != "QUFBQQ== user@host" {
		t.Errorf("info = %+v", info)
	}
	if a.DeviceTimezone() != "Europe/Paris" || a.BugreportName() != "x_bugreport.zip" || a.IntrusionLogs() == nil {
		t.Errorf("tz %q bugreport %q", a.DeviceTimezone(), a.BugreportName())
	}
}

func TestAndroidQFBadInput(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	other, _ := age.GenerateX25519Identity()
	var enc bytes.Buffer
	w, _ := age.Encrypt(&enc, id.Recipient())
	w.Write(zipFolder(t, aqfFolder, "", nil))
	w.Close()
	agePath := writeTemp(t, "x.zip.age", enc.Bytes())

	tests := []struct {
		name, path, identity, want string
	}{
		{"not a zip", writeTemp(t, "n.zip", []byte("hello")), "", "not a readable zip"},
		{"dotdot entry", writeTemp(t, "d.zip", zipFolder(t, aqfFolder, "", map[string]string{"../evil.txt": "x"})), "", "unsafe entry name"},
		{"absolute entry", writeTemp(t, "e.zip", zipFolder(t, aqfFolder, "", map[string]string{"/etc/x": "x"})), "", "unsafe entry name"},
		{"drive letter", writeTemp(t, "f.zip", zipFolder(t, aqfFolder, "", map[string]string{"C:/x": "x"})), "", "unsafe entry name"},
		{"age without identity", agePath, "", "identity file"},
		{"age with the wrong key", agePath, other.String(), "does not decrypt"},
		{"age truncated", writeTemp(t, "t.zip.age", enc.Bytes()[:len(enc.Bytes())-100]), id.String(), "decrypting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ident io.Reader
			if tt.identity != "" {
				ident = strings.NewReader(tt.identity)
			}
			a, err := OpenAndroidQF(tt.path, ident)
			if err == nil {
				a.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestOpenNestedSpill(t *testing.T) {
	// A compressed nested entry larger than the memory bound goes to a
	// private temporary file that Close removes.
	a, err := OpenAndroidQF(writeTemp(t, "s.zip", zipFolder(t, aqfFolder, "", nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	ra, n, err := a.spill("dumpsys.txt", strings.NewReader(strings.Repeat("x", 1000)))
	if err != nil || n != 1000 {
		t.Fatal(n, err)
	}
	fi, err := ra.(*os.File).Stat()
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("temp file mode %v", fi.Mode())
	}
	dir := a.tmpDir
	ra.Close()
	a.Close()
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("temporary folder %s left behind", dir)
	}
}

func TestAndroidQFNestedZip(t *testing.T) {
	var inner bytes.Buffer
	zw := zip.NewWriter(&inner)
	w, _ := zw.Create("main_entry.txt")
	w.Write([]byte("dumpstate.txt"))
	zw.Close()
	for _, prefix := range []string{"", "wrapped/"} {
		outer := zipFolder(t, aqfFolder, prefix, map[string]string{prefix + "bugreport.zip": inner.String()})
		a, err := OpenAndroidQF(writeTemp(t, "o.zip", outer), nil)
		if err != nil {
			t.Fatal(err)
		}
		z, closer, err := a.NestedZip(a.BugreportName())
		if err != nil {
			t.Fatalf("prefix %q: %v", prefix, err)
		}
		b, err := fs.ReadFile(z, "main_entry.txt")
		if err != nil || string(b) != "dumpstate.txt" {
			t.Errorf("prefix %q: %q %v", prefix, b, err)
		}
		closer.Close()
		a.Close()
	}
	// From a folder acquisition too.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "getprop.txt"), nil, 0o600)
	os.WriteFile(filepath.Join(dir, "bugreport.zip"), inner.Bytes(), 0o600)
	a, err := OpenAndroidQF(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	z, closer, err := a.NestedZip("bugreport.zip")
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if _, err := fs.Stat(z, "main_entry.txt"); err != nil {
		t.Error(err)
	}
}

// AndroidQF serves the dumpsys-section modules (dumpsys.Provider).
var _ interface {
	OpenDumpsys() (io.ReadCloser, string, error)
} = (*AndroidQF)(nil)
