package sqlitedb

import (
	"errors"
	"io"
	"io/fs"
)

// readAheadSize is how much is read at once when SQLite reads a file
// sequentially (a table scan of a freshly written database walks its pages
// in file order).
const readAheadSize = 128 << 10

// readAheadFile serves the read-only VFS, which reads every page with a
// Seek and a Read: two system calls per 4 KiB page, ~2 s on a 800 MB case.
// Here Seek only records the position; a read continuing where the previous
// one ended fills a 128 KiB buffer, any other read is passed through (with
// ReadAt when the file has it, one call). Evidence never changes while it
// is open, so what the buffer holds stays valid.
type readAheadFile struct {
	fs.File
	ra      io.ReaderAt // nil if the file has no ReadAt
	pos     int64       // where the next Read starts
	lastEnd int64       // where the previous Read ended
	buf     []byte      // file content from bufOff
	bufOff  int64
}

// newReadAheadFile wraps f, which must be an io.Seeker for the VFS to read
// it at all; a file that is not is returned as it is.
func newReadAheadFile(f fs.File) fs.File {
	if _, ok := f.(io.Seeker); !ok {
		return f
	}
	r := &readAheadFile{File: f, lastEnd: -1}
	r.ra, _ = f.(io.ReaderAt)
	return r
}

func (r *readAheadFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += r.pos
	case io.SeekEnd:
		st, err := r.File.Stat()
		if err != nil {
			return 0, err
		}
		off += st.Size()
	default:
		return 0, errors.New("seek: invalid whence")
	}
	if off < 0 {
		return 0, errors.New("seek: negative position")
	}
	r.pos = off
	return off, nil
}

func (r *readAheadFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.pos >= r.bufOff && r.pos < r.bufOff+int64(len(r.buf)) {
		n := copy(p, r.buf[r.pos-r.bufOff:])
		r.pos += int64(n)
		r.lastEnd = r.pos
		return n, nil
	}
	sequential := r.pos == r.lastEnd
	r.lastEnd = -1
	if !sequential || len(p) >= readAheadSize {
		n, err := r.readAt(p, r.pos)
		r.pos += int64(n)
		r.lastEnd = r.pos
		if n > 0 && err == io.EOF {
			err = nil // io.Reader: EOF comes with the next call
		}
		return n, err
	}
	if r.buf == nil {
		r.buf = make([]byte, readAheadSize)
	}
	n, err := r.readAt(r.buf[:readAheadSize], r.pos)
	r.buf, r.bufOff = r.buf[:n], r.pos
	if n == 0 {
		if err == nil {
			err = io.EOF
		}
		return 0, err
	}
	m := copy(p, r.buf)
	r.pos += int64(m)
	r.lastEnd = r.pos
	return m, nil
}

// readAt reads up to len(p) bytes at off: ReadAt when the file has it,
// otherwise Seek and Read until p is full or the file ends.
func (r *readAheadFile) readAt(p []byte, off int64) (int, error) {
	if r.ra != nil {
		return r.ra.ReadAt(p, off)
	}
	if _, err := r.File.(io.Seeker).Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.ReadFull(r.File, p)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return n, err
}
