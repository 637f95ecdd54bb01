package output

import (
	"io"
	"unsafe"
)

// Large result files bypass the page cache once they are big enough.
//
// Why: a large case writes gigabytes of results (a million SMS make a 2.5 GB
// sms.json) that nobody reads back during the run. Through the page cache
// every byte costs a kernel copy into freshly allocated pages; on the 2-core
// benchmark machine that copy was a third of the whole run's CPU (perf:
// copy_folio_from_iter_atomic, about 10 s for 4 GB), and it evicts the
// evidence's own pages from the cache. Direct I/O hands the buffer to the
// disk instead: 4 GB in 1.7 s of waiting on the writing goroutine and 0.3 s
// of CPU (dd, same machine).
//
// Small files stay in the page cache: they cost nothing there, and a slow disk
// (a USB stick) would make the run wait for it. Where direct I/O is refused
// (a filesystem without it, another operating system, an unaligned tail) the
// writer goes back to ordinary writes, so the bytes on disk are always the
// same.
// directAfter is how much of a file is written normally first (a variable
// so that tests can make small files take the direct path).
var directAfter int64 = 64 << 20

const (
	// directAlign is the alignment direct I/O asks of buffer addresses,
	// lengths and file offsets: 4096 satisfies every logical block size
	// Linux disks use (512 or 4096).
	directAlign = 4096
)

// directSwitcher turns the page-cache bypass on or off for one open file.
type directSwitcher interface {
	io.Writer
	setDirect(on bool) error
}

// cacheBypassWriter writes whole buffers, switching its file to direct I/O
// after directAfter bytes. It is used by one goroutine only.
type cacheBypassWriter struct {
	f       directSwitcher
	after   int64
	written int64
	direct  bool
	refused bool // direct I/O failed once: ordinary writes from then on
	// directBytes counts what bypassed the cache (the tests check it).
	directBytes int64
}

func (w *cacheBypassWriter) Write(b []byte) (int, error) {
	total := len(b)
	if !w.direct && !w.refused && w.written >= w.after && w.written%directAlign == 0 && aligned(b) {
		if w.f.setDirect(true) == nil {
			w.direct = true
		} else {
			w.refused = true
		}
	}
	if w.direct {
		n := len(b) &^ (directAlign - 1)
		if n > 0 {
			done, err := w.f.Write(b[:n])
			w.written += int64(done)
			w.directBytes += int64(done)
			b = b[done:]
			if err != nil {
				// Refused (or failed) mid-file: retry what is left the
				// ordinary way, which reports a real error (a full disk)
				// again and otherwise writes the same bytes.
				w.refused = true
			}
		}
		if len(b) > 0 {
			// An unaligned tail (the file's end) or a refusal.
			if err := w.f.setDirect(false); err != nil {
				return total - len(b), err
			}
			w.direct = false
		}
	}
	if len(b) == 0 {
		return total, nil
	}
	done, err := w.f.Write(b)
	w.written += int64(done)
	return total - len(b) + done, err
}

// aligned reports whether b starts on a direct-I/O boundary.
func aligned(b []byte) bool {
	return len(b) == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%directAlign == 0
}

// alignedBuffer returns an empty slice with capacity n whose first byte sits
// on a direct-I/O boundary.
func alignedBuffer(n int) []byte {
	b := make([]byte, n+directAlign)
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % directAlign)
	if off != 0 {
		off = directAlign - off
	}
	return b[off : off : off+n]
}
