package report

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// WindowTap gathers the timeline excerpts of report.html while a check run
// writes its sorted timeline, so that the page need not read timeline.csv
// back: on a case with a million messages that re-read was the run's last
// second, on one core. The windows are chosen from alerts.json exactly as
// the page chooses them; if the page's choice differs (the folder changed),
// it reads timeline.csv as "spyglass report" does. Memory is bounded by
// maxWindows × 2 × maxWindowSide rows.
type WindowTap struct {
	byTime map[time.Time]*window
	wins   []*window
}

// NewWindowTap reads the alerts of the results folder dir, which must
// already hold alerts.json (written before the timeline).
func NewWindowTap(dir string) (*WindowTap, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening results folder: %w", err)
	}
	defer root.Close()
	r := &Results{Dir: dir}
	if err := r.loadAlerts(root, nil); err != nil {
		return nil, err
	}
	groups := buildFindings(r.Alerts, nil, false, func(string) string { return "" })
	t := &WindowTap{byTime: map[time.Time]*window{}, wins: selectWindows(groups)}
	for _, w := range t.wins {
		t.byTime[w.at] = w
	}
	return t, nil
}

// Add offers one event of the sorted timeline, in timeline.csv's order. The
// row is what reading it back from timeline.csv gives (the CSV reader turns
// "\r\n" inside a field into "\n").
func (t *WindowTap) Add(ev module.TimelineEvent) {
	if len(t.wins) == 0 {
		return
	}
	ts := crlf(ev.Timestamp)
	tm, ok := ParseTimestamp(ts)
	if !ok {
		return
	}
	offer(t.wins, TimelineRow{Timestamp: ts, Module: crlf(ev.Module), Event: crlf(ev.Event), Data: crlf(ev.Data), Time: tm})
}

// crlf returns s as the CSV reader gives it back (ReplaceAll returns s
// itself, unallocated, when there is nothing to replace).
func crlf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// fill copies the gathered rows into wins when the tap holds a window for
// each of them, and reports whether it did.
func (t *WindowTap) fill(wins []*window) bool {
	if t == nil || len(wins) != len(t.wins) {
		return false
	}
	for _, w := range wins {
		if t.byTime[w.at] == nil {
			return false
		}
	}
	for _, w := range wins {
		g := t.byTime[w.at]
		w.before, w.after, w.total = g.before, g.after, g.total
	}
	return true
}
