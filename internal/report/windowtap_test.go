package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// The tap gives the windows that reading timeline.csv back gives, for text
// that the CSV round trip changes or must escape.
func TestWindowTapMatchesTimelineCSV(t *testing.T) {
	dir := t.TempDir()
	alerts := []alert.Alert{
		{Level: alert.Critical, Module: "sms", Message: "m", EventTime: "2021-03-01 12:00:00.000000"},
		{Level: alert.Medium, Module: "tcc", Message: "n", EventTime: "2021-03-02 08:00:00.000000"},
		{Level: alert.Low, Module: "x", Message: "untimed"},
	}
	b, _ := json.Marshal(alerts)
	if err := os.WriteFile(filepath.Join(dir, "alerts.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	var events []module.TimelineEvent
	texts := []string{"plain", "a \"quoted\" word", `back\slash and \\ double`, "cr lf\r\ninside", "lone\rcr", "cr cr lf\r\r\nend", ""}
	for i := range 400 {
		events = append(events, module.TimelineEvent{
			Timestamp: fmt.Sprintf("2021-03-%02d %02d:%02d:00.000000", 1+i/200, (i/8)%24, i%60),
			Module:    "SMS", Event: "sms_received", Data: texts[i%len(texts)] + fmt.Sprint(i)})
	}
	events = append(events, module.TimelineEvent{Timestamp: "not a time", Module: "X", Data: "skipped"})
	// timeline.csv as the results writer writes it: every field quoted,
	// quotes doubled, backslashes escaped, CRLF.
	var csv strings.Builder
	esc := strings.NewReplacer(`"`, `""`, `\`, `\\`)
	row := func(f ...string) {
		for i, s := range f {
			if i > 0 {
				csv.WriteByte(',')
			}
			csv.WriteString(`"` + esc.Replace(s) + `"`)
		}
		csv.WriteString("\r\n")
	}
	row("UTC Timestamp", "Plugin", "Event", "Description")
	for _, e := range events {
		row(e.Timestamp, e.Module, e.Event, e.Data)
	}
	if err := os.WriteFile(filepath.Join(dir, "timeline.csv"), []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	tap, err := NewWindowTap(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		tap.Add(e)
	}
	r, err := ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	windows := func(tap *WindowTap) []*window {
		groups := buildFindings(r.Alerts, nil, false, func(string) string { return "" })
		w, err := buildWindows(r, groups, nil, tap)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	fromCSV, fromTap := windows(nil), windows(tap)
	if len(fromCSV) != 2 {
		t.Fatalf("%d windows, want 2", len(fromCSV))
	}
	for i := range fromCSV {
		a, b := fromCSV[i], fromTap[i]
		if len(a.Rows) == 0 || a.Omitted == 0 {
			t.Fatalf("window %d has %d rows, %d omitted: too few events to prove anything", i, len(a.Rows), a.Omitted)
		}
		if !reflect.DeepEqual(a.Rows, b.Rows) || a.Omitted != b.Omitted {
			t.Errorf("window %d differs:\ncsv %d rows %d omitted\ntap %d rows %d omitted", i, len(a.Rows), a.Omitted, len(b.Rows), b.Omitted)
		}
	}
	// A tap whose windows are not the page's is not used.
	other := &WindowTap{byTime: map[time.Time]*window{}}
	if other.fill(fromCSV) {
		t.Error("a tap without the page's windows filled them")
	}
}
