package source

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// knownKinds are every value DetectKind may return.
var knownKinds = map[Kind]bool{KindUnknown: true, KindIOSBackup: true, KindIOSFS: true, KindSysdiagnose: true,
	KindAndroidQF: true, KindBugreport: true, KindAndroidBackup: true, KindIntrusionLogs: true, KindResults: true}

// FuzzTreeKind explores folder layouts (as zip entry names, see
// fuzzLayout): recognition never panics, never takes long, and returns a
// known kind.
func FuzzTreeKind(f *testing.F) {
	f.Add("Manifest.db\nInfo.plist\n00/", "")
	f.Add("uuid/getprop.txt\nuuid/packages.json", "")
	f.Add("a/private/var/x\nb/Manifest.db\nb/Info.plist", "")
	f.Add("main_entry.txt\nbugreport-x.txt\nFS/data/x", "")
	f.Add("2025.txt\nintrusion_logs/a.txt", `{"dns_event": {}}`)
	f.Add("info.json\ncommand.log\nsms.json", "")
	f.Fuzz(func(t *testing.T, names, body string) {
		z, ok := fuzzLayout(t, names, body)
		if !ok {
			return
		}
		start := time.Now()
		k := treeKind(z, "fuzz")
		if !knownKinds[k] {
			t.Fatalf("unknown kind %q", k)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}

// FuzzFileKind explores single files: magic bytes, tar and zip headers.
func FuzzFileKind(f *testing.F) {
	f.Add([]byte("ANDROID BACKUP\n5\n1\nnone\n"), "backup.ab")
	f.Add([]byte("age-encryption.org/v1\n"), "a.zip.age")
	f.Add(tarOf(f, false, "./private/var/x"), "fs.tar")
	f.Add(tarOf(f, true, "sysdiagnose_1/ps.txt"), "s.tar.gz")
	f.Add(buildZip(f, zentry{name: "getprop.txt", data: []byte("x")}), "aqf.zip")
	f.Add([]byte("PK\x05\x06"), "bugreport.zip")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		base := filepath.Base(filepath.Clean("/" + name))
		if base == "/" || base == "." || len(base) > 200 {
			base = "evidence"
		}
		p := filepath.Join(t.TempDir(), base)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			return // a name the filesystem refuses
		}
		k, err := DetectKind(p)
		if err != nil || !knownKinds[k] {
			t.Fatalf("%q, %v", k, err)
		}
	})
}
