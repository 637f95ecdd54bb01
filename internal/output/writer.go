// Package output writes a run's results in the files MVT writes, with the
// same names and shapes, so scripts built around MVT keep working:
// <module>.json, <module>_detected.json, alerts.json, timeline.csv,
// alerts_timeline.csv, urls.json and info.json.
package output

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Results hold the person's messages, contacts and locations: the folder is
// created 0700 and every file 0600, readable by the analyst only.

// Writer is a module.Sink that streams each module's records to its file and
// gathers alerts, timeline events and URLs for the run-wide files.
type Writer struct {
	dir string
	// timestampHeader is the first column of timeline.csv: "UTC Timestamp"
	// for iOS, "Device Local Timestamp" for Android (records keep device
	// local time there, as in MVT).
	timestampHeader string

	mu       sync.Mutex
	alerts   map[int][]alert.Alert
	timeline timeline
	urls     *jsonArrayFile
	err      error
	// onSorted, when set, sees every timeline event in timeline.csv's
	// order while it is written (timeline.jsonl).
	onSorted       func(module.TimelineEvent) error
	beforeTimeline func()
}

// Options configure a Writer.
type Options struct {
	// LocalTime marks Android runs: the timeline's first column holds device
	// local time and is named so.
	LocalTime bool
	// OnSortedEvent, if set, receives every timeline event, sorted and
	// deduplicated, while timeline.csv is written.
	OnSortedEvent func(module.TimelineEvent) error
	// BeforeTimeline, if set, runs once alerts.json is written and before
	// the timeline is (the report's window tap reads the alerts there).
	BeforeTimeline func()
}

// New prepares dir (created if missing) for a run's results.
func New(dir string, opts Options) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the output folder: %w", err)
	}
	w := &Writer{dir: dir, alerts: map[int][]alert.Alert{}, timestampHeader: "UTC Timestamp", onSorted: opts.OnSortedEvent, beforeTimeline: opts.BeforeTimeline}
	if opts.LocalTime {
		w.timestampHeader = "Device Local Timestamp"
	}
	return w, nil
}

// Dir is the output folder.
func (w *Writer) Dir() string { return w.dir }

// Begin implements module.Sink.
func (w *Writer) Begin(job int, j module.Job) module.ModuleOutput {
	name := j.Module.Describe().Slug
	return &moduleOutput{w: w, job: job, name: name, records: newJSONArrayFile(filepath.Join(w.dir, name+".json"))}
}

// Alerts returns every alert in job order, then emission order.
func (w *Writer) Alerts() []alert.Alert {
	w.mu.Lock()
	defer w.mu.Unlock()
	jobs := make([]int, 0, len(w.alerts))
	for j := range w.alerts {
		jobs = append(jobs, j)
	}
	sort.Ints(jobs)
	var out []alert.Alert
	for _, j := range jobs {
		out = append(out, w.alerts[j]...)
	}
	return out
}

// Finish writes the run-wide files. It must be called once, after every
// module has ended.
func (w *Writer) Finish() error {
	defer w.timeline.cleanup()
	alerts := w.Alerts()
	errs := []error{w.err}
	if len(alerts) > 0 {
		errs = append(errs, writeJSON(filepath.Join(w.dir, "alerts.json"), alerts))
	}
	errs = append(errs, w.writeAlertsTimeline(alerts))
	if w.beforeTimeline != nil {
		w.beforeTimeline()
	}
	errs = append(errs, w.writeTimeline())
	if w.urls != nil {
		errs = append(errs, w.urls.close())
	}
	return errors.Join(errs...)
}

func (w *Writer) writeTimeline() error {
	if w.timeline.n == 0 {
		return nil
	}
	var side *sortedFanOut
	if w.onSorted != nil {
		side = newSortedFanOut(w.onSorted)
	}
	err := WriteStreamAtomic(filepath.Join(w.dir, "timeline.csv"), func(b *bufio.Writer) error {
		writeCSVRow(b, w.timestampHeader, "Plugin", "Event", "Description")
		return w.timeline.each(func(e *event) error {
			writeCSVRow(b, e.Timestamp, e.Module, e.Event, e.Data)
			if side != nil {
				side.add(e.TimelineEvent)
			}
			return nil
		})
	})
	if side != nil {
		err = errors.Join(err, side.close())
	}
	return err
}

func (w *Writer) writeAlertsTimeline(alerts []alert.Alert) error {
	var timed []alert.Alert
	for _, a := range alerts {
		if a.EventTime != "" {
			timed = append(timed, a)
		}
	}
	sort.SliceStable(timed, func(i, j int) bool { return timed[i].EventTime < timed[j].EventTime })
	return WriteStreamAtomic(filepath.Join(w.dir, "alerts_timeline.csv"), func(b *bufio.Writer) error {
		writeCSVRow(b, "Event Time", "Module", "Message", "Event")
		for _, a := range timed {
			writeCSVRow(b, a.EventTime, a.Module, a.Message, pyRepr(a.Event))
		}
		return nil
	})
}

// moduleOutput is one job's Emitter.
type moduleOutput struct {
	w       *Writer
	job     int
	name    string
	records *jsonArrayFile
	single  any
	hasOne  bool
	alerts  []alert.Alert
	events  int
}

func (m *moduleOutput) Record(rec any) { m.records.add(rec) }

func (m *moduleOutput) SetRecord(v any) { m.single, m.hasOne = v, true }

func (m *moduleOutput) Timeline(ev module.TimelineEvent) {
	m.events++
	m.w.mu.Lock()
	defer m.w.mu.Unlock()
	if err := m.w.timeline.add(m.job, ev); err != nil && m.w.err == nil {
		m.w.err = err
	}
}

func (m *moduleOutput) Alert(a alert.Alert) {
	if a.Module == "" {
		a.Module = m.name
	}
	m.alerts = append(m.alerts, a)
}

func (m *moduleOutput) URL(u module.URL) {
	m.w.mu.Lock()
	defer m.w.mu.Unlock()
	if m.w.urls == nil {
		m.w.urls = newJSONArrayFile(filepath.Join(m.w.dir, "urls.json"))
	}
	m.w.urls.add(u)
}

func (m *moduleOutput) End(st *module.Status) error {
	var errs []error
	if m.hasOne {
		// An empty result writes no file, as MVT does.
		if st.Records = countOf(m.single); st.Records > 0 {
			errs = append(errs, writeJSON(filepath.Join(m.w.dir, m.name+".json"), m.single))
		}
	} else {
		errs = append(errs, m.records.close())
		st.Records = m.records.n
	}
	st.Events = m.events
	st.Alerts = len(m.alerts)
	if len(m.alerts) > 0 {
		errs = append(errs, writeJSON(filepath.Join(m.w.dir, m.name+"_detected.json"), m.alerts))
		m.w.mu.Lock()
		m.w.alerts[m.job] = append(m.w.alerts[m.job], m.alerts...)
		m.w.mu.Unlock()
	}
	return errors.Join(errs...)
}

// countOf counts the records of a dict-shaped result: its entries.
func countOf(v any) int {
	switch x := normaliseJSON(v).(type) {
	case map[string]any:
		return len(x)
	case []any:
		return len(x)
	case nil:
		return 0
	}
	return 1
}
