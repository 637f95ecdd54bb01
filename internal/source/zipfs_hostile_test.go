package source

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"testing"
	"testing/fstest"
)

// Regression (issue 7): a zip without folder entries (what most writers
// other than `zip -r` produce) listed only the first two levels of a
// deep path, so the bugreport's FS/data/tombstones was invisible to the
// tombstones module when the bugreport came as such a zip.
func TestZipWithoutFolderEntries(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []string{"FS/data/tombstones/tombstone_00", "FS/data/tombstones/tombstone_01", "FS/proc/x", "main_entry.txt", "a/b/c/d/e/f"} {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(n))
	}
	zw.Close()
	z, err := NewZipFS(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "t.zip", ZipOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	fs.WalkDir(z, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			found = append(found, p)
		}
		return err
	})
	if len(found) != 5 {
		t.Errorf("walk found %v, want the 5 files", found)
	}
	if err := fstest.TestFS(z, "FS/data/tombstones/tombstone_00", "FS/proc/x", "main_entry.txt", "a/b/c/d/e/f"); err != nil {
		t.Error(err)
	}
}
