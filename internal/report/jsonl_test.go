package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

func TestTimelineJSONLGolden(t *testing.T) {
	tests := []struct {
		dir     string
		lines   int
		zone    string
		first   string // datetime of the first line
		message string // message of the first SMS line
	}{
		{"mvt_ios_backup", 30, "UTC", "2019-08-27T15:08:09.000000Z",
			`: FDC6EC94-9D5A-434D-90FA-BF170E10A311 "Please click here https://badbadbad.example.org/" from apple ()`},
		{"mvt_androidqf", 8, "device local", "2019-02-14T14:47:52.000000",
			`+12345678: "Very suspicious MMS, click on this link http://google.com"`},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tc.dir, "timeline.csv"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var out bytes.Buffer
			n, skipped, err := ConvertTimelineCSV(f, &out)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.lines || skipped != 0 {
				t.Errorf("written %d skipped %d, want %d and 0", n, skipped, tc.lines)
			}
			sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
			i, sawSMS := 0, false
			for sc.Scan() {
				var ev map[string]any
				if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
					t.Fatalf("line %d: %v", i+1, err)
				}
				for _, k := range []string{"message", "datetime", "timestamp_desc"} {
					if s, _ := ev[k].(string); s == "" {
						t.Errorf("line %d lacks %s", i+1, k)
					}
				}
				if ev["time_zone"] != tc.zone {
					t.Errorf("line %d time_zone %v", i+1, ev["time_zone"])
				}
				// Timesketch indexes timestamp as a number of microseconds:
				// it must be one, and say the same instant as datetime.
				dt, _ := ev["datetime"].(string)
				want, err := time.Parse("2006-01-02T15:04:05.000000", strings.TrimSuffix(dt, "Z"))
				if ts, isNum := ev["timestamp"].(float64); err != nil || !isNum || int64(ts) != want.UnixMicro() {
					t.Errorf("line %d: timestamp %v does not match datetime %v", i+1, ev["timestamp"], dt)
				}
				if i == 0 && ev["datetime"] != tc.first {
					t.Errorf("first datetime %v, want %s", ev["datetime"], tc.first)
				}
				if ev["module"] == "SMS" && ev["message"] == tc.message {
					sawSMS = true
				}
				i++
			}
			if !sawSMS {
				t.Errorf("no SMS line with message %q", tc.message)
			}
			golden(t, tc.dir+".timeline.jsonl", out.Bytes())
		})
	}
}

func TestJSONLWriter(t *testing.T) {
	var out bytes.Buffer
	w := NewJSONLWriter(&out)
	events := []module.TimelineEvent{
		{Timestamp: "2021-12-03 19:32:03.000000", Module: "TCC", Event: "access", Data: "kTCCServiceLiverpool: Launch"},
		{Timestamp: "not a time", Module: "X", Event: "e", Data: "dropped"},
		{Timestamp: "2021-12-03 19:32:03", Module: "Bad", Event: "", Data: "<b>\xff\"quoted\"</b>"},
	}
	for _, ev := range events {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if w.Written() != 2 || w.Skipped() != 1 {
		t.Errorf("written %d skipped %d", w.Written(), w.Skipped())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want0 := `{"message":"kTCCServiceLiverpool: Launch","datetime":"2021-12-03T19:32:03.000000Z","timestamp_desc":"access","module":"TCC","event":"access","timestamp":1638559923000000,"time_zone":"UTC","data_type":"spyglass:timeline"}`
	if lines[0] != want0 {
		t.Errorf("line 1:\n got %s\nwant %s", lines[0], want0)
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &ev); err != nil {
		t.Fatal(err)
	}
	if ev["message"] != "<b>\uFFFD\"quoted\"</b>" || ev["timestamp_desc"] != "Event Time" {
		t.Errorf("line 2 = %q", ev)
	}
}

func TestTimelineCSVParsing(t *testing.T) {
	tests := []struct {
		name, in string
		local    bool
		rows     []TimelineRow
		err      bool
	}{
		{name: "escaped backslash and quotes",
			in:   "\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\n\"2019-08-29 23:13:30.000000\",\"SMS\",\"sms_received\",\"a \"\"b\"\" c\\\\nd\"\n",
			rows: []TimelineRow{{Timestamp: "2019-08-29 23:13:30.000000", Module: "SMS", Event: "sms_received", Data: `a "b" c\nd`}}},
		{name: "android header, short row", local: true,
			in:   "\ufeff\"Device Local Timestamp\",\"Plugin\",\"Event\",\"Description\"\n\"2023-04-12 12:32:40.518290\",\"Tombstones\"\n",
			rows: []TimelineRow{{Timestamp: "2023-04-12 12:32:40.518290", Module: "Tombstones"}}},
		{name: "not a timeline", in: "a,b,c\n", err: true},
		{name: "empty", in: "", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := newTimelineReader(strings.NewReader(tc.in))
			if tc.err {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tr.local != tc.local {
				t.Errorf("local = %v", tr.local)
			}
			var got []TimelineRow
			for {
				row, err := tr.Next()
				if err != nil {
					break
				}
				row.Time = row.Time.UTC()
				got = append(got, TimelineRow{Timestamp: row.Timestamp, Module: row.Module, Event: row.Event, Data: row.Data})
				if row.Time.IsZero() {
					t.Errorf("time of %q not parsed", row.Timestamp)
				}
			}
			if len(got) != len(tc.rows) || got[0] != tc.rows[0] {
				t.Errorf("rows = %+v, want %+v", got, tc.rows)
			}
		})
	}
	long := "\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\n\"" + strings.Repeat("x", maxCSVLine+10)
	tr, err := newTimelineReader(strings.NewReader(long))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Next(); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("endless line: err = %v", err)
	}
}

// The fast path must agree with time.Parse on what it accepts.
func FuzzParseMVTMicros(f *testing.F) {
	for _, s := range []string{"2021-12-03 19:32:03.000000", "2021-02-29 00:00:00.000000", "2024-02-29 23:59:59.999999",
		"0000-01-01 00:00:00.000000", "2021-13-01 00:00:00.000000", "2021-04-31 10:00:00.000000", "2021-01-01 24:00:00.000000",
		"2021-01-01 00:60:00.000000", "2021-01-01 00:00:60.000000", "2021-01-01 00:00:00.00000x", "+021-01-01 00:00:00.000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseMVTMicros(s)
		if !ok {
			return
		}
		want, err := time.Parse("2006-01-02 15:04:05.999999999", s)
		if err != nil {
			t.Fatalf("fast path accepted %q, time.Parse refuses: %v", s, err)
		}
		if !got.Equal(want) {
			t.Fatalf("%q: fast %v, time.Parse %v", s, got, want)
		}
	})
}

func TestParseMVTMicrosRefusesWhatTimeParseRefuses(t *testing.T) {
	for _, s := range []string{"2021-02-29 00:00:00.000000", "2021-04-31 10:00:00.000000", "2021-01-01 24:00:00.000000", "2021-00-10 00:00:00.000000"} {
		if _, ok := parseMVTMicros(s); ok {
			t.Errorf("%q accepted", s)
		}
		if _, ok := ParseTimestamp(s); ok {
			t.Errorf("ParseTimestamp(%q) accepted", s)
		}
	}
	tm, ok := parseMVTMicros("2024-02-29 23:59:59.999999")
	if !ok || tm.UnixMicro() != 1709251199999999 {
		t.Errorf("leap day: %v %v", tm, ok)
	}
}

// The limiter fails exactly when a line grows past max, wherever the reads
// split the text.
func TestLineLimiter(t *testing.T) {
	for _, tc := range []struct {
		text string
		ok   bool
	}{
		{"12345\n12345\n", true},
		{"123456\n", false},
		{"12\n123456", false},
		{"12345", true},
		{"\n\n\n12345\n1", true},
	} {
		for chunk := 1; chunk <= len(tc.text); chunk++ {
			l := &lineLimiter{r: &chunkReader{s: tc.text, n: chunk}, max: 5}
			_, err := io.ReadAll(l)
			if (err == nil) != tc.ok {
				t.Errorf("%q read %d at a time: err %v, want ok=%v", tc.text, chunk, err, tc.ok)
			}
		}
	}
}

type chunkReader struct {
	s string
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.s)
	c.s = c.s[k:]
	return k, nil
}
