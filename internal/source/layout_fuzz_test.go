package source

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
)

// fuzzLayout builds a zip whose entry names are the lines of names (each
// entry holding its own name, or body for main_entry.txt and getprop.txt):
// the fuzzer then explores folder layouts — wrapping folders, markers,
// names with "..", duplicates, main_entry.txt pointing anywhere — rather
// than zip bytes, which FuzzZipFS covers.
func fuzzLayout(t *testing.T, names, body string) (*ZipFS, bool) {
	var entries []zentry
	for i, n := range strings.Split(names, "\n") {
		if i == 64 {
			break
		}
		data := []byte(n)
		if strings.HasSuffix(n, "/") {
			data = nil // a folder entry holds nothing
		} else if strings.HasSuffix(n, "main_entry.txt") || strings.HasSuffix(n, "getprop.txt") {
			data = []byte(body)
		}
		entries = append(entries, zentry{name: n, data: data})
	}
	b := buildZip(t, entries...)
	z, err := NewZipFS(bytes.NewReader(b), int64(len(b)), "fuzz.zip", ZipOptions{MaxEntrySize: 1 << 20, MaxNestedInMemory: 1 << 20})
	return z, err == nil
}

func FuzzAndroidQFIndex(f *testing.F) {
	f.Add("acquisition.json\ngetprop.txt\ndumpsys.txt\nsms/sms.json\nbugreport.zip", "[persist.sys.timezone]: [Europe/Paris]")
	f.Add("uuid/packages.json\nuuid/settings_global.txt\nuuid/intrusion_logs/a.json\nother/x", "")
	f.Add("a/getprop.txt\nb/getprop.txt\n../getprop.txt\n/abs/backup.ab\nX-backup.ab", "[persist.sys.timezone]: [")
	f.Fuzz(func(t *testing.T, names, body string) {
		z, ok := fuzzLayout(t, names, body)
		if !ok {
			return
		}
		a := &AndroidQF{path: "fuzz.zip", fsys: z, zip: z}
		if err := a.index(); err != nil {
			return
		}
		for _, name := range a.Files() {
			if !fs.ValidPath(name) || !a.Has(name) {
				t.Fatalf("indexed name %q is not a valid, findable path", name)
			}
			if _, err := a.ReadSmall(name); err != nil && errors.Is(err, ErrNotFound) {
				t.Fatalf("indexed file %q reported missing", name)
			}
		}
		a.Glob("settings_*.txt")
		a.DeviceTimezone()
		a.AcquisitionInfo()
		if n := a.BugreportName(); n != "" && !a.Has(n) {
			t.Fatalf("bugreport %q not in the index", n)
		}
		if n := a.BackupName(); n != "" && !a.Has(n) {
			t.Fatalf("backup %q not in the index", n)
		}
		if rc, _, err := a.OpenDumpsys(); err == nil {
			io.Copy(io.Discard, rc)
			rc.Close()
		}
		if il := a.IntrusionLogs(); il != nil {
			fs.WalkDir(il, ".", func(string, fs.DirEntry, error) error { return nil })
		}
	})
}

func FuzzBugreportDumpstate(f *testing.F) {
	f.Add("main_entry.txt\nbugreport-x.txt\nFS/data/tombstones/tombstone_00", "bugreport-x.txt")
	f.Add("top/main_entry.txt\ntop/dumpState_1.log\ntop/dumpState_0.log", "../../etc/passwd")
	f.Add("a/b/dumpsys.txt\ndumpsys.txt\nbugreport-1.txt", "/abs")
	f.Fuzz(func(t *testing.T, names, body string) {
		z, ok := fuzzLayout(t, names, body)
		if !ok {
			return
		}
		b, err := NewBugreport(z, "fuzz.zip", nil)
		if err != nil {
			return
		}
		name, err := b.DumpstateName()
		if err != nil {
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("lookup failed with %v, want no data", err)
			}
			return
		}
		if !fs.ValidPath(name) {
			t.Fatalf("dumpstate %q is not a valid path", name)
		}
		rc, _, err := b.OpenDumpsys()
		if err != nil {
			return // a folder named like the target: opening it fails cleanly
		}
		io.Copy(io.Discard, rc)
		rc.Close()
	})
}
