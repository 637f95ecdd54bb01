//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LockDir holds dir for one run by creating LockFile in it (CreateFile:
// O_EXCL, so exactly one run succeeds). A run that crashed leaves it
// behind; the sentence says to remove it then.
func LockDir(dir string) (unlock func(), err error) {
	p := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%w (or a run that stopped left %s: remove it if no run is going on)", ErrLocked, p)
	}
	if err != nil {
		return nil, fmt.Errorf("locking the results folder %s: %w", dir, err)
	}
	f.Close()
	return func() { os.Remove(p) }, nil
}
