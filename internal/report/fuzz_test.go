package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func seedFile(f *testing.F, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

// FuzzTimelineCSV: any timeline.csv converts without panic, and every
// line written is valid UTF-8 JSON.
func FuzzTimelineCSV(f *testing.F) {
	seedFile(f, "testdata/mvt_ios_backup/timeline.csv")
	seedFile(f, "testdata/mvt_androidqf/timeline.csv")
	f.Add([]byte("\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\n\"2019-08-29 23:13:30\",\"a\\\\\",\"\"\"\",\"\xff\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		n, _, err := ConvertTimelineCSV(bytes.NewReader(data), &out)
		if err != nil && n == 0 && out.Len() != 0 {
			t.Fatalf("error %v after writing %d bytes with n=0", err, out.Len())
		}
		if !utf8.Valid(out.Bytes()) {
			t.Fatal("invalid UTF-8 written")
		}
		if got := bytes.Count(out.Bytes(), []byte("\n")); got != n {
			t.Fatalf("%d lines for n=%d", got, n)
		}
	})
}

// FuzzResultsFolder: a results folder with any alerts.json and any module
// file loads (or fails with an error) and renders, redacted or not,
// without panic, and the page never holds a second script element.
func FuzzResultsFolder(f *testing.F) {
	alerts, err := os.ReadFile("testdata/mvt_ios_backup/alerts.json")
	if err != nil {
		f.Fatal(err)
	}
	sms, err := os.ReadFile("testdata/mvt_ios_backup/sms.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(alerts, sms)
	f.Add([]byte(`[{"level":"LOW","event":[[{"a":{"text":"<script>"}}]],"matched_indicator":{"value":"<b>"}}]`), []byte(`{"x":[{"phone":12345678901}]}`))
	f.Add([]byte(`[{"sms":1}]`), []byte(`[[[[`))
	f.Fuzz(func(t *testing.T, alertsJSON, moduleJSON []byte) {
		dir := t.TempDir()
		for name, b := range map[string][]byte{"alerts.json": alertsJSON, "sms.json": moduleJSON, "sms_detected.json": alertsJSON} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		tl, _ := os.ReadFile("testdata/mvt_ios_backup/timeline.csv")
		os.WriteFile(filepath.Join(dir, "timeline.csv"), tl, 0o644)
		r, err := ReadResults(dir)
		if err != nil {
			return
		}
		BuildSummary(r)
		for _, redact := range []bool{false, true} {
			var page bytes.Buffer
			if err := WriteHTML(&page, r, HTMLOptions{Redact: redact}); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(page.String(), "<script"); n != 1 {
				t.Fatalf("%d script elements", n)
			}
		}
	})
}
