package output

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAsyncFileWritesEverythingInOrder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	a := NewAsyncFile(f)
	var want bytes.Buffer
	for i := 0; i < 3000; i++ {
		chunk := strings.Repeat(string(rune('a'+i%26)), i) // crosses many 1 MiB buffers
		a.WriteString(chunk)
		a.Write([]byte{'\n'})
		want.WriteString(chunk + "\n")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("%d bytes written, want %d", len(got), want.Len())
	}
}

func TestAsyncFileReportsWriteErrors(t *testing.T) {
	f, err := os.Open(os.DevNull) // read-only: every write fails
	if err != nil {
		t.Fatal(err)
	}
	a := NewAsyncFile(f)
	a.Write(bytes.Repeat([]byte("x"), 3*asyncChunk))
	if err := a.Close(); err == nil {
		t.Error("write error lost")
	}
}

// A small file costs one buffer; a large one never more than asyncBuffers.
func TestAsyncFileBuffersAreMadeOnlyWhenNeeded(t *testing.T) {
	dir := t.TempDir()
	small, err := os.Create(filepath.Join(dir, "small"))
	if err != nil {
		t.Fatal(err)
	}
	a := NewAsyncFile(small)
	a.WriteString(`{"module": "tcc"}`)
	if err := a.Close(); err != nil || a.buffers != 1 {
		t.Errorf("small file: %d buffers, err %v", a.buffers, err)
	}
	large, err := os.Create(filepath.Join(dir, "large"))
	if err != nil {
		t.Fatal(err)
	}
	b := NewAsyncFile(large)
	chunk := bytes.Repeat([]byte("x"), asyncChunk/3)
	for range 60 {
		b.Write(chunk)
	}
	if err := b.Close(); err != nil || b.buffers < 1 || b.buffers > asyncBuffers {
		t.Errorf("large file: %d buffers, err %v", b.buffers, err)
	}
	if st, _ := os.Stat(filepath.Join(dir, "large")); st.Size() != int64(60*len(chunk)) {
		t.Errorf("large file: %d bytes", st.Size())
	}
}
