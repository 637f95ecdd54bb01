//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// nonblockFlag makes open(2) of a FIFO return at once instead of waiting
// for a writer.
const nonblockFlag = syscall.O_NONBLOCK

// clearNonblock puts a regular file back in blocking mode. Linux ignores
// O_NONBLOCK on regular files, but other systems and some network file
// systems may not.
func clearNonblock(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}
