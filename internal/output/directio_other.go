//go:build !linux

package output

import (
	"errors"
	"os"
)

// osFile is an open file; outside Linux the page cache is always used.
type osFile struct{ *os.File }

func (osFile) setDirect(bool) error { return errors.ErrUnsupported }
