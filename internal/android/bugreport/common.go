// Package bugreport holds the modules that analyse an Android bug report:
// the dumpsys-section modules (which also run on an AndroidQF acquisition's
// dumpsys.txt), system properties, tombstones and file timestamps.
package bugreport

import (
	"fmt"
	"io"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// openDumpsys opens the dumpsys text of the evidence.
func openDumpsys(in *module.Input) (io.ReadCloser, string, error) {
	p, ok := in.Source.(dumpsys.Provider)
	if !ok || p == nil {
		return nil, "", module.NoData("the evidence holds no dumpsys text")
	}
	return p.OpenDumpsys()
}

// withSection runs parse on the named dumpsys section. A missing section
// is ErrNoData; a read error names the file.
func withSection(in *module.Input, name string, parse func(l *dumpsys.Lines, file string) error) error {
	rc, file, err := openDumpsys(in)
	if err != nil {
		return err
	}
	defer rc.Close()
	l, found, err := dumpsys.Section(rc, name)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if !found {
		return module.NoData("no %q section in %s", name, file)
	}
	if err := parse(l, file); err != nil {
		return fmt.Errorf("%s, section %q: %w", file, name, err)
	}
	if n := l.Truncated(); n > 0 && in.Log != nil {
		in.Log.Warn("dumpsys lines longer than the limit were cut", "file", file, "section", name, "lines", n, "limit", dumpsys.MaxLineLen)
	}
	return nil
}

// appIDAlert reports a CRITICAL alert when id is a known malicious app id.
func appIDAlert(idx *ioc.Index, out module.Emitter, id, eventTime string, rec any) bool {
	m := idx.CheckAppID(id)
	if m == nil {
		return false
	}
	out.Alert(alert.Alert{
		Level:     alert.Critical,
		Message:   fmt.Sprintf("Found a known suspicious app with ID %q matching indicators from %q", id, m.Collection),
		EventTime: eventTime,
		Event:     rec,
		Indicator: m.Indicator(),
	})
	return true
}
