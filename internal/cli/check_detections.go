package cli

import (
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// detections wraps the output sink to keep, per job, one console line for
// every alert at HIGH and above and every indicator match. They are printed
// after the run in job order, so that concurrent modules never change the
// order of the lines.
type detections struct {
	module.Sink
	mu    sync.Mutex
	lines map[int][]string
}

func newDetections(inner module.Sink) *detections {
	return &detections{Sink: inner, lines: map[int][]string{}}
}

// Begin implements module.Sink.
func (d *detections) Begin(job int, j module.Job) module.ModuleOutput {
	return &detectionOutput{ModuleOutput: d.Sink.Begin(job, j), d: d, job: job, name: j.Module.Describe().Slug}
}

type detectionOutput struct {
	module.ModuleOutput
	d    *detections
	job  int
	name string
}

func (o *detectionOutput) Alert(a alert.Alert) {
	if a.Level >= alert.High || a.Indicator != nil {
		line := detectionLine(o.name, a)
		o.d.mu.Lock()
		o.d.lines[o.job] = append(o.d.lines[o.job], line)
		o.d.mu.Unlock()
	}
	o.ModuleOutput.Alert(a)
}

// detectionLine is one alert on one line: level, module, the indicator and
// its family (or the heuristic), the record's time. Values from the
// evidence or the feeds are quoted, so none can break the line.
func detectionLine(mod string, a alert.Alert) string {
	what := "heuristic"
	if a.Heuristic != nil {
		what = "heuristic " + strconv.Quote(a.Heuristic.Title)
	}
	if in := a.Indicator; in != nil {
		fam := in.Name
		if fam == "" {
			fam = in.STIX2FileName
		}
		what = fmt.Sprintf("indicator %s (%s) of %s", strconv.Quote(in.Value), in.Type, strconv.Quote(fam))
	}
	when := "no record time"
	if a.EventTime != "" {
		when = "record time " + strconv.Quote(a.EventTime)
	}
	return fmt.Sprintf("DETECTION %s %s: %s, %s", a.Level, mod, what, when)
}

// print writes the lines in job order.
func (d *detections) print(w io.Writer, jobs int) {
	for i := range jobs {
		for _, l := range d.lines[i] {
			fmt.Fprintln(w, l)
		}
	}
}
