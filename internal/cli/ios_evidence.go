package cli

import (
	"io"

	"github.com/spyglass-forensics/spyglass/internal/plistsafe"
	"github.com/spyglass-forensics/spyglass/internal/report"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// describeIOSBackup reads the device details the summary shows from
// Info.plist. They are informative only: a missing or odd plist leaves them
// empty (the backup_info module reports the file's problems).
func describeIOSBackup(src source.IOS) report.Evidence {
	var ev report.Evidence
	f, err := src.FS().Open("Info.plist")
	if err != nil {
		return ev
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 16<<20))
	if err != nil {
		return ev
	}
	var info map[string]any
	if err := plistsafe.Unmarshal(b, &info); err != nil {
		return ev
	}
	str := func(k string) string { s, _ := info[k].(string); return s }
	ev.DeviceName, ev.Model, ev.OSVersion, ev.Build = str("Device Name"), str("Product Type"), str("Product Version"), str("Build Version")
	return ev
}
