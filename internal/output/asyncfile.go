package output

import (
	"os"
	"sync/atomic"
)

// AsyncFile writes to a file from a goroutine of its own. Results reach
// gigabytes on large cases (a million SMS make a 2.5 GB sms.json), and the
// kernel's copy of that data costs as much CPU as producing it: done on the
// module's goroutine it doubles the module's time, done here it overlaps with
// the module reading the next rows on the other core. Past directAfter bytes
// the copy itself is avoided (directio.go).
type AsyncFile struct {
	f    *os.File
	out  *cacheBypassWriter
	cur  []byte
	size int
	full chan []byte
	free chan []byte
	// buffers is how many buffers exist; more are made only while the
	// writing goroutine lags, so a small file costs one.
	buffers int
	done    chan error
	err     atomic.Pointer[error]
}

// asyncChunk is the size of the buffers handed to the writing goroutine, and
// so of each write system call; at most asyncBuffers of them exist per open
// file (16 MiB), a small file uses one.
//
// Why 4 MiB: while the modules keep both cores busy, the writing goroutine
// waits for a core after every system call that blocks (a direct write waits
// for the disk). With 1 MiB writes the sms module spent 1.9 s of the large
// case blocked on its sms.json (a temporary probe measured it); with 4 MiB
// writes, four times fewer waits, the large case ran 0.6-1.0 s faster for
// 30-40 MB more peak memory.
const (
	asyncChunk   = 4 << 20
	asyncBuffers = 4
)

// NewAsyncFile takes ownership of f; Close closes it.
func NewAsyncFile(f *os.File) *AsyncFile {
	a := &AsyncFile{f: f, size: asyncChunk, full: make(chan []byte, asyncBuffers), free: make(chan []byte, asyncBuffers), done: make(chan error, 1)}
	a.out = &cacheBypassWriter{f: osFile{f}, after: directAfter}
	a.cur = alignedBuffer(asyncChunk)
	a.buffers = 1
	go a.loop()
	return a
}

// next hands the full current buffer to the writing goroutine and takes an
// empty one: a free one, a new one while fewer than asyncBuffers exist, or
// the next one the writer frees.
func (a *AsyncFile) next() {
	a.full <- a.cur
	select {
	case a.cur = <-a.free:
		return
	default:
	}
	if a.buffers < asyncBuffers {
		a.buffers++
		a.cur = alignedBuffer(asyncChunk)
		return
	}
	a.cur = <-a.free
}

func (a *AsyncFile) loop() {
	var err error
	for b := range a.full {
		if err == nil {
			if _, err = a.out.Write(b); err != nil {
				a.err.Store(&err)
			}
		}
		a.free <- b[:0]
	}
	a.done <- err
}

// Write queues p; an earlier write error is returned as soon as it is known.
func (a *AsyncFile) Write(p []byte) (int, error) { return enqueue(a, p) }

// WriteString queues s.
func (a *AsyncFile) WriteString(s string) (int, error) { return enqueue(a, s) }

// enqueue copies p into the current buffer, handing full buffers to the
// writing goroutine.
func enqueue[T string | []byte](a *AsyncFile, p T) (int, error) {
	if e := a.err.Load(); e != nil {
		return 0, *e
	}
	n := len(p)
	for len(p) > 0 {
		room := a.size - len(a.cur)
		if room == 0 {
			a.next()
			continue
		}
		room = min(room, len(p))
		a.cur = append(a.cur, p[:room]...)
		p = p[room:]
	}
	return n, nil
}

// Name is the file's name.
func (a *AsyncFile) Name() string { return a.f.Name() }

// Close writes what is queued, waits for it and closes the file, returning
// the first error.
func (a *AsyncFile) Close() error {
	if len(a.cur) > 0 {
		a.full <- a.cur
		a.cur = nil
	}
	close(a.full)
	err := <-a.done
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	return err
}
