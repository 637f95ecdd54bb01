package output

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// fakeModule emits what it is told to; it stands for any real module.
type fakeModule struct {
	name string
	run  func(out module.Emitter) error
}

func (f fakeModule) Describe() module.Descriptor { return module.Descriptor{Slug: f.name} }
func (f fakeModule) Run(_ context.Context, _ *module.Input, out module.Emitter) error {
	return f.run(out)
}

type rec struct {
	Text string `json:"text"`
	N    int    `json:"n"`
}

func runFakes(t *testing.T, w *Writer, mods ...module.Module) []module.Status {
	t.Helper()
	jobs := make([]module.Job, len(mods))
	for i, m := range mods {
		jobs[i] = module.Job{Module: m, Input: &module.Input{}}
	}
	st := module.Run(context.Background(), jobs, w, 2, nil)
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestWriterFilesAndStatuses(t *testing.T) {
	dir := t.TempDir()
	w, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sms := fakeModule{"sms", func(out module.Emitter) error {
		for i := 0; i < 3; i++ {
			r := rec{Text: fmt.Sprintf("msg %d <b>", i), N: i}
			out.Record(r)
			out.Timeline(module.TimelineEvent{Timestamp: fmt.Sprintf("2021-01-0%d 00:00:00.000000", 3-i), Module: "SMS", Event: "sms_received", Data: r.Text})
		}
		// An exact duplicate event of the same module is written once.
		out.Timeline(module.TimelineEvent{Timestamp: "2021-01-03 00:00:00.000000", Module: "SMS", Event: "sms_received", Data: "msg 0 <b>"})
		out.Alert(alert.Alert{Level: alert.Critical, Message: "bad link", EventTime: "2021-01-03 00:00:00.000000", Event: rec{Text: "it's \"x\"", N: 1},
			Indicator: &alert.Indicator{Value: "example.org", Type: "domains", Name: "TestMalware", STIX2FileName: "t.stix2"}})
		out.URL(module.URL{URL: "https://example.org/", Timestamp: "2021-01-03 00:00:00.000000", Source: "sms"})
		return nil
	}}
	info := fakeModule{"backup_info", func(out module.Emitter) error {
		out.SetRecord(map[string]string{"Device Name": "phone", "Product Type": "iPhone12,1"})
		return nil
	}}
	absent := fakeModule{"whatsapp", func(module.Emitter) error { return module.NoData("ChatStorage.sqlite not found") }}
	broken := fakeModule{"tcc", func(module.Emitter) error { return errors.New("TCC.db: file is not a database") }}
	crash := fakeModule{"calls", func(module.Emitter) error { panic("index out of range in a crafted database") }}

	st := runFakes(t, w, sms, info, absent, broken, crash)

	want := []struct {
		name    string
		outcome module.Outcome
		records int
	}{{"sms", module.OutcomeOK, 3}, {"backup_info", module.OutcomeOK, 2}, {"whatsapp", module.OutcomeNoData, 0}, {"tcc", module.OutcomeFailed, 0}, {"calls", module.OutcomeFailed, 0}}
	for i, w := range want {
		if st[i].Name != w.name || st[i].Outcome != w.outcome || st[i].Records != w.records {
			t.Errorf("status %d = %+v, want %+v", i, st[i], w)
		}
	}
	if !strings.Contains(st[4].Reason, "internal error") || st[4].Stack == "" {
		t.Errorf("panic not reported as failure with stack: %+v", st[4])
	}

	var recs []rec
	readJSON(t, filepath.Join(dir, "sms.json"), &recs)
	if len(recs) != 3 || recs[2].Text != "msg 2 <b>" {
		t.Errorf("sms.json = %+v", recs)
	}
	var alerts []map[string]any
	readJSON(t, filepath.Join(dir, "alerts.json"), &alerts)
	if len(alerts) != 1 || alerts[0]["level"] != "CRITICAL" || alerts[0]["module"] != "sms" {
		t.Errorf("alerts.json = %v", alerts)
	}
	mi := alerts[0]["matched_indicator"].(map[string]any)
	if mi["value"] != "example.org" || mi["name"] != "TestMalware" {
		t.Errorf("matched_indicator = %v", mi)
	}
	readJSON(t, filepath.Join(dir, "sms_detected.json"), &alerts)
	for _, absentFile := range []string{"whatsapp.json", "tcc.json", "calls.json", "whatsapp_detected.json"} {
		if _, err := os.Stat(filepath.Join(dir, absentFile)); err == nil {
			t.Errorf("%s written for a module without records", absentFile)
		}
	}

	tl := readFile(t, filepath.Join(dir, "timeline.csv"))
	wantTL := "\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n" +
		"\"2021-01-01 00:00:00.000000\",\"SMS\",\"sms_received\",\"msg 2 <b>\"\r\n" +
		"\"2021-01-02 00:00:00.000000\",\"SMS\",\"sms_received\",\"msg 1 <b>\"\r\n" +
		"\"2021-01-03 00:00:00.000000\",\"SMS\",\"sms_received\",\"msg 0 <b>\"\r\n"
	if tl != wantTL {
		t.Errorf("timeline.csv =\n%q\nwant\n%q", tl, wantTL)
	}
	at := readFile(t, filepath.Join(dir, "alerts_timeline.csv"))
	wantAT := "\"Event Time\",\"Module\",\"Message\",\"Event\"\r\n" +
		"\"2021-01-03 00:00:00.000000\",\"sms\",\"bad link\",\"{'n': 1, 'text': 'it\\\\'s \"\"x\"\"'}\"\r\n"
	if at != wantAT {
		t.Errorf("alerts_timeline.csv =\n%q\nwant\n%q", at, wantAT)
	}
	var urls []module.URL
	readJSON(t, filepath.Join(dir, "urls.json"), &urls)
	if len(urls) != 1 || urls[0].ExpandedURL != nil || urls[0].Source != "sms" {
		t.Errorf("urls.json = %+v", urls)
	}
	// No temporary file is left behind.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("leftover temporary file %s", e.Name())
		}
	}
}

func TestTimelineSpillsAndMergesInOrder(t *testing.T) {
	dir := t.TempDir()
	w, err := New(dir, Options{LocalTime: true})
	if err != nil {
		t.Fatal(err)
	}
	w.timeline.limit = 7 // force several runs on disk
	const n = 100
	mods := []module.Module{}
	for m := 0; m < 3; m++ {
		name := fmt.Sprintf("m%d", m)
		mods = append(mods, fakeModule{name, func(out module.Emitter) error {
			for i := n - 1; i >= 0; i-- {
				out.Timeline(module.TimelineEvent{Timestamp: fmt.Sprintf("2020-01-01 00:%02d:%02d.000000", i/60, i%60), Module: name, Event: "e", Data: "d"})
				if i%10 == 0 { // duplicates, dropped
					out.Timeline(module.TimelineEvent{Timestamp: fmt.Sprintf("2020-01-01 00:%02d:%02d.000000", i/60, i%60), Module: name, Event: "e", Data: "d"})
				}
			}
			return nil
		}})
	}
	runFakes(t, w, mods...)
	lines := strings.Split(strings.TrimSuffix(readFile(t, filepath.Join(dir, "timeline.csv")), "\r\n"), "\r\n")
	if lines[0] != `"Device Local Timestamp","Plugin","Event","Description"` {
		t.Errorf("header %q", lines[0])
	}
	rows := lines[1:]
	if len(rows) != 3*n {
		t.Fatalf("%d rows, want %d", len(rows), 3*n)
	}
	for i := 1; i < len(rows); i++ {
		if rows[i-1] > rows[i] {
			t.Fatalf("row %d out of order: %s > %s", i, rows[i-1], rows[i])
		}
	}
	if w.timeline.dir != "" {
		if _, err := os.Stat(w.timeline.dir); !os.IsNotExist(err) {
			t.Errorf("timeline runs folder %s not removed", w.timeline.dir)
		}
	}
}

func readJSON(t *testing.T, p string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(readFile(t, p)), v); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The same run written with and without the page-cache bypass gives the same
// files, byte for byte (the bypass starts after the first 1 MiB here).
func TestWriterDirectIOGivesTheSameFiles(t *testing.T) {
	emit := fakeModule{"sms", func(out module.Emitter) error {
		for i := 0; i < 30_000; i++ {
			r := rec{Text: fmt.Sprintf("message %d: %s", i, strings.Repeat("ü", i%300)), N: i}
			out.Record(r)
			out.Timeline(module.TimelineEvent{Timestamp: fmt.Sprintf("2021-01-01 00:%02d:%02d.%06d", i/3600%60, i/60%60, i), Module: "SMS", Event: "sms_received", Data: r.Text})
		}
		return nil
	}}
	write := func(after int64) string {
		saved := directAfter
		directAfter = after
		defer func() { directAfter = saved }()
		dir := t.TempDir()
		w, err := New(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		runFakes(t, w, emit)
		return dir
	}
	normal, direct := write(1<<62), write(asyncChunk)
	ents, err := os.ReadDir(normal)
	if err != nil || len(ents) < 2 {
		t.Fatalf("%v, %d files", err, len(ents))
	}
	big := 0
	for _, e := range ents {
		a, b := readFile(t, filepath.Join(normal, e.Name())), readFile(t, filepath.Join(direct, e.Name()))
		if a != b {
			t.Errorf("%s differs with direct I/O (%d and %d bytes)", e.Name(), len(a), len(b))
		}
		if len(a) > 2*asyncChunk {
			big++
		}
	}
	if big < 2 {
		t.Errorf("only %d files large enough to take the direct path", big)
	}
}
