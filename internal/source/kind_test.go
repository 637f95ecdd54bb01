package source

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// The MVT fixtures shared by every helper (see /work/shared/fixtures/mvt).
const mvtFixtures = "../../../shared/fixtures/mvt"

func needFixtures(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(mvtFixtures); err != nil {
		t.Skipf("needs MVT's fixtures in %s (the shared folder beside the repository): %v", mvtFixtures, err)
	}
}

func writeAllFiles(t *testing.T, root string, files map[string]string) string {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, name)
		dir := filepath.Dir(p)
		if name[len(name)-1] == '/' {
			dir = p
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if dir == p {
			continue
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func tarOf(t testing.TB, gz bool, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var zw *gzip.Writer
	tw := tar.NewWriter(&buf)
	if gz {
		zw = gzip.NewWriter(&buf)
		tw = tar.NewWriter(zw)
	}
	for _, n := range names {
		h := &tar.Header{Name: n, Mode: 0o644, Typeflag: tar.TypeReg, Size: 3}
		if n[len(n)-1] == '/' {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write([]byte("abc"))
		}
	}
	tw.Close()
	if zw != nil {
		zw.Close()
	}
	return buf.Bytes()
}

func detect(t *testing.T, p string) Kind {
	t.Helper()
	k, err := DetectKind(p)
	if err != nil {
		t.Fatalf("DetectKind(%s): %v", p, err)
	}
	return k
}

// TestDetectKindFixtures recognises every real evidence the project holds.
func TestDetectKindFixtures(t *testing.T) {
	needFixtures(t)
	for p, want := range map[string]Kind{
		mvtFixtures + "/ios_backup":                    KindIOSBackup,
		"../ios/testdata/ios_backup":                   KindIOSBackup,
		mvtFixtures + "/androidqf":                     KindAndroidQF,
		mvtFixtures + "/androidqf.zip":                 KindAndroidQF,
		"testdata/androidqf/folder":                    KindAndroidQF,
		"testdata/androidqf/androidqf.zip":             KindAndroidQF,
		mvtFixtures + "/android_data/bugreport":        KindBugreport,
		"testdata/bugreport":                           KindBugreport,
		mvtFixtures + "/android_backup":                KindAndroidBackup,
		mvtFixtures + "/android_backup/backup.ab":      KindAndroidBackup,
		mvtFixtures + "/androidqf_encrypted/backup.ab": KindAndroidBackup,
		"../report/testdata/mvt_ios_backup":            KindResults,
		"../report/testdata/mvt_androidqf":             KindResults,
		mvtFixtures + "/stix2":                         KindUnknown,
		mvtFixtures + "/stix2/cytrox.stix2":            KindUnknown,
	} {
		if got := detect(t, p); got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
}

// TestDetectKindLayouts covers the kinds without a fixture, the wrapped
// layouts and the archives.
func TestDetectKindLayouts(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, files map[string]string) string {
		return writeAllFiles(t, filepath.Join(dir, name), files)
	}
	file := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dns := `{"dns_event": {"hostname": "example.org"}}` + "\n"
	cases := map[string]Kind{
		mk("empty", map[string]string{"x/": ""}):                                                                                                   KindUnknown,
		mk("fsdump", map[string]string{"private/var/mobile/Library/x": "", "System/": ""}):                                                         KindIOSFS,
		mk("wrapped-fs", map[string]string{"dump/private/var/db/x": ""}):                                                                           KindIOSFS,
		mk("MobileSync", map[string]string{"u1/Manifest.db": "", "u1/Info.plist": "", "u2/Manifest.db": "", "u2/Info.plist": "", ".DS_Store": ""}): KindIOSBackup,
		mk("encrypted", map[string]string{"Manifest.db": "", "Manifest.plist": "", "Status.plist": ""}):                                            KindIOSBackup,
		mk("sysdiagnose_2024.01.02_10-00-00+0100_iPhone-OS_iPhone_21A329", map[string]string{"ps.txt": ""}):                                        KindSysdiagnose,
		mk("sd", map[string]string{"sysdiagnose.log": "", "ps.txt": "", "logs/": ""}):                                                              KindSysdiagnose,
		mk("br", map[string]string{"bugreport-panther-UQ1A-2024-01-01-10-00-00.txt": "", "FS/": ""}):                                               KindBugreport,
		mk("aqf", map[string]string{"acquisition.json": "{}", "backup.ab": ""}):                                                                    KindAndroidQF,
		mk("aqf-settings", map[string]string{"settings_global.txt": ""}):                                                                           KindAndroidQF,
		mk("logs", map[string]string{"2025-06-19.txt": dns, "README.md": ""}):                                                                      KindIntrusionLogs,
		mk("intrusion_logs", map[string]string{"older.zip": ""}):                                                                                   KindIntrusionLogs,
		mk("not-logs", map[string]string{"notes.txt": "{\"hello\": 1}"}):                                                                           KindUnknown,
		mk("results", map[string]string{"info.json": "{}", "command.log": "", "sms.json": "[]"}):                                                   KindResults,
		mk("mixed", map[string]string{"a/Manifest.db": "", "a/Info.plist": "", "b/private/var/": ""}):                                              KindUnknown,
		mk("file-beside", map[string]string{"a/Manifest.db": "", "a/Info.plist": "", "notes.txt": ""}):                                             KindUnknown,
		file("fs.tar", tarOf(t, false, "./", "./private/", "./private/var/", "./private/var/mobile/x")):                                            KindIOSFS,
		file("fs.tar.gz", tarOf(t, true, "dump/", "dump/private/var/x")):                                                                           KindIOSFS,
		file("backup.tar", tarOf(t, false, "00008030-001/Manifest.db")):                                                                            KindIOSBackup,
		file("sysdiagnose_2024.tar.gz", []byte{0x1f, 0x8b, 0, 0}):                                                                                  KindSysdiagnose,
		file("sd.tar.gz", tarOf(t, true, "sysdiagnose_2024.01.02/ps.txt")):                                                                         KindSysdiagnose,
		file("other.tar", tarOf(t, false, "a", "b", "c")):                                                                                          KindUnknown,
		file("acq.zip.age", []byte("age-encryption.org/v1\n-> X25519 abc\n")):                                                                      KindAndroidQF,
		file("aqf.zip", buildZip(t, zentry{name: "uuid/getprop.txt", data: []byte("x")})):                                                          KindAndroidQF,
		file("logs.zip", buildZip(t, zentry{name: "2025-06-19.txt", data: []byte(dns)})):                                                           KindIntrusionLogs,
		file("bugreport-x.zip", buildZip(t, zentry{name: "x/y.txt", data: []byte("x")})):                                                           KindBugreport,
		file("fs.zip", buildZip(t, zentry{name: "private/var/mobile/x", data: []byte("x")})):                                                       KindIOSFS,
		file("evil.zip", buildZip(t, zentry{name: "../Manifest.db", data: []byte("x")})):                                                           KindUnknown,
		file("empty.bin", nil):                  KindUnknown,
		file("text.txt", []byte("hello world")): KindUnknown,
	}
	for p, want := range cases {
		if got := detect(t, p); got != want {
			t.Errorf("%s: %q, want %q", filepath.Base(p), got, want)
		}
	}
}

// TestDetectKindHostile: a link out of the folder is never followed (a
// folder holding links to a backup's files is not a backup), a FIFO is never
// opened, and a missing path is an error.
func TestDetectKindHostile(t *testing.T) {
	needFixtures(t)
	dir := t.TempDir()
	abs, _ := filepath.Abs(mvtFixtures + "/ios_backup")
	links := filepath.Join(dir, "links")
	os.Mkdir(links, 0o755)
	for _, n := range []string{"Manifest.db", "Info.plist"} {
		if err := os.Symlink(filepath.Join(abs, n), filepath.Join(links, n)); err != nil {
			t.Skip("no symlinks here:", err)
		}
	}
	os.Symlink(abs, filepath.Join(dir, "links", "sub"))
	if got := detect(t, links); got != KindUnknown {
		t.Errorf("links out of the folder: %q, want unknown", got)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err == nil {
		if got := detect(t, fifo); got != KindUnknown {
			t.Errorf("fifo: %q", got)
		}
	}
	if _, err := DetectKind(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing path is not an error")
	}
	// The argument itself may be a link: the user chose it.
	top := filepath.Join(dir, "top")
	os.Symlink(abs, top)
	if got := detect(t, top); got != KindIOSBackup {
		t.Errorf("link given as the argument: %q", got)
	}
}

// TestDetectKindBounded: a folder with more entries than are listed is
// still recognised by its exact names, quickly.
func TestDetectKindBounded(t *testing.T) {
	dir := t.TempDir()
	for i := range kindMaxListed + 100 {
		os.WriteFile(filepath.Join(dir, "f"+strconv.Itoa(i)), nil, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "getprop.txt"), nil, 0o644)
	if got := detect(t, dir); got != KindAndroidQF {
		t.Errorf("%q, want androidqf", got)
	}
}
