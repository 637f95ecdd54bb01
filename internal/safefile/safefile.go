// Package safefile opens files that come from evidence, indicator folders,
// results folders or the user's secret files, refusing anything that is not
// a regular file. A FIFO where a file is expected blocks open(2) until a
// writer appears, which may be never, and no context can interrupt it; a
// device node may block too, or have side effects when opened. So the type
// is checked before opening (stat does not open), the file is opened with
// O_NONBLOCK (so a FIFO swapped in after the check cannot block the open),
// and the opened descriptor is checked again (fstat) to be that same
// regular file.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is what every refusal matches with errors.Is.
var ErrNotRegular = errors.New("not a regular file")

// NotRegularError names a path that is something other than a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is not a regular file (%s)", e.Path, Kind(e.Mode))
}

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// Kind says in words what a file of mode m is.
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	}
	return "an irregular file"
}

// Open opens name read-only if it is a regular file (a symbolic link is
// followed, as os.Open does, and its target must be a regular file).
func Open(name string) (*os.File, error) {
	// Stat, not Lstat: a link given by the user is followed, and stat(2)
	// reports the type of what open(2) would reach without opening it.
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: name, Mode: fi.Mode()}
	}
	f, err := os.OpenFile(name, os.O_RDONLY|nonblockFlag, 0)
	if err != nil {
		return nil, err
	}
	return checkOpened(f, name, fi, false)
}

// ReadFile is os.ReadFile for a regular file only.
func ReadFile(name string) ([]byte, error) {
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f)
}

// OpenIn opens name inside root read-only if it is a regular file. Links
// are followed inside the root only, as os.Root does.
func OpenIn(root *os.Root, name string) (*os.File, error) {
	return openIn(root, name, false)
}

// ReadFileIn is root.ReadFile for a regular file only.
func ReadFileIn(root *os.Root, name string) ([]byte, error) {
	f, err := OpenIn(root, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f)
}

func openIn(root *os.Root, name string, allowDir bool) (*os.File, error) {
	fi, err := root.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() && !(allowDir && fi.IsDir()) {
		return nil, &NotRegularError{Path: name, Mode: fi.Mode()}
	}
	f, err := root.OpenFile(name, os.O_RDONLY|nonblockFlag, 0)
	if err != nil {
		return nil, err
	}
	return checkOpened(f, name, fi, allowDir)
}

// checkOpened makes sure f is the file that was checked before opening,
// and still a regular file (or a folder when allowed), then puts it back in
// blocking mode for ordinary reads.
func checkOpened(f *os.File, name string, before fs.FileInfo, allowDir bool) (*os.File, error) {
	now, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !now.Mode().IsRegular() && !(allowDir && now.IsDir()) {
		f.Close()
		return nil, &NotRegularError{Path: name, Mode: now.Mode()}
	}
	if !os.SameFile(before, now) {
		f.Close()
		return nil, fmt.Errorf("%s changed while it was being opened; refusing to read it", name)
	}
	if err := clearNonblock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// readAll reads f whole.
func readAll(f *os.File) ([]byte, error) { return io.ReadAll(f) }
