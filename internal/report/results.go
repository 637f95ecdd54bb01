package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/output"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// Limits on what a results folder may make us hold in memory. A results
// folder can come from anyone (a person sending MVT output to a helpline),
// so it is read as hostile input.
const (
	maxAlertsBytes = 128 << 20 // alerts.json or all *_detected.json together
	maxSmallJSON   = 16 << 20  // info.json, summary.json, device-info modules
	maxAlerts      = 200_000
)

// Results is a results folder, loaded for reporting.
type Results struct {
	Dir string
	// Summary is summary.json when the folder has one (spyglass), else nil;
	// BuildSummary rebuilds one for MVT folders.
	Summary *Summary
	Info    Info
	// HasInfo is false when the folder has no info.json.
	HasInfo bool
	Alerts  []alert.Alert
	// Modules lists the <slug>.json files, sorted by slug.
	Modules []ModuleFile
	// Timeline is the path of timeline.csv ("" when absent).
	Timeline string
	// DeviceLocalTime is true when timeline.csv's first column is device
	// local time (Android) instead of UTC.
	DeviceLocalTime bool
	// Warnings are oddities worth showing to the reader (an unknown alert
	// level, an unreadable module file) that did not stop the report.
	Warnings []string
}

// ModuleFile is one <slug>.json in the folder.
type ModuleFile struct {
	Slug    string
	Path    string
	Records int // list length, or key count for dict-shaped results; -1 unreadable
}

// Info is info.json as MVT writes it, with spyglass's additions.
type Info struct {
	TargetPath      string     `json:"target_path"`
	MVTVersion      string     `json:"mvt_version"`
	SpyglassVersion string     `json:"spyglass_version"`
	Date            string     `json:"date"`
	IOCFiles        []string   `json:"ioc_files"`
	Hashes          []FileHash `json:"hashes"`
	// HashesFile is spyglass's reference to its hashes.jsonl.
	HashesFile *output.HashesRef `json:"hashes_file"`
}

// ErrNotResults is returned (wrapped) for a folder that is not a results
// folder.
var ErrNotResults = errors.New("not a results folder")

// markers are files at least one of which every results folder holds.
var markers = []string{SummaryFile, "info.json", "alerts.json", "timeline.csv", "command.log"}

// ReadResults loads a results folder written by spyglass or MVT. Module
// records are not loaded, only counted; the timeline is streamed later.
func ReadResults(dir string) (*Results, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open results folder %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is %w: it is a file, and a results folder is the directory given to --output", dir, ErrNotResults)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open results folder %s: %w", dir, err)
	}
	defer root.Close()
	found := false
	for _, m := range markers {
		if _, err := root.Stat(m); err == nil {
			found = true
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("%s is %w: it holds none of info.json, alerts.json, timeline.csv or summary.json", dir, ErrNotResults)
	}
	r := &Results{Dir: dir}
	if err := r.load(root); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Results) load(root *os.Root) error {
	if b, err := readLimited(root, "info.json", maxSmallJSON); err == nil {
		if err := json.Unmarshal(b, &r.Info); err != nil {
			r.warn("info.json is not valid JSON (%v); evidence details are missing", err)
		} else {
			r.HasInfo = true
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		r.warn("info.json: %v", err)
	}
	if b, err := readLimited(root, SummaryFile, maxSmallJSON); err == nil {
		var s Summary
		if err := json.Unmarshal(b, &s); err != nil {
			r.warn("summary.json is not valid JSON (%v); it was rebuilt from the other files", err)
		} else {
			r.Summary = &s
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		r.warn("summary.json: %v", err)
	}
	entries, err := fs.ReadDir(safefile.FS(root), ".")
	if err != nil {
		return fmt.Errorf("listing results folder %s: %w", r.Dir, err)
	}
	// Our own summary.json already holds each module's record count: use it
	// rather than scanning the module files again (gigabytes on a large
	// case). MVT folders have no summary and are counted.
	known := map[string]int{}
	if r.Summary != nil {
		for _, m := range r.Summary.Modules {
			known[m.Name] = m.Records
		}
	}
	var detected []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".json") {
			continue
		}
		slug := strings.TrimSuffix(name, ".json")
		switch {
		case name == "info.json" || name == "alerts.json" || name == "urls.json" || name == SummaryFile:
		case strings.HasSuffix(slug, "_detected"):
			detected = append(detected, name)
		default:
			n, ok := known[slug]
			if !ok {
				n = countRecords(root, name)
			}
			r.Modules = append(r.Modules, ModuleFile{Slug: slug, Path: name, Records: n})
		}
	}
	sort.Slice(r.Modules, func(i, j int) bool { return r.Modules[i].Slug < r.Modules[j].Slug })
	sort.Strings(detected)
	if err := r.loadAlerts(root, detected); err != nil {
		return err
	}
	if f, err := safefile.OpenIn(root, "timeline.csv"); err == nil {
		local, herr := timelineHeader(f)
		f.Close()
		if herr != nil {
			r.warn("timeline.csv: %v", herr)
		} else {
			r.Timeline = "timeline.csv"
			r.DeviceLocalTime = local
		}
	}
	return nil
}

func (r *Results) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// loadAlerts reads alerts.json, or, for folders without it (MVT v2, or a
// run cut short), the per-module *_detected.json files.
func (r *Results) loadAlerts(root *os.Root, detected []string) error {
	b, err := readLimited(root, "alerts.json", maxAlertsBytes)
	if err == nil {
		alerts, err := r.parseAlerts(b, "alerts.json", "")
		if err != nil {
			return fmt.Errorf("results folder %s: alerts.json: %w", r.Dir, err)
		}
		r.Alerts = alerts
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("results folder %s: %w", r.Dir, err)
	}
	budget := int64(maxAlertsBytes)
	for _, name := range detected {
		b, err := readLimited(root, name, budget)
		if err != nil {
			r.warn("%s: %v", name, err)
			continue
		}
		budget -= int64(len(b))
		alerts, err := r.parseAlerts(b, name, strings.TrimSuffix(name, "_detected.json"))
		if err != nil {
			r.warn("%s: %v", name, err)
			continue
		}
		r.Alerts = append(r.Alerts, alerts...)
	}
	return nil
}

// rawAlert is an alert as found on disk: the level is read leniently so
// that one odd alert does not hide the others.
type rawAlert struct {
	Level     string           `json:"level"`
	Module    string           `json:"module"`
	Message   string           `json:"message"`
	EventTime string           `json:"event_time"`
	Event     any              `json:"event"`
	Indicator *alert.Indicator `json:"matched_indicator"`
	Heuristic *alert.Heuristic `json:"heuristic"`
}

// parseAlerts reads a list of v3 alerts; an element without a level is a
// v2 detected record (the record itself with matched_indicator added),
// which MVT v2 only wrote for indicator matches.
func (r *Results) parseAlerts(b []byte, file, slug string) ([]alert.Alert, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, fmt.Errorf("not a JSON list of alerts: %w", err)
	}
	if len(items) > maxAlerts {
		r.warn("%s holds %d alerts; only the first %d are shown", file, len(items), maxAlerts)
		items = items[:maxAlerts]
	}
	out := make([]alert.Alert, 0, len(items))
	for i, it := range items {
		var obj map[string]json.RawMessage
		if json.Unmarshal(it, &obj) != nil {
			r.warn("%s: item %d is not an object; skipped", file, i+1)
			continue
		}
		if _, ok := obj["level"]; !ok && slug != "" {
			out = append(out, v2Alert(obj, slug))
			continue
		}
		var ra rawAlert
		dec := json.NewDecoder(bytes.NewReader(it))
		dec.UseNumber() // keeps 18-digit Apple timestamps exact
		if err := dec.Decode(&ra); err != nil {
			r.warn("%s: alert %d: %v; skipped", file, i+1, err)
			continue
		}
		lvl, err := alert.ParseLevel(ra.Level)
		if err != nil {
			// Unknown levels are shown as MEDIUM rather than dropped: a
			// finding must not vanish because of a spelling.
			r.warn("%s: alert %d has unknown level %q; shown as MEDIUM", file, i+1, ra.Level)
			lvl = alert.Medium
		}
		if ra.Module == "" {
			ra.Module = slug
		}
		out = append(out, alert.Alert{Level: lvl, Module: ra.Module, Message: ra.Message,
			EventTime: ra.EventTime, Event: ra.Event, Indicator: ra.Indicator, Heuristic: ra.Heuristic})
	}
	return out, nil
}

func v2Alert(obj map[string]json.RawMessage, slug string) alert.Alert {
	a := alert.Alert{Level: alert.Critical, Module: slug}
	var in alert.Indicator
	if raw, ok := obj["matched_indicator"]; ok && json.Unmarshal(raw, &in) == nil && in.Value != "" {
		a.Indicator = &in
		a.Message = fmt.Sprintf("Matched indicator %q (%s) of %s", in.Value, in.Type, familyName(&in))
	} else {
		a.Message = "Detected record (MVT v2 format, no indicator recorded)"
	}
	delete(obj, "matched_indicator")
	ev := map[string]any{}
	for k, v := range obj {
		var x any
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		if dec.Decode(&x) == nil {
			ev[k] = x
		}
	}
	a.Event = ev
	return a
}

// readLimited reads a whole file of the folder, refusing files over max.
func readLimited(root *os.Root, name string, max int64) ([]byte, error) {
	f, err := safefile.OpenIn(root, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d MiB", name, max>>20)
	}
	return b, nil
}

// countRecords counts a module file's records without holding them: the
// elements of a list, or the keys of a dict. -1 when unreadable.
//
// Performance: a million-SMS sms.json is 2.5 GB; json.Decoder.Token took
// minutes on it. The file is scanned bytewise instead (strings, escapes and
// nesting tracked, the values not parsed), which also never holds more than
// the read buffer. A truncated file counts as unreadable; a malformed one
// still gets a best-effort count (it is only shown in the report).
func countRecords(root *os.Root, name string) int {
	f, err := safefile.OpenIn(root, name)
	if err != nil {
		return -1
	}
	defer f.Close()
	return countTopLevel(bufio.NewReaderSize(f, 1<<20))
}

// countTopLevel counts the values of the list, or the pairs of the dict, that
// r holds; a scalar counts as one record.
func countTopLevel(r *bufio.Reader) int {
	first := byte(0)
	for {
		c, err := r.ReadByte()
		if err != nil {
			return -1
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			first = c
			break
		}
	}
	if first != '[' && first != '{' {
		return 1
	}
	depth, n := 1, 0
	inString, escaped, counted := false, false, false
	for {
		chunk, err := r.ReadSlice('\n')
		for _, c := range chunk {
			if inString {
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
				}
				continue
			}
			switch c {
			case ' ', '\t', '\n', '\r', ':':
			case ',':
				if depth == 1 {
					counted = false
				}
			case ']', '}':
				depth--
				if depth == 0 {
					return n
				}
			default:
				if depth == 1 && !counted {
					counted = true
					n++
				}
				switch c {
				case '"':
					inString = true
				case '[', '{':
					depth++
				}
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return -1
		}
	}
}
