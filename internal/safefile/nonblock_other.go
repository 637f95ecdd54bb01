//go:build !unix

package safefile

import "os"

// Systems without FIFOs in the file system (Windows) need no flag.
const nonblockFlag = 0

func clearNonblock(*os.File) error { return nil }
