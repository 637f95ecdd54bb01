package source

import (
	"archive/zip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
)

var _ dumpsys.Provider = (*Bugreport)(nil)

// bugreportZipFolder writes dir into a zip at dst, under prefix ("" or "top/").
func bugreportZipFolder(t *testing.T, dir, prefix, dst string) {
	t.Helper()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(out)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		wr, err := w.Create(prefix + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = wr.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

func TestOpenBugreportForms(t *testing.T) {
	tmp := t.TempDir()
	flat := filepath.Join(tmp, "flat.zip")
	nested := filepath.Join(tmp, "nested.zip")
	bugreportZipFolder(t, "testdata/bugreport", "", flat)
	bugreportZipFolder(t, "testdata/bugreport", "bugreport-a10-2022/", nested)
	for _, p := range []string{"testdata/bugreport", flat, nested} {
		b, err := OpenBugreport(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		rc, name, err := b.OpenDumpsys()
		if err != nil || name != "dumpstate.txt" {
			t.Fatalf("%s: %q %v", p, name, err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if len(data) != 14011 {
			t.Errorf("%s: dumpstate %d bytes, want 14011", p, len(data))
		}
		if _, err := fs.Stat(b.FS(), "FS/data/tombstones/tombstone_01"); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		b.Close()
	}
}

func TestBugreportDumpstateFallbacks(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"main entry", map[string]string{"main_entry.txt": "bugreport-x.txt\n", "bugreport-x.txt": "d"}, "bugreport-x.txt"},
		{"main entry escaping is ignored", map[string]string{"main_entry.txt": "../../etc/passwd", "dumpState_1.log": "d"}, "dumpState_1.log"},
		{"dumpsys.txt in a folder", map[string]string{"a/dumpsys.txt": "d", "x": ""}, "a/dumpsys.txt"},
		{"bugreport text", map[string]string{"bugreport-y.txt": "d", "x": ""}, "bugreport-y.txt"},
	}
	for _, tc := range tests {
		dir := t.TempDir()
		for n, c := range tc.files {
			os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755)
			os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644)
		}
		b, err := OpenBugreport(dir)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.DumpstateName()
		if err != nil || got != tc.want {
			t.Errorf("%s: %q %v", tc.name, got, err)
		}
	}
	b, _ := OpenBugreport(t.TempDir())
	if _, _, err := b.OpenDumpsys(); !errors.Is(err, ErrNotFound) {
		t.Errorf("empty folder: %v", err)
	}
	if _, err := OpenBugreport(filepath.Join(t.TempDir(), "missing.zip")); err == nil {
		t.Error("missing path opened")
	}
	bad := filepath.Join(t.TempDir(), "bad.zip")
	os.WriteFile(bad, []byte("not a zip"), 0o644)
	if _, err := OpenBugreport(bad); err == nil || !strings.Contains(err.Error(), "bad.zip is not a readable zip archive") {
		t.Errorf("bad zip: %v", err)
	}
}
