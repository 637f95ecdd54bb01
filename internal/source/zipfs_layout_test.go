package source

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/source/craftzip"
)

func openBytes(t *testing.T, b []byte, opts ZipOptions) (*ZipFS, error) {
	t.Helper()
	return NewZipFS(bytes.NewReader(b), int64(len(b)), "x.zip", opts)
}

// TestZipOverlappingEntries: the same compressed bytes under many names is
// refused when the archive is opened, with a sentence saying it was
// crafted; without the check every entry reads (each is small and named
// differently).
func TestZipOverlappingEntries(t *testing.T) {
	names := make([]string, 50)
	for i := range names {
		names[i] = fmt.Sprintf("f%02d.txt", i)
	}
	b := craftzip.Overlapping(names, bytes.Repeat([]byte("a line of log\n"), 1000))
	_, err := openBytes(t, b, ZipOptions{})
	if err == nil || !strings.Contains(err.Error(), "over the same compressed bytes") || !strings.Contains(err.Error(), "crafted") {
		t.Errorf("overlapping entries: %v", err)
	}
	// One name alone is an ordinary archive.
	z, err := openBytes(t, craftzip.Overlapping(names[:1], []byte("hello\n")), ZipOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if data, err := fs.ReadFile(z, "f00.txt"); err != nil || string(data) != "hello\n" {
		t.Errorf("single entry: %q %v", data, err)
	}
}

func manyEntries(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range n {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("d/%06d", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	return buf.Bytes()
}

func TestZipEntryCount(t *testing.T) {
	b := manyEntries(t, 101)
	if _, err := openBytes(t, b, ZipOptions{MaxEntries: 100}); err == nil || !strings.Contains(err.Error(), "101 entries, more than the 100") {
		t.Errorf("101 entries with a limit of 100: %v", err)
	}
	if _, err := openBytes(t, b, ZipOptions{MaxEntries: 101}); err != nil {
		t.Errorf("101 entries with a limit of 101: %v", err)
	}
}

// TestZipUnpackBudget: many distinct entries, each under the per-entry
// floor, that together unpack to far more than the archive's size are
// refused; an absolute cap refuses a large genuine archive until raised.
func TestZipUnpackBudget(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zeros := make([]byte, 1<<20)
	for i := range 8 {
		w, _ := zw.Create(fmt.Sprintf("z%d", i))
		for range 16 {
			w.Write(zeros) // 16 MiB each, 128 MiB in all, from ~130 KB
		}
	}
	zw.Close()
	if _, err := openBytes(t, buf.Bytes(), ZipOptions{}); !errors.Is(err, ErrLikelyBomb) || !strings.Contains(err.Error(), "times its size") {
		t.Errorf("128 MiB of zeros from %d bytes: %v", buf.Len(), err)
	}

	random := make([]byte, 3<<20)
	rand.Read(random)
	buf.Reset()
	zw = zip.NewWriter(&buf)
	w, _ := zw.Create("apk")
	w.Write(random)
	zw.Close()
	_, err := openBytes(t, buf.Bytes(), ZipOptions{MaxUnpacked: 2 << 20})
	if err == nil || !strings.Contains(err.Error(), "--max-unpacked") || !strings.Contains(err.Error(), "3.0 MiB") {
		t.Errorf("3 MiB with a 2 MiB cap: %v", err)
	}
	SetMaxUnpacked(2 << 20)
	_, err = openBytes(t, buf.Bytes(), ZipOptions{})
	SetMaxUnpacked(0)
	if err == nil {
		t.Error("SetMaxUnpacked not applied")
	}
	if _, err := openBytes(t, buf.Bytes(), ZipOptions{}); err != nil {
		t.Errorf("3 MiB with the default cap: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"64G": 64 << 30, "64GiB": 64 << 30, "500m": 500 << 20, "1.5K": 1536, "2TB": 2 << 40, "4096": 4096} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "G", "-1G", "ten", "0", "1e30"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}
