package output

import "errors"

// ErrLocked is returned (wrapped) by LockDir when another run holds the
// results folder.
var ErrLocked = errors.New("another spyglass run is writing into this results folder")

// LockFile is the lock of a results folder on systems without flock; it is
// no result, and CleanResults leaves it alone.
const LockFile = ".spyglass.lock"
