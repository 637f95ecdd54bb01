// Package dumpsys splits the output of Android's `dumpsys` (as found in a
// bugreport's dumpstate.txt and in AndroidQF's dumpsys.txt) into its
// "DUMP OF SERVICE x:" sections and parses the sections spyglass analyses.
package dumpsys

import "io"

// Provider is implemented by every source that holds dumpsys text: a
// bugreport (its dumpstate file) and an AndroidQF acquisition (dumpsys.txt).
// The dumpsys-section modules get their text only through this interface,
// so the same modules run on both kinds of evidence.
type Provider interface {
	// OpenDumpsys opens the dumpsys text. The string names the file for
	// messages ("dumpstate.txt", "dumpsys.txt"). When the evidence holds no
	// dumpsys text the error wraps module.ErrNoData.
	OpenDumpsys() (io.ReadCloser, string, error)
}
