package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// Limits that keep the page readable and its size bounded whatever the
// folder holds.
const (
	maxWindows      = 50  // timeline excerpts (the most severe findings first)
	maxWindowSide   = 100 // events kept on each side of a finding
	maxFieldChars   = 600
	maxFieldsShown  = 40
	windowHalfWidth = 24 * time.Hour
)

type finding struct {
	ID        string
	Level     string
	LevelNum  int
	Module    string
	Artifact  string
	Time      string
	Message   string
	Indicator *alert.Indicator
	How       string // sentence for a non-expert
	Action    string
	Heuristic string // heuristic title (and id)
	Fields    []field
	Window    string // id of its timeline excerpt, "" if none
	at        time.Time
}

type field struct{ Key, Value string }

type findingGroup struct {
	Title    string
	Subtitle string
	Findings []*finding
}

type tlRow struct {
	Time, Module, Event, Data string
	Hit                       bool
}

type window struct {
	ID       string
	Title    string
	Time     string
	Findings []*finding
	Rows     []tlRow
	Omitted  int
	at       time.Time
	before   []TimelineRow
	after    []TimelineRow
	total    int
}

// buildFindings turns alerts into findings grouped by malware family (the
// indicator's collection), most severe family first, then one group of
// heuristic findings. Inside a group, findings go from the most severe.
func buildFindings(alerts []alert.Alert, rd *redactor, local bool, artifact func(string) string) []findingGroup {
	zone := " UTC"
	if local {
		// Android records keep the phone's clock, offset unknown.
		zone = " (phone time)"
	}
	byFam := map[string]*findingGroup{}
	var heur findingGroup
	famMax := map[string]alert.Level{}
	for i := range alerts {
		a := &alerts[i]
		f := &finding{ID: fmt.Sprintf("f%d", i+1), Level: a.Level.String(), LevelNum: int(a.Level),
			Module: a.Module, Artifact: artifact(a.Module), Message: rd.Text(a.Message), Indicator: a.Indicator}
		if t, ok := findingTime(a); ok {
			f.at = t
			f.Time = t.Format("2006-01-02 15:04:05") + zone
		}
		f.Fields = eventFields(a.Module, a.Event, rd)
		switch {
		case a.Indicator != nil:
			f.How = indicatorSentence(a.Indicator)
			kind := KindOf(a.Indicator)
			f.Action = WordingFor(kind).Finding()
			fam := familyName(a.Indicator)
			g := byFam[fam]
			if g == nil {
				g = &findingGroup{Title: fam, Subtitle: "Matched indicators of " + fam}
				if kind == KindStalkerware {
					g.Subtitle += ", a stalkerware app"
					if strings.HasSuffix(fam, " (watchware)") {
						g.Subtitle = "Matched indicators of " + fam + ", a monitoring app that is also used as stalkerware"
					}
				}
				byFam[fam] = g
			}
			g.Findings = append(g.Findings, f)
			famMax[fam] = max(famMax[fam], a.Level)
		case a.Heuristic != nil:
			f.How, f.Action = a.Heuristic.Why, a.Heuristic.Action
			f.Heuristic = a.Heuristic.Title
			if a.Heuristic.ID != "" {
				f.Heuristic = strings.TrimSpace(f.Heuristic + " (" + a.Heuristic.ID + ")")
			}
			heur.Findings = append(heur.Findings, f)
		default:
			f.How = genericHeuristic(a.Level)
			heur.Findings = append(heur.Findings, f)
		}
	}
	fams := make([]string, 0, len(byFam))
	for k := range byFam {
		fams = append(fams, k)
	}
	sort.Slice(fams, func(i, j int) bool {
		if famMax[fams[i]] != famMax[fams[j]] {
			return famMax[fams[i]] > famMax[fams[j]]
		}
		return fams[i] < fams[j]
	})
	var out []findingGroup
	for _, k := range fams {
		out = append(out, *byFam[k])
	}
	if len(heur.Findings) > 0 {
		heur.Title = "Other findings, without a known indicator"
		heur.Subtitle = "Found by checks that need no indicator; not linked to a known spyware family"
		out = append(out, heur)
	}
	for _, g := range out {
		sort.SliceStable(g.Findings, func(i, j int) bool { return g.Findings[i].LevelNum > g.Findings[j].LevelNum })
	}
	return out
}

// timeKeys are record fields that hold the record's own time, in order of
// preference, for alerts whose event_time is empty (MVT often leaves it so).
var timeKeys = []string{"isodate", "timestamp", "last_modified", "event_time", "date", "first_isodate",
	"modified", "created", "install_time", "first_install_time", "last_seen"}

func findingTime(a *alert.Alert) (time.Time, bool) {
	if t, ok := ParseTimestamp(a.EventTime); ok {
		return t, true
	}
	m, ok := a.Event.(map[string]any)
	if !ok {
		return time.Time{}, false
	}
	for _, k := range timeKeys {
		if s, ok := m[k].(string); ok {
			if t, ok := ParseTimestamp(s); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// eventFields flattens the alert's record for display: top-level keys in
// order, nested values as compact JSON, long values clipped.
func eventFields(slug string, ev any, rd *redactor) []field {
	m, ok := ev.(map[string]any)
	if !ok {
		if ev == nil {
			return nil
		}
		return []field{{"record", clip(rd.Text(display(ev)), maxFieldChars)}}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []field
	for _, k := range keys {
		if len(out) == maxFieldsShown {
			out = append(out, field{"…", fmt.Sprintf("%d more fields in the module's JSON file", len(keys)-maxFieldsShown)})
			break
		}
		out = append(out, field{k, clip(redactValue(rd, slug, k, m[k]), maxFieldChars)})
	}
	return out
}

// redactValue renders one field, redacting inside nested values by key.
func redactValue(rd *redactor, slug, key string, v any) string {
	switch t := v.(type) {
	case map[string]any:
		if !rd.on() {
			return display(t)
		}
		c := make(map[string]any, len(t))
		for k, e := range t {
			c[k] = redactValue(rd, slug, k, e)
		}
		return display(c)
	case []any:
		if !rd.on() {
			return display(t)
		}
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = redactValue(rd, slug, key, e)
		}
		return display(c)
	}
	return rd.Field(slug, key, display(v))
}

func display(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return t
	case json.Number:
		return t.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// buildWindows makes one timeline excerpt per distinct finding time (the
// most severe first, at most maxWindows) and fills them in one pass over
// timeline.csv, keeping the events nearest to each finding.
func buildWindows(r *Results, groups []findingGroup, rd *redactor, tap *WindowTap) ([]*window, error) {
	wins := selectWindows(groups)
	if len(wins) == 0 || r.Timeline == "" {
		return wins, nil
	}
	if tap.fill(wins) {
		for _, w := range wins {
			w.finish(rd)
		}
		return wins, nil
	}
	return wins, fillWindowsFromCSV(r, wins, rd)
}

// selectWindows makes the windows, one per distinct finding time, the most
// severe findings first, at most maxWindows, in time order; each finding
// learns its window.
func selectWindows(groups []findingGroup) []*window {
	var timed []*finding
	for _, g := range groups {
		for _, f := range g.Findings {
			if !f.at.IsZero() {
				timed = append(timed, f)
			}
		}
	}
	sort.SliceStable(timed, func(i, j int) bool { return timed[i].LevelNum > timed[j].LevelNum })
	byTime := map[time.Time]*window{}
	var wins []*window
	for _, f := range timed {
		w := byTime[f.at]
		if w == nil {
			if len(wins) == maxWindows {
				continue
			}
			w = &window{ID: fmt.Sprintf("w%d", len(wins)+1), at: f.at, Time: f.Time}
			byTime[f.at] = w
			wins = append(wins, w)
		}
		w.Findings = append(w.Findings, f)
		f.Window = w.ID
	}
	sort.Slice(wins, func(i, j int) bool { return wins[i].at.Before(wins[j].at) })
	return wins
}

// fillWindowsFromCSV fills the windows in one pass over timeline.csv.
func fillWindowsFromCSV(r *Results, wins []*window, rd *redactor) error {
	root, err := os.OpenRoot(r.Dir)
	if err != nil {
		return fmt.Errorf("opening results folder: %w", err)
	}
	defer root.Close()
	fh, err := safefile.OpenIn(root, r.Timeline)
	if err != nil {
		return fmt.Errorf("opening timeline.csv: %w", err)
	}
	defer fh.Close()
	tr, err := newTimelineReader(fh)
	if err != nil {
		return err
	}
	for {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading timeline.csv: %w", err)
		}
		offer(wins, row)
	}
	for _, w := range wins {
		w.finish(rd)
	}
	return nil
}

// offer adds row to every window it falls in.
func offer(wins []*window, row TimelineRow) {
	if row.Time.IsZero() {
		return
	}
	for _, w := range wins {
		d := row.Time.Sub(w.at)
		if d < -windowHalfWidth || d > windowHalfWidth {
			continue
		}
		w.total++
		if d < 0 {
			w.before = keepNearest(w.before, row, w.at)
		} else {
			w.after = keepNearest(w.after, row, w.at)
		}
	}
}

// keepNearest appends row and, when the slice grows to twice the limit,
// keeps only the maxWindowSide rows nearest to at. Works on unsorted input.
func keepNearest(rows []TimelineRow, row TimelineRow, at time.Time) []TimelineRow {
	rows = append(rows, row)
	if len(rows) >= 2*maxWindowSide {
		rows = nearest(rows, at)
	}
	return rows
}

func nearest(rows []TimelineRow, at time.Time) []TimelineRow {
	dist := func(t time.Time) time.Duration { return t.Sub(at).Abs() }
	sort.SliceStable(rows, func(i, j int) bool { return dist(rows[i].Time) < dist(rows[j].Time) })
	if len(rows) > maxWindowSide {
		rows = rows[:maxWindowSide]
	}
	return rows
}

func (w *window) finish(rd *redactor) {
	all := append(nearest(w.before, w.at), nearest(w.after, w.at)...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Time.Before(all[j].Time) })
	w.Omitted = w.total - len(all)
	for _, r := range all {
		w.Rows = append(w.Rows, tlRow{Time: r.Timestamp, Module: r.Module, Event: r.Event,
			Data: clip(rd.Text(r.Data), 2*maxFieldChars), Hit: r.Time.Equal(w.at)})
	}
	w.before, w.after = nil, nil
	titles := make([]string, 0, len(w.Findings))
	for _, f := range w.Findings {
		titles = append(titles, f.Artifact)
	}
	w.Title = strings.Join(uniq(titles), ", ")
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
