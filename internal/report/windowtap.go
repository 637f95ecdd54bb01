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
	used   bool // the page took its excerpts from here
}

// Used reports whether a page was built from the tap rather than from
// timeline.csv (command.log says which).
func (t *WindowTap) Used() bool { return t != nil && t.used }

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
	if tm, ok := ParseTimestamp(ev.Timestamp); ok {
		t.add(ev, tm)
	}
}

// add offers ev, whose timestamp parses as tm (JSONLWriter parses it once
// for both). The CSV reader's "\r\n" → "\n" cannot change a timestamp that
// parses: ParseTimestamp trims surrounding space and rejects any inside.
func (t *WindowTap) add(ev module.TimelineEvent, tm time.Time) {
	if len(t.wins) == 0 {
		return
	}
	offer(t.wins, TimelineRow{Timestamp: crlf(ev.Timestamp), Module: crlf(ev.Module), Event: crlf(ev.Event), Data: crlf(ev.Data), Time: tm})
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
	t.used = true
	return true
}
