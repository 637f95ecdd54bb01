package email

import (
	"bufio"
	"bytes"
	"io"
)

// mboxReader splits an mbox file into messages while streaming: each message is read through
// next() up to the next "From " separator line, so memory stays bounded by one line buffer
// whatever the file's size (a 1 GB mbox, a 2 GB attachment).
type mboxReader struct {
	br      *bufio.Reader
	pending []byte // the separator line that ended the previous message
	eof     bool
}

func newMboxReader(r io.Reader) *mboxReader {
	return &mboxReader{br: bufio.NewReaderSize(r, 64*1024)}
}

// next returns a reader for the next message, or io.EOF. The previous message's reader must
// have been drained (message.go drains it).
func (m *mboxReader) next() (io.Reader, error) {
	for !m.eof && m.pending == nil {
		line, err := m.br.ReadSlice('\n')
		if len(line) > 0 && isFromLine(line) {
			m.pending = append([]byte(nil), line...)
			break
		}
		if err == io.EOF {
			m.eof = true
		} else if err != nil && err != bufio.ErrBufferFull {
			return nil, err
		}
	}
	if m.pending == nil {
		return nil, io.EOF
	}
	m.pending = nil
	return &mboxMessage{m: m, atLineStart: true}, nil
}

func isFromLine(line []byte) bool { return bytes.HasPrefix(line, []byte("From ")) }

// mboxMessage reads one message's lines, stopping before the next separator and undoing the
// ">From " quoting of mboxrd.
type mboxMessage struct {
	m           *mboxReader
	buf         []byte
	done        bool
	atLineStart bool
}

func (r *mboxMessage) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done || r.m.eof {
			return 0, io.EOF
		}
		line, err := r.m.br.ReadSlice('\n')
		start := r.atLineStart
		r.atLineStart = err == nil // a full line ends with '\n'
		if start && isFromLine(line) {
			r.m.pending = append([]byte(nil), line...)
			r.done = true
			return 0, io.EOF
		}
		if start && bytes.HasPrefix(line, []byte(">")) && bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
			line = line[1:]
		}
		r.buf = append(r.buf[:0], line...)
		if err == io.EOF {
			r.m.eof = true
		} else if err != nil && err != bufio.ErrBufferFull {
			return 0, err
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// looksLikeMbox reports whether a file starts with an mbox separator.
func looksLikeMbox(head []byte) bool { return isFromLine(head) }
