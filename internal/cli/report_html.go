package cli

import (
	"path/filepath"

	"github.com/spyglass-forensics/spyglass/internal/report"
)

// writeHTMLReport builds report.html from the results folder just written,
// the same way "spyglass report" does for any results folder.
// tap, if not nil, holds the timeline excerpts gathered during the run.
func writeHTMLReport(dir string, redact bool, tap *report.WindowTap, platform string) error {
	r, err := report.ReadResults(dir)
	if err != nil {
		return err
	}
	return report.WriteHTMLFile(filepath.Join(dir, "report.html"), r, report.HTMLOptions{Redact: redact, Tap: tap, Modules: descriptors(platform)})
}
