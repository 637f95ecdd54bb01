//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package output

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// LockDir holds dir for one run, so two runs never mix their files in it.
// The lock is an flock on the folder itself: no lock file to plant a link
// at or to leave behind, and the kernel releases it when the process ends,
// however it ends, so a crashed run never blocks the next one. unlock
// releases it.
func LockDir(dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("locking the results folder %s: %w", dir, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("locking the results folder %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}
