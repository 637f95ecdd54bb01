package sqlitedb

import (
	"bytes"
	"io"
	"io/fs"
	"math/rand/v2"
	"testing"
	"testing/fstest"
)

// seekOnly hides the file's ReadAt, like a decrypting or decompressing file.
type seekOnly struct {
	fs.File
	io.Seeker
}

// TestReadAheadFileReads: every read pattern the VFS makes (page after page,
// jumps back and forth, reads across the buffer's end and past the file's
// end) returns exactly the file's bytes, with and without ReadAt.
func TestReadAheadFileReads(t *testing.T) {
	data := make([]byte, 3*readAheadSize+1234)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	fsys := fstest.MapFS{"db": {Data: data}}
	open := map[string]func() fs.File{
		"ReaderAt": func() fs.File { f, _ := fsys.Open("db"); return f },
		"Seeker only": func() fs.File {
			f, _ := fsys.Open("db")
			return seekOnly{f, f.(io.Seeker)}
		},
	}
	for name, op := range open {
		t.Run(name, func(t *testing.T) {
			f := newReadAheadFile(op()).(*readAheadFile)
			if (f.ra != nil) != (name == "ReaderAt") {
				t.Fatalf("ReadAt used: %v", f.ra != nil)
			}
			read := func(off int64, n int) {
				t.Helper()
				if _, err := f.Seek(off, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				got := make([]byte, n)
				k, err := io.ReadFull(f, got)
				want := data[min(off, int64(len(data))):min(off+int64(n), int64(len(data)))]
				if !bytes.Equal(got[:k], want) {
					t.Fatalf("read %d at %d: wrong bytes", n, off)
				}
				if k < n && err == nil {
					t.Fatalf("short read %d of %d at %d without an error", k, n, off)
				}
			}
			for off := int64(0); off < int64(len(data))+8192; off += 4096 { // a table scan
				read(off, 4096)
			}
			for i := 0; i < 2000; i++ { // lookups, and runs starting anywhere
				off := r.Int64N(int64(len(data)) + 100)
				read(off, 1+r.IntN(9000))
				read(off+100, 4096)
			}
			read(0, len(data)) // bigger than the buffer
			end, err := f.Seek(-10, io.SeekEnd)
			if err != nil || end != int64(len(data))-10 {
				t.Fatalf("Seek from the end: %d, %v", end, err)
			}
			read(end, 10)
		})
	}
}
