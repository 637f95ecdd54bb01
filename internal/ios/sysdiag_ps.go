package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// sysdiagnoseOnly is the evidence of the modules that read a sysdiagnose.
var sysdiagnoseOnly = []module.Evidence{module.Sysdiagnose}

var heuristicPSUnusualPath = &alert.Heuristic{
	ID:    "ios.ps.unusual_process_path",
	Title: "Process running from an unusual location",
	Why: "When the sysdiagnose was taken, a process was running from a folder where iOS keeps data, " +
		"not programs. iOS programs run from the system volume (/usr, /System, /sbin, /Applications, the " +
		"cryptexes) or from installed apps' bundles; Pegasus ran from /private/var/db/ (Kaspersky, " +
		"iShutdown, 2024).",
	Action: "Look up the program's name and path; if it is unknown, have an expert examine the phone.",
}

// psSystemPrefixes are where iOS runs programs from. Anything else that is
// an absolute path is flagged.
var psSystemPrefixes = []string{
	"/usr/", "/System/", "/sbin/", "/bin/", "/Applications/", "/Developer/", "/Library/",
	"/private/var/containers/Bundle/", "/var/containers/Bundle/",
	"/private/preboot/", "/private/var/staged_system_apps/", "/var/staged_system_apps/",
	"/AppleInternal/",
}

// PS reads ps.txt.
type PS struct{ thread bool }

// NewPS returns the ps module (ps.txt).
func NewPS() *PS { return &PS{} }

// NewPSThread returns the ps_thread module (ps_thread.txt).
func NewPSThread() *PS { return &PS{thread: true} }

func (m *PS) file() string {
	if m.thread {
		return "ps_thread.txt"
	}
	return "ps.txt"
}

// Describe implements module.Module.
func (m *PS) Describe() module.Descriptor {
	d := module.Descriptor{
		Slug:        "ps",
		Description: "Processes running when the sysdiagnose was taken (ps.txt): names and paths against indicators, and programs running from data folders",
		Artifact:    "Processes running when the sysdiagnose was taken (ps.txt)",
		Evidence:    sysdiagnoseOnly,
		Sensitive:   module.Fields{},
		Version:     1,
	}
	if m.thread {
		d.Slug = "ps_thread"
		d.Description = "Processes and their threads when the sysdiagnose was taken (ps_thread.txt): names, including 16-character truncated ones, and paths against indicators"
		d.Artifact = "Processes and threads when the sysdiagnose was taken (ps_thread.txt)"
	}
	return d
}

// Run implements module.Module.
func (m *PS) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, source.IOSQuery{FSGlobs: []string{m.file()}}, m.file())
	if err != nil {
		return err
	}
	src, err := iosSource(in)
	if err != nil {
		return err
	}
	fh, err := src.FS().Open(f.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", m.file(), err)
	}
	defer fh.Close()
	when := captureTime(src)
	rows, skipped, ok, err := parsePS(fh, f.Path, m.thread, func(p *psProcess) {
		out.Record(p)
		if when != "" {
			out.Timeline(module.TimelineEvent{Timestamp: when, Module: m.Describe().Slug, Event: "running",
				Data: fmt.Sprintf("Process %s (PID %d) was running when the sysdiagnose was taken", oneLine(p.Command), p.PID)})
		}
		psCheck(in.IOCs, p, when, out)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", m.file(), err)
	}
	if !ok {
		return fmt.Errorf("%s has no ps header line (USER … PID … COMMAND); it was not read", m.file())
	}
	if rows == 0 && skipped > 0 {
		return fmt.Errorf("%s: none of its %d rows has the header's columns; it was not read", m.file(), skipped)
	}
	if skipped > 0 {
		logger(in).Warn(fmt.Sprintf("%s: %d rows did not have the header's columns and were skipped", m.file(), skipped))
	}
	if rows == 0 {
		return module.NoData("%s lists no process", m.file())
	}
	return nil
}

// captureTime is the sysdiagnose's capture time as a timeline date, or "".
func captureTime(src source.IOS) string {
	c, ok := src.(interface{ Captured() time.Time })
	if !ok || c.Captured().IsZero() {
		return ""
	}
	return timeutil.Format(c.Captured())
}

// psCheck matches a process's path against file indicators, its binary's
// name and ps_thread's short name against process indicators (which
// accept iOS's 16-character truncation), then flags a program running
// from a data folder.
func psCheck(idx *ioc.Index, p *psProcess, when string, out module.Emitter) {
	var m *ioc.Match
	for _, alias := range pathAliases(p.Path) {
		if m = idx.CheckFilePath(alias); m != nil {
			break
		}
	}
	if m == nil {
		m = idx.CheckProcess(p.Path)
	}
	if m == nil && p.Name != "" {
		m = idx.CheckProcess(p.Name)
	}
	if m != nil {
		out.Alert(iocAlert(alert.Critical,
			fmt.Sprintf("Process %s (PID %d) matches the indicator %q from %q", oneLine(p.Command), p.PID, m.Value, m.Collection),
			when, p, m))
	}
	level, unusual := unusualProgramPath(p.Path)
	if !unusual {
		return
	}
	out.Alert(heuristicAlert(level,
		fmt.Sprintf("Process %s (PID %d) was running from %s, a folder iOS does not run programs from", oneLine(p.Command), p.PID, p.Path),
		when, p, heuristicPSUnusualPath))
}

// unusualProgramPath reports whether an absolute program path is outside
// where iOS runs programs from, and how severe that is: HIGH in Pegasus's
// folder, MEDIUM elsewhere. A bare name (kernel_task) is not a path.
func unusualProgramPath(p string) (alert.Level, bool) {
	if !strings.HasPrefix(p, "/") {
		return 0, false
	}
	p = path.Clean(p) // "/usr/../private/var/db/x" is not under /usr
	for _, pre := range psSystemPrefixes {
		if strings.HasPrefix(p, pre) {
			return 0, false
		}
	}
	if strings.Contains(p, "/com.apple.xpc.roleaccountd.staging/") {
		return alert.High, true
	}
	return alert.Medium, true
}

// Recheck implements module.Rechecker on one record of ps.json.
func (m *PS) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var p psProcess
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("%s record: %w", m.Describe().Slug, err)
	}
	psCheck(idx, &p, "", out)
	return nil
}
