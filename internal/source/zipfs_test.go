package source

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

type zentry struct {
	name string
	data []byte
	raw  *zip.FileHeader // when set, written with CreateRaw and data as-is
}

func buildZip(t testing.TB, entries ...zentry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		var (
			wr  io.Writer
			err error
		)
		if e.raw != nil {
			wr, err = w.CreateRaw(e.raw)
		} else {
			wr, err = w.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wr.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func openZipBytes(t testing.TB, b []byte, opts ZipOptions) (*ZipFS, error) {
	return NewZipFS(bytes.NewReader(b), int64(len(b)), "test.zip", opts)
}

func TestZipFSReadsAndWalks(t *testing.T) {
	b := buildZip(t, zentry{name: "top/a.txt", data: []byte("hello")}, zentry{name: "top/sub/b.txt", data: []byte("x")}, zentry{name: "empty/"})
	z, err := openZipBytes(t, b, ZipOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(z, "top/a.txt", "top/sub/b.txt", "empty"); err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(z, "top/a.txt")
	if err != nil || string(got) != "hello" {
		t.Fatalf("%q %v", got, err)
	}
}

func TestZipFSRejectsUnsafeNames(t *testing.T) {
	tests := []struct{ name, entry string }{
		{"parent", "../evil"},
		{"parent inside", "a/../../evil"},
		{"absolute", "/etc/passwd"},
		{"drive letter", "C:/Windows/x"},
		{"drive letter relative", "c:evil"},
		{"backslash", `a\..\..\evil`},
		{"NUL", "a\x00b"},
	}
	for _, tc := range tests {
		b := buildZip(t, zentry{name: "ok.txt", data: []byte("x")}, zentry{raw: &zip.FileHeader{Name: tc.entry, Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte("y")), CompressedSize64: 1, UncompressedSize64: 1}, data: []byte("y")})
		_, err := openZipBytes(t, b, ZipOptions{})
		if err == nil || !strings.Contains(err.Error(), "unsafe entry name") || !strings.Contains(err.Error(), "test.zip") {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
	dup := buildZip(t, zentry{name: "a.txt", data: []byte("1")}, zentry{name: "a.txt", data: []byte("2")})
	if _, err := openZipBytes(t, dup, ZipOptions{}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate: %v", err)
	}
}

func TestZipFSBoundsEntrySize(t *testing.T) {
	// A small zip that decompresses to 8 MiB of zeros, read with a 1 MiB cap.
	bomb := buildZip(t, zentry{name: "bomb.bin", data: make([]byte, 8<<20)})
	z, err := openZipBytes(t, bomb, ZipOptions{MaxEntrySize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	_, err = fs.ReadFile(z, "bomb.bin")
	if !errors.Is(err, ErrEntryTooLarge) {
		t.Errorf("bomb: %v", err)
	}
	// An entry exactly at the cap reads fine.
	exact := buildZip(t, zentry{name: "e.bin", data: make([]byte, 1024)})
	z, _ = openZipBytes(t, exact, ZipOptions{MaxEntrySize: 1024})
	if b, err := fs.ReadFile(z, "e.bin"); err != nil || len(b) != 1024 {
		t.Errorf("exact: %d %v", len(b), err)
	}

	// A header that declares 10 bytes for an entry holding 1 MiB.
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	payload := bytes.Repeat([]byte("A"), 1<<20)
	fw.Write(payload)
	fw.Close()
	liar := buildZip(t, zentry{raw: &zip.FileHeader{Name: "liar.bin", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(payload),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 10}, data: comp.Bytes()})
	z, err = openZipBytes(t, liar, ZipOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(z, "liar.bin"); err == nil {
		t.Errorf("lying size read %d bytes without error", len(b))
	}
}

func TestZipFSNested(t *testing.T) {
	inner := buildZip(t, zentry{name: "in.txt", data: []byte("inner")})
	middle := buildZip(t, zentry{name: "inner.zip", data: inner})
	outer := buildZip(t, zentry{name: "middle.zip", data: middle})
	z, err := openZipBytes(t, outer, ZipOptions{MaxDepth: 3})
	if err != nil {
		t.Fatal(err)
	}
	m, err := z.OpenZip("middle.zip")
	if err != nil {
		t.Fatal(err)
	}
	i, err := m.OpenZip("inner.zip")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fs.ReadFile(i, "in.txt"); string(b) != "inner" {
		t.Errorf("inner read %q", b)
	}
	z, _ = openZipBytes(t, outer, ZipOptions{MaxDepth: 2})
	m, err = z.OpenZip("middle.zip")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.OpenZip("inner.zip"); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("depth cap: %v", err)
	}
	// A stored nested zip is read in place.
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	wr, _ := w.CreateHeader(&zip.FileHeader{Name: "s.zip", Method: zip.Store})
	wr.Write(inner)
	w.Close()
	z, _ = openZipBytes(t, buf.Bytes(), ZipOptions{})
	s, err := z.OpenZip("s.zip")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fs.ReadFile(s, "in.txt"); string(b) != "inner" {
		t.Errorf("stored nested read %q", b)
	}
}

func TestZipFSBadArchive(t *testing.T) {
	_, err := openZipBytes(t, []byte("PK\x03\x04 not really a zip"), ZipOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), "test.zip is not a readable zip archive") {
		t.Errorf("err = %v", err)
	}
}

func FuzzZipFS(f *testing.F) {
	f.Add(buildZip(f, zentry{name: "a/b.txt", data: []byte("hello")}, zentry{name: "c.zip", data: buildZip(f, zentry{name: "d", data: []byte("x")})}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, b []byte) {
		z, err := NewZipFS(bytes.NewReader(b), int64(len(b)), "fuzz.zip", ZipOptions{MaxEntrySize: 1 << 20, MaxNestedInMemory: 1 << 20})
		if err != nil {
			return
		}
		fs.WalkDir(z, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			// fs.ValidPath rejects ".." elements; a name such as "..000"
			// is an ordinary file name (found by this fuzz target).
			if !fs.ValidPath(p) || slices.Contains(strings.Split(p, "/"), "..") {
				t.Fatalf("unsafe path %q", p)
			}
			if f, err := z.Open(p); err == nil {
				io.Copy(io.Discard, f)
				f.Close()
			}
			if strings.HasSuffix(p, ".zip") {
				if n, err := z.OpenZip(p); err == nil {
					fs.WalkDir(n, ".", func(string, fs.DirEntry, error) error { return nil })
				}
			}
			return nil
		})
	})
}
