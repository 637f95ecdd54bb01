package ios

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// Crash and spin reports (crashes_and_spins/*.ips, and the Retired/
// subfolder) are JSON in two parts: one header line, then the body.
// Format facts from EC-DIGIT-CSIRC/sysdiagnose's crashlogs parser and
// Apple's "Interpreting the JSON format of a crash report":
//
//	{"app_name":"Foo","timestamp":"2025-04-06 10:10:10.00 -0700","bug_type":"309","bundleID":"com.x.foo","name":"Foo","os_version":"iPhone OS 18.4 (22E240)","incident_id":"…"}
//	{"procName":"Foo","procPath":"/private/var/containers/Bundle/…/Foo","bundleInfo":{"CFBundleIdentifier":"com.x.foo"},"exception":{"type":"EXC_CRASH","signal":"SIGKILL"},…}
//
// A process that crashed is named with its path even when it never
// appears in any database: an implant that crashed (Pegasus did, in
// 2021) is found here.
var crashLogFiles = source.IOSQuery{FSGlobs: []string{"crashes_and_spins/*.ips", "crashes_and_spins/*/*.ips"}}

// Bounds for a crafted report: real headers are a few hundred bytes and
// bodies a few megabytes.
const (
	maxIPSHeader = 64 << 10
	maxIPSBody   = 64 << 20
)

// crashLog is one report's identity, from its header and body.
type crashLog struct {
	File       string `json:"file"`
	Timestamp  string `json:"timestamp"`
	BugType    string `json:"bug_type"`
	Name       string `json:"name,omitempty"`
	ProcName   string `json:"proc_name,omitempty"`
	ProcPath   string `json:"proc_path,omitempty"`
	BundleID   string `json:"bundle_id,omitempty"`
	Exception  string `json:"exception,omitempty"`
	OSVersion  string `json:"os_version,omitempty"`
	IncidentID string `json:"incident_id,omitempty"`
}

type ipsHeader struct {
	AppName    string `json:"app_name"`
	Name       string `json:"name"`
	Timestamp  string `json:"timestamp"`
	BugType    string `json:"bug_type"`
	BundleID   string `json:"bundleID"`
	OSVersion  string `json:"os_version"`
	IncidentID string `json:"incident_id"`
}

type ipsBody struct {
	ProcName   string `json:"procName"`
	ProcPath   string `json:"procPath"`
	BundleInfo struct {
		ID string `json:"CFBundleIdentifier"`
	} `json:"bundleInfo"`
	Exception struct {
		Type   string `json:"type"`
		Signal string `json:"signal"`
	} `json:"exception"`
}

// parseIPS reads one report. A body that is not JSON (older text
// reports) leaves the header's fields alone.
func parseIPS(r io.Reader, file string) (*crashLog, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, maxIPSBody), 64<<10)
	line, err := readLineBounded(br, maxIPSHeader+1)
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(line) > maxIPSHeader {
		return nil, fmt.Errorf("its first line is longer than %d KiB, not a crash report's header", maxIPSHeader>>10)
	}
	var h ipsHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("its first line is not a JSON header: %w", err)
	}
	c := &crashLog{File: file, BugType: h.BugType, Name: h.Name, BundleID: h.BundleID, OSVersion: h.OSVersion, IncidentID: h.IncidentID}
	if c.Name == "" {
		c.Name = h.AppName
	}
	c.Timestamp = ipsTime(h.Timestamp)
	var b ipsBody
	if json.NewDecoder(br).Decode(&b) == nil {
		c.ProcName, c.ProcPath = b.ProcName, b.ProcPath
		if b.BundleInfo.ID != "" {
			c.BundleID = b.BundleInfo.ID
		}
		c.Exception = strings.TrimSpace(b.Exception.Type + " " + b.Exception.Signal)
	}
	return c, nil
}

// ipsTime reads "2025-04-06 10:10:10.00 -0700" as UTC.
func ipsTime(s string) string {
	for _, layout := range []string{"2006-01-02 15:04:05.00 -0700", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05.000 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return timeutil.Format(t.UTC())
		}
	}
	return ""
}

var heuristicCrashUnusualPath = &alert.Heuristic{
	ID:    "ios.crash_logs.unusual_process_path",
	Title: "Crash report of a program in an unusual location",
	Why: "A program that crashed or hung was running from a folder where iOS keeps data, not " +
		"programs. iOS programs run from the system volume or from installed apps' bundles; spyware " +
		"has run from /private/var/db/ and its crashes have revealed it (Amnesty International, 2021).",
	Action: "Look up the program's name and path; if it is unknown, have an expert examine the phone.",
}

// CrashLogs reads a sysdiagnose's crash and spin reports.
type CrashLogs struct{}

// NewCrashLogs returns the crash_logs module.
func NewCrashLogs() *CrashLogs { return &CrashLogs{} }

// Describe implements module.Module.
func (*CrashLogs) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "crash_logs",
		Description: "Crash and hang reports (crashes_and_spins/*.ips): the process, its path and bundle id against indicators, and programs that crashed in data folders",
		Artifact:    "Crash and hang reports of apps and system programs",
		Evidence:    sysdiagnoseOnly,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *CrashLogs) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, crashLogFiles, "crash reports (crashes_and_spins/*.ips)")
	if err != nil {
		return err
	}
	src, err := iosSource(in)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := readIPS(src, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Path, err))
			continue
		}
		out.Record(c)
		if c.Timestamp != "" {
			out.Timeline(module.TimelineEvent{Timestamp: c.Timestamp, Module: "crash_logs", Event: "crash_report",
				Data: oneLine(fmt.Sprintf("Report (bug type %s) for %s %s %s", c.BugType, c.Name, c.ProcPath, c.Exception))})
		}
		crashCheck(in.IOCs, c, out)
	}
	return errors.Join(errs...)
}

func readIPS(src source.IOS, f source.IOSFile) (*crashLog, error) {
	fh, err := src.FS().Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return parseIPS(fh, f.Path)
}

// crashCheck matches the path, the process and app names, and the bundle
// id against indicators, then flags a program in a data folder.
func crashCheck(idx *ioc.Index, c *crashLog, out module.Emitter) {
	var m *ioc.Match
	if c.ProcPath != "" {
		for _, alias := range pathAliases(c.ProcPath) {
			if m = idx.CheckFilePath(alias); m != nil {
				break
			}
		}
	}
	for _, n := range []string{c.ProcPath, c.ProcName, c.Name} {
		if m == nil && n != "" {
			m = idx.CheckProcess(n)
		}
	}
	if m == nil && c.BundleID != "" {
		m = idx.CheckAppID(c.BundleID)
	}
	if m != nil {
		out.Alert(iocAlert(alert.Critical,
			fmt.Sprintf("Crash report %s names %q, an indicator from %q", c.File, m.Value, m.Collection), c.Timestamp, c, m))
	}
	if level, unusual := unusualProgramPath(c.ProcPath); unusual {
		out.Alert(heuristicAlert(level,
			fmt.Sprintf("Crash report %s is for %s, a program in a folder iOS does not run programs from", c.File, c.ProcPath),
			c.Timestamp, c, heuristicCrashUnusualPath))
	}
}

// Recheck implements module.Rechecker on one record of crash_logs.json.
func (m *CrashLogs) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var c crashLog
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("crash_logs record: %w", err)
	}
	crashCheck(idx, &c, out)
	return nil
}
