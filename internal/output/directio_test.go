package output

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// fakeDirectFile records what a cacheBypassWriter does, and enforces what
// direct I/O enforces: aligned buffers, lengths and offsets while it is on.
type fakeDirectFile struct {
	data        bytes.Buffer
	direct      bool
	directBytes int
	switches    []bool
	refuseOn    bool // setDirect(true) fails (a filesystem without it)
	failAfter   int  // a direct write fails with EINVAL once this many direct bytes are written (0: never)
	brokenDisk  bool // every write fails (a full disk)
}

func (f *fakeDirectFile) setDirect(on bool) error {
	if on && f.refuseOn {
		return syscall.EINVAL
	}
	f.direct = on
	f.switches = append(f.switches, on)
	return nil
}

func (f *fakeDirectFile) Write(b []byte) (int, error) {
	if f.brokenDisk {
		return 0, syscall.ENOSPC
	}
	if !f.direct {
		return f.data.Write(b)
	}
	if !aligned(b) || len(b)%directAlign != 0 || f.data.Len()%directAlign != 0 {
		return 0, syscall.EINVAL
	}
	if f.failAfter > 0 && f.directBytes+len(b) > f.failAfter {
		n := f.failAfter - f.directBytes // a short write, then the refusal
		f.data.Write(b[:n])
		f.directBytes += n
		return n, syscall.EINVAL
	}
	f.directBytes += len(b)
	return f.data.Write(b)
}

// writeChunks sends data in the chunks AsyncFile hands over: full aligned
// buffers of asyncChunk bytes, then the rest.
func writeChunks(t *testing.T, w *cacheBypassWriter, data []byte) error {
	t.Helper()
	buf := alignedBuffer(asyncChunk)
	for len(data) > 0 {
		n := min(len(data), asyncChunk)
		b := append(buf[:0], data[:n]...)
		if done, err := w.Write(b); err != nil {
			return err
		} else if done != n {
			t.Fatalf("Write reported %d of %d bytes", done, n)
		}
		data = data[n:]
	}
	return nil
}

func testData(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestCacheBypassAfterThresholdAndTailWrittenNormally(t *testing.T) {
	data := testData(5*asyncChunk + 1234) // an unaligned tail
	f := &fakeDirectFile{}
	w := &cacheBypassWriter{f: f, after: 2 * asyncChunk}
	if err := writeChunks(t, w, data); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.data.Bytes(), data) {
		t.Fatal("bytes on disk differ from the bytes written")
	}
	// The first two chunks through the cache, the next three direct, and
	// the tail through the cache again.
	if f.directBytes != 3*asyncChunk {
		t.Errorf("%d bytes written direct, want %d", f.directBytes, 3*asyncChunk)
	}
	if want := []bool{true, false}; !equalBools(f.switches, want) {
		t.Errorf("switches %v, want %v", f.switches, want)
	}
}

func TestCacheBypassSmallFileNeverSwitches(t *testing.T) {
	data := testData(asyncChunk / 2)
	f := &fakeDirectFile{}
	w := &cacheBypassWriter{f: f, after: directAfter}
	if err := writeChunks(t, w, data); err != nil {
		t.Fatal(err)
	}
	if len(f.switches) != 0 || !bytes.Equal(f.data.Bytes(), data) {
		t.Errorf("switches %v, %d bytes", f.switches, f.data.Len())
	}
}

func TestCacheBypassRefusedStaysWithThePageCache(t *testing.T) {
	data := testData(4*asyncChunk + 7)
	f := &fakeDirectFile{refuseOn: true}
	w := &cacheBypassWriter{f: f}
	if err := writeChunks(t, w, data); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.data.Bytes(), data) || f.directBytes != 0 {
		t.Fatalf("refused bypass: %d bytes, %d direct", f.data.Len(), f.directBytes)
	}
	if !w.refused {
		t.Error("a refused bypass is tried again on every write")
	}
}

func TestCacheBypassFailingMidFileRewritesTheRestNormally(t *testing.T) {
	data := testData(6 * asyncChunk)
	// Direct I/O fails part-way through a chunk, after a short write: the
	// writer must carry on from the exact byte where the refusal came.
	f := &fakeDirectFile{failAfter: 2*asyncChunk + 3*512}
	w := &cacheBypassWriter{f: f}
	if err := writeChunks(t, w, data); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.data.Bytes(), data) {
		t.Fatal("bytes on disk differ after a refusal mid-file")
	}
	if f.direct || !w.refused {
		t.Error("direct I/O still on after it failed")
	}
}

func TestCacheBypassReportsRealErrors(t *testing.T) {
	f := &fakeDirectFile{brokenDisk: true}
	w := &cacheBypassWriter{f: f}
	if err := writeChunks(t, w, testData(2*asyncChunk)); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("error %v, want ENOSPC", err)
	}
}

func TestAlignedBuffer(t *testing.T) {
	for range 20 {
		b := alignedBuffer(asyncChunk)
		if len(b) != 0 || cap(b) != asyncChunk || !aligned(b[:1]) {
			t.Fatalf("len %d cap %d aligned %v", len(b), cap(b), aligned(b[:1]))
		}
		_ = make([]byte, 1+rand.IntN(5000)) // move the allocator along
	}
}

// TestAsyncFileDirectOnARealFile writes a file through the real O_DIRECT path
// (on Linux, where the test folder's filesystem has it) and reads it back.
func TestAsyncFileDirectOnARealFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	a := NewAsyncFile(f)
	a.out.after = asyncChunk // switch after the first buffer, before any is sent
	data := testData(7*asyncChunk + 4097)
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 1+rand.IntN(300_000)) // record-sized writes
		a.Write(rest[:n])
		rest = rest[n:]
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, wrote %d (or they differ)", len(got), len(data))
	}
	if runtime.GOOS == "linux" && directIOWorks(t, dir) {
		if a.out.directBytes < 6*asyncChunk {
			t.Errorf("only %d bytes went direct on a filesystem that has direct I/O", a.out.directBytes)
		}
	} else if a.out.directBytes != 0 {
		t.Errorf("%d bytes direct where it is not available", a.out.directBytes)
	}
}

// directIOWorks probes dir's filesystem the way the writer does.
func directIOWorks(t *testing.T, dir string) bool {
	f, err := os.Create(filepath.Join(dir, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	of := osFile{f}
	if of.setDirect(true) != nil {
		t.Logf("%s: no direct I/O on this filesystem; checked the fallback only", dir)
		return false
	}
	if _, err := f.Write(alignedBuffer(directAlign)[:directAlign]); err != nil {
		t.Logf("%s: direct writes refused (%v); checked the fallback only", dir, err)
		return false
	}
	return true
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
