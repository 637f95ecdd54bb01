package ios

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// shutdown.log (in a sysdiagnose, and on the filesystem) is written by
// launchd as the phone shuts down. While processes are slow to exit it
// logs, every second or so:
//
//	After 1.63s, these clients are still here:
//		remaining client pid: 402 (/usr/libexec/nfcd)
//
// then "SIGTERM: [<unix seconds>] …" when it gives up waiting. Every
// process still running at a reboot is named there, including an implant
// that was never written to any database (Kaspersky's iShutdown, 2024:
// Pegasus ran from /private/var/db/com.apple.xpc.roleaccountd.staging/).
// iOS 26 names the file shutdown.0.log and overwrites it at each reboot.
var shutdownLogFiles = source.IOSQuery{
	FSGlobs: []string{
		"private/var/db/diagnostics/shutdown.log",
		"private/var/db/diagnostics/shutdown.*.log",
		// in a sysdiagnose
		"system_logs.logarchive/Extra/shutdown.log",
		"system_logs.logarchive/Extra/shutdown.*.log",
	},
}

// Bounds for a crafted log: a real one is a few hundred kilobytes with a
// few dozen clients per reboot.
const (
	maxShutdownLogSize    = 256 << 20
	maxShutdownLineLength = 64 << 10
	maxShutdownClients    = 10000
)

// shutdownClient is one process still running at a shutdown, with MVT's
// field names. Delay is the longest wait (seconds) after which it was still
// listed; TimesDelayed is how many "still here" lists named it.
type shutdownClient struct {
	Isodate      string   `json:"isodate"`
	PID          int64    `json:"pid"`
	Client       string   `json:"client"`
	Delay        *float64 `json:"delay"`
	TimesDelayed int      `json:"times_delayed"`
}

// shutdownReboot is one SIGTERM with what preceded it.
type shutdownReboot struct {
	Isodate string
	Delays  int // "these clients are still here" lists before the SIGTERM
	Clients []*shutdownClient
}

// parseShutdownLog reads a shutdown.log and calls fn for each reboot, in
// order. Clients listed after the last SIGTERM (a log cut short) are not
// reported, as in MVT: they have no date. A line longer than
// maxShutdownLineLength is skipped.
func parseShutdownLog(r io.Reader, fn func(*shutdownReboot)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	cur := &shutdownReboot{}
	byKey := map[string]*shutdownClient{}
	var delay *float64
	for {
		line, err := readLineBounded(br, maxShutdownLineLength)
		if line != nil {
			parseShutdownLine(strings.TrimSpace(string(line)), &cur, byKey, &delay, fn)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func parseShutdownLine(line string, cur **shutdownReboot, byKey map[string]*shutdownClient, delay **float64, fn func(*shutdownReboot)) {
	switch {
	case strings.HasPrefix(line, "remaining client pid:"):
		pid, client, ok := parseRemainingClient(line)
		if !ok {
			return
		}
		key := strconv.FormatInt(pid, 10) + "\x00" + client
		c := byKey[key]
		if c == nil {
			if len((*cur).Clients) >= maxShutdownClients {
				return
			}
			c = &shutdownClient{PID: pid, Client: client}
			byKey[key] = c
			(*cur).Clients = append((*cur).Clients, c)
		}
		if *delay != nil {
			c.TimesDelayed++
			if c.Delay == nil || **delay > *c.Delay {
				d := **delay
				c.Delay = &d
			}
		}
	case strings.HasPrefix(line, "After ") && strings.Contains(line, "these clients are still here"):
		(*cur).Delays++
		s := strings.TrimPrefix(line, "After ")
		if i := strings.Index(s, "s,"); i > 0 {
			// "NaN" and "Inf" parse too, and would make the record unwritable as JSON.
			if f, err := strconv.ParseFloat(s[:i], 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
				*delay = &f
			}
		}
	case strings.HasPrefix(line, "SIGTERM: "):
		(*cur).Isodate = shutdownTime(line)
		for _, c := range (*cur).Clients {
			c.Isodate = (*cur).Isodate
		}
		fn(*cur)
		*cur = &shutdownReboot{}
		clear(byKey)
		*delay = nil
	}
}

// parseRemainingClient splits "remaining client pid: 402 (/usr/libexec/nfcd)".
func parseRemainingClient(line string) (int64, string, bool) {
	rest := strings.TrimSpace(strings.TrimPrefix(line, "remaining client pid:"))
	num, path, _ := strings.Cut(rest, " ")
	pid, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, "", false
	}
	path = strings.TrimSpace(path)
	if i, j := strings.IndexByte(path, '('), strings.LastIndexByte(path, ')'); i >= 0 && j > i {
		path = path[i+1 : j]
	}
	return pid, path, true
}

// shutdownTime reads the Unix time in "SIGTERM: [1612345678] …".
func shutdownTime(line string) string {
	i := strings.IndexByte(line, '[')
	j := strings.IndexByte(line, ']')
	if i < 0 || j < i {
		return ""
	}
	ts, err := strconv.ParseInt(strings.TrimSpace(line[i+1:j]), 10, 64)
	if err != nil {
		return ""
	}
	return unixTimeMVT(float64(ts))
}

// readLineBounded returns the next line without its newline. The part of a
// line beyond max is dropped (a crafted single-line log stays bounded).
func readLineBounded(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if len(line) < max {
			line = append(line, chunk[:min(len(chunk), max-len(line))]...)
		}
		if err != nil {
			if len(line) > 0 && err == io.EOF {
				return line, nil
			}
			return nil, err
		}
		if !isPrefix {
			return bytes.Clone(line), nil
		}
	}
}

var (
	heuristicShutdownPegasusPath = &alert.Heuristic{
		ID:    "ios.shutdown_log.pegasus_staging_path",
		Title: "Process running from Pegasus's hiding place at shutdown",
		Why: "A process was still running at shutdown from /private/var/db/com.apple.xpc.roleaccountd.staging/, " +
			"the folder Pegasus infections were seen running from (Kaspersky, iShutdown, 2024). No Apple " +
			"program runs from there.",
		Action: "Treat the phone as compromised: stop using it for sensitive work and have it examined by an expert.",
	}
	heuristicShutdownUnusualPath = &alert.Heuristic{
		ID:    "ios.shutdown_log.unusual_process_path",
		Title: "Process running from a data folder at shutdown",
		Why: "A process was still running at shutdown from /private/var/db/ or /private/var/tmp/. iOS " +
			"programs run from the system partition or from app bundles; spyware has run from these data " +
			"folders (Kaspersky, iShutdown, 2024).",
		Action: "Look up the program's name; have an expert review the dates of these reboots.",
	}
	heuristicShutdownDelays = &alert.Heuristic{
		ID:    "ios.shutdown_log.slow_shutdown",
		Title: "Shutdown delayed by processes that would not stop",
		Why: "At this reboot the phone waited three times or more for processes to exit. Kaspersky saw " +
			"this around Pegasus infections (iShutdown, 2024), but ordinary apps cause it too, so on its " +
			"own it is weak evidence.",
		Action: "Check which processes were still running at this reboot and whether other alerts share its date.",
	}
)

// ShutdownLog reads the processes still running at each shutdown.
type ShutdownLog struct{}

// NewShutdownLog returns the shutdown_log module.
func NewShutdownLog() *ShutdownLog { return &ShutdownLog{} }

// Describe implements module.Module.
func (*ShutdownLog) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "shutdown_log",
		MVTName:     "ShutdownLog",
		Description: "Processes still running at each shutdown (shutdown.log), with Pegasus-style path checks",
		Artifact:    "Processes still running at shutdown (shutdown.log)",
		Evidence:    []module.Evidence{module.IOSFilesystem, module.Sysdiagnose},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *ShutdownLog) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, shutdownLogFiles, "shutdown.log (private/var/db/diagnostics)")
	if err != nil {
		return err
	}
	src, err := iosSource(in)
	if err != nil {
		return err
	}
	var errs []error
	// A sysdiagnose can hold the same reboots in shutdown.log and in a
	// rotated shutdown.0.log: each reboot is reported once.
	seen := map[string]bool{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := m.readLog(in, src, f, seen, out); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (m *ShutdownLog) readLog(in *module.Input, src source.IOS, f source.IOSFile, seen map[string]bool, out module.Emitter) error {
	fh, err := src.FS().Open(f.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	defer fh.Close()
	reboots, clients := 0, 0
	err = parseShutdownLog(io.LimitReader(fh, maxShutdownLogSize), func(r *shutdownReboot) {
		reboots++
		if key := shutdownRebootKey(r); seen[key] {
			return
		} else if len(seen) < maxShutdownClients {
			seen[key] = true
		}
		clients += len(r.Clients)
		for _, c := range r.Clients {
			out.Record(c)
			out.Timeline(module.TimelineEvent{Timestamp: c.Isodate, Module: "ShutdownLog", Event: "shutdown",
				Data: fmt.Sprintf("Client %s with PID %d was running when the device was shut down", c.Client, c.PID)})
			shutdownClientCheck(in.IOCs, c, c.Client, c.Isodate, out)
		}
		if r.Delays >= 3 {
			out.Alert(heuristicAlert(alert.Low,
				fmt.Sprintf("Shutdown at %s waited %d times for %d processes to exit", r.Isodate, r.Delays, len(r.Clients)),
				r.Isodate, shutdownRebootSummary(r), heuristicShutdownDelays))
		}
	})
	if err != nil {
		return fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	logger(in).Debug("parsed shutdown log", "file", fileLabel(f), "reboots", reboots, "clients", clients)
	if reboots == 0 {
		logger(in).Warn("shutdown log lists no reboot; iOS 26 rewrites it at each reboot, so an empty log says little",
			"file", fileLabel(f))
	}
	return nil
}

// shutdownRebootKey identifies a reboot across log files: its date, its
// delays and its clients.
func shutdownRebootKey(r *shutdownReboot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%d", r.Isodate, r.Delays)
	for _, c := range r.Clients {
		fmt.Fprintf(&b, "\x00%d %s", c.PID, c.Client)
	}
	return b.String()
}

// shutdownRebootSummary is the event of a reboot-level alert.
func shutdownRebootSummary(r *shutdownReboot) map[string]any {
	names := make([]string, 0, len(r.Clients))
	for _, c := range r.Clients {
		names = append(names, c.Client)
	}
	return map[string]any{"isodate": r.Isodate, "delays": r.Delays, "clients": names}
}

// shutdownClientCheck matches the client's path against file indicators
// (also as /private/var/… or /var/…, both names of the same folder),
// then its components against process indicators (CRITICAL, one alert as
// in MVT), then flags Pegasus-style locations (iShutdown's check).
func shutdownClientCheck(idx *ioc.Index, rec any, client, when string, out module.Emitter) {
	var m *ioc.Match
	for _, alias := range pathAliases(client) {
		if m = idx.CheckFilePath(alias); m != nil {
			break
		}
	}
	switch {
	case m != nil:
		out.Alert(iocAlert(alert.Critical, matchMessage(client, m), when, rec, m))
	default:
		if m := idx.CheckFilePathProcess(client); m != nil {
			out.Alert(iocAlert(alert.Critical,
				fmt.Sprintf("Found known suspicious process name %q mentioned in shutdown.log client %s (indicator from %q)", m.Value, client, m.Collection),
				when, rec, m))
		}
	}
	p := client
	if strings.HasPrefix(p, "/var/") {
		p = "/private" + p // /var is a link to /private/var
	}
	switch {
	case strings.HasPrefix(p, "/private/var/db/com.apple.xpc.roleaccountd.staging/"):
		out.Alert(heuristicAlert(alert.High,
			"Process "+client+" was running at shutdown from the folder Pegasus used (com.apple.xpc.roleaccountd.staging)",
			when, rec, heuristicShutdownPegasusPath))
	case strings.HasPrefix(p, "/private/var/db/"), strings.HasPrefix(p, "/private/var/tmp/"):
		out.Alert(heuristicAlert(alert.Medium,
			"Process "+client+" was running at shutdown from a data folder (/private/var/db or /private/var/tmp)",
			when, rec, heuristicShutdownUnusualPath))
	}
}

// Recheck implements module.Rechecker on one record of shutdown_log.json.
func (m *ShutdownLog) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec shutdownClient
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("shutdown_log record: %w", err)
	}
	shutdownClientCheck(idx, json.RawMessage(raw), rec.Client, rec.Isodate, out)
	return nil
}
