package source

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// Decompression bombs (issue 7): an entry that declares far more than its
// compressed bytes is refused when opened, naming the archive; a header
// that understates the size fails while reading, at the declared size; a
// small file of zeros is read as usual.
func TestZipBombAndLyingSizes(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("bomb.txt")
	zeros := make([]byte, 1<<20)
	for range (RatioFloor >> 20) + 16 {
		w.Write(zeros)
	}
	w, _ = zw.Create("small.txt")
	w.Write(zeros)
	zw.Close()
	z, err := NewZipFS(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "bomb.zip", ZipOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := z.Open("bomb.txt"); !errors.Is(err, ErrLikelyBomb) || !strings.Contains(err.Error(), "bomb.zip") {
		t.Errorf("bomb opened: %v", err)
	}
	if b, err := fs.ReadFile(z, "small.txt"); err != nil || len(b) != 1<<20 {
		t.Errorf("small file of zeros: %d bytes, %v", len(b), err)
	}

	// The same bytes declared as 1 KiB: too small for the ratio check,
	// caught by archive/zip once more comes out.
	buf.Reset()
	zw = zip.NewWriter(&buf)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(make([]byte, 10<<20))
	fw.Close()
	raw, _ := zw.CreateRaw(&zip.FileHeader{Name: "liar.txt", Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 1024})
	raw.Write(comp.Bytes())
	zw.Close()
	z, err = NewZipFS(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "liar.zip", ZipOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open("liar.txt")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, f)
	if err == nil || n > 1024 {
		t.Errorf("read %d bytes of an entry declaring 1024, err %v", n, err)
	}
}

// Regression (issue 7): a bugreport folder was read through os.DirFS, which
// follows a symlink to anywhere; a planted tombstone link to a file outside
// the report must not be readable.
func TestBugreportFolderSymlinkOutside(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("outside the evidence"), 0o600)
	os.WriteFile(filepath.Join(dir, "main_entry.txt"), []byte("dumpstate.txt"), 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "dumpstate.txt")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	b, err := OpenBugreport(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if data, err := fs.ReadFile(b.FS(), "dumpstate.txt"); err == nil {
		t.Errorf("read %q through a symlink leading outside the report", data)
	}
}
