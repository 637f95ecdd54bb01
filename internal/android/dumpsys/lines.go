package dumpsys

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// MaxLineLen caps how much of one line is kept. Dumpsys lines are short
// (the longest real ones, ADB keystores and resolver entries, are a few KB);
// a crafted dump may hold a gigabyte on one line. The part of a line beyond
// MaxLineLen is read and discarded, never held, so memory stays bounded by
// this cap whatever the input; Truncated reports when it happened.
const MaxLineLen = 1 << 20

// Lines reads text one line at a time with a bounded buffer. Line endings
// (\n, \r\n) are removed. It is the input of every parser in this package.
type Lines struct {
	br        *bufio.Reader
	buf       []byte
	line      string
	err       error
	truncated int
	// stop, when set, ends the iteration before the line it accepts
	// (used to confine Lines to one dumpsys section).
	stop func(string) bool
	done bool
}

// NewLines reads lines from r.
func NewLines(r io.Reader) *Lines {
	return &Lines{br: bufio.NewReaderSize(r, 64<<10)}
}

// LinesOf reads lines from a string (tests and fuzzing).
func LinesOf(s string) *Lines { return NewLines(strings.NewReader(s)) }

// Next advances to the next line; it returns false at the end of the input
// (or of the section) or on a read error (see Err).
func (l *Lines) Next() bool {
	if l.done {
		return false
	}
	line, ok := l.read()
	if !ok {
		l.done = true
		return false
	}
	if l.stop != nil && l.stop(strings.TrimSuffix(line, "\r")) {
		l.done = true
		return false
	}
	l.line = line
	return true
}

// read returns the next raw line, keeping at most MaxLineLen bytes of it.
func (l *Lines) read() (string, bool) {
	if l.err != nil {
		return "", false
	}
	l.buf = l.buf[:0]
	over := false
	for {
		frag, err := l.br.ReadSlice('\n')
		if len(l.buf)+len(frag) <= MaxLineLen {
			l.buf = append(l.buf, frag...)
		} else {
			if room := MaxLineLen - len(l.buf); room > 0 {
				l.buf = append(l.buf, frag[:room]...)
			}
			over = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			if err != io.EOF {
				l.err = err
			} else {
				l.err = io.EOF
			}
			if len(l.buf) == 0 && !over {
				return "", false
			}
		}
		break
	}
	if over {
		l.truncated++
	}
	return string(bytes.TrimSuffix(l.buf, []byte("\n"))), true
}

// Text is the current line without its line ending.
func (l *Lines) Text() string { return strings.TrimSuffix(l.line, "\r") }

// Raw is the current line with only the "\n" removed: binary values
// embedded in dumpsys text (the ADB keystore) need their "\r" bytes.
func (l *Lines) Raw() string { return l.line }

// Err is the first read error other than the end of the input.
func (l *Lines) Err() error {
	if l.err == io.EOF {
		return nil
	}
	return l.err
}

// Truncated counts the lines longer than MaxLineLen that were cut.
func (l *Lines) Truncated() int { return l.truncated }
