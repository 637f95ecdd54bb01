package source

import (
	"errors"
	"fmt"
)

// ErrNotFound means an artifact is not in the evidence, which is normal: a
// module reading it then "had no data" (module.ErrNoData is this error).
var ErrNotFound = errors.New("no data")

// NotFound returns an ErrNotFound naming what was missing.
func NotFound(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotFound, fmt.Sprintf(format, args...))
}
