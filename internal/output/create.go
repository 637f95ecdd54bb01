package output

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// CreateFile is the one way every result file is created (spyglass's own
// files in a results folder: module files, info.json, command.log,
// summary.json, report.html, timelines, hashes). It makes a new file,
// readable by its owner only, and never opens an existing one: O_EXCL
// refuses any name already there and O_NOFOLLOW any symbolic link, so a link
// planted in a results folder (command.log -> the evidence, or -> a file of
// the analyst's) can never redirect a write.
func CreateFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o600)
	if err == nil {
		return f, nil
	}
	if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%s already exists (a file, folder or link that this run did not write): spyglass only creates new files in a results folder, and never writes through a link", path)
	}
	return nil, err
}

// createTemp creates the hidden file a result is written to before it is
// renamed into place: ".<name>.<random>.part" beside it. The random part
// keeps a file left by a killed run from blocking the next one.
func createTemp(final string) (*os.File, error) {
	var err error
	for range 100 {
		var b [6]byte
		rand.Read(b[:])
		var f *os.File
		tmp := filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+"."+hex.EncodeToString(b[:])+tempSuffix)
		if f, err = CreateFile(tmp); err == nil {
			return f, nil
		}
	}
	return nil, err
}

// tempSuffix ends the temporary names createTemp makes.
const tempSuffix = ".part"

// WriteFileAtomic writes data to path through a new temporary file renamed
// into place, so a crash never leaves half a file under the final name.
// Rename replaces a link at path by the file, never writes through it.
func WriteFileAtomic(path string, data []byte) error {
	f, err := createTemp(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	_, werr := f.Write(data)
	return finishTemp(path, f, errors.Join(werr, f.Close()))
}

// WriteStreamAtomic is WriteFileAtomic for large files: fill writes
// through a buffer to an AsyncFile.
func WriteStreamAtomic(path string, fill func(*bufio.Writer) error) error {
	f, err := createTemp(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	af := NewAsyncFile(f)
	b := bufio.NewWriterSize(af, 1<<20)
	return finishTemp(path, f, errors.Join(fill(b), b.Flush(), af.Close()))
}

// finishTemp renames the written temporary file f to path, or removes it
// when writing failed.
func finishTemp(path string, f *os.File, err error) error {
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	return nil
}
