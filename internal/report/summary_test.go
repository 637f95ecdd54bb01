package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/output"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from golden (-want +got):\n%s", name, diff)
	}
}

func TestSummaryGolden(t *testing.T) {
	tests := []struct {
		dir          string
		verdict      string
		platform     string
		evidenceType string
		levels       map[string]int
		families     map[string]int
		heuristics   int
		records      map[string]int
		model, os    string
		hashes       int
	}{
		{
			dir: "mvt_ios_backup", verdict: VerdictIndicatorsFound, platform: "ios", evidenceType: "ios_backup",
			levels:     map[string]int{"CRITICAL": 3, "HIGH": 0, "MEDIUM": 0, "LOW": 1, "INFORMATIONAL": 1},
			families:   map[string]int{"TestMalware": 3},
			heuristics: 2,
			records:    map[string]int{"sms": 1, "whatsapp": 3, "tcc": 11, "datausage": 5, "global_preferences": 5},
			model:      "iPhone9,3", os: "iOS 14.3",
		},
		{
			dir: "mvt_androidqf", verdict: VerdictSuspicious, platform: "android", evidenceType: "androidqf",
			levels:     map[string]int{"CRITICAL": 0, "HIGH": 0, "MEDIUM": 5, "LOW": 1, "INFORMATIONAL": 0},
			families:   map[string]int{},
			heuristics: 6,
			records:    map[string]int{"aqf_packages": 7, "aqf_get_prop": 10, "aqf_files": 3, "sms": 2, "aqf_settings": 1},
			hashes:     2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			r, err := ReadResults(filepath.Join("testdata", tc.dir))
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Warnings) != 0 {
				t.Errorf("warnings: %q", r.Warnings)
			}
			s := BuildSummary(r)
			if s.Verdict != tc.verdict {
				t.Errorf("verdict = %q, want %q", s.Verdict, tc.verdict)
			}
			if diff := cmp.Diff(tc.levels, s.AlertsByLevel); diff != "" {
				t.Errorf("alerts by level (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.families, s.AlertsByFamily); diff != "" {
				t.Errorf("alerts by family (-want +got):\n%s", diff)
			}
			if s.HeuristicAlerts != tc.heuristics {
				t.Errorf("heuristic alerts = %d, want %d", s.HeuristicAlerts, tc.heuristics)
			}
			got := map[string]int{}
			for _, m := range s.Modules {
				if _, ok := tc.records[m.Name]; ok {
					got[m.Name] = m.Records
				}
				if m.Status != StatusOK {
					t.Errorf("module %s status %q", m.Name, m.Status)
				}
			}
			if diff := cmp.Diff(tc.records, got); diff != "" {
				t.Errorf("records per module (-want +got):\n%s", diff)
			}
			if s.Platform != tc.platform || s.Evidence.Type != tc.evidenceType {
				t.Errorf("platform/type = %q/%q, want %q/%q", s.Platform, s.Evidence.Type, tc.platform, tc.evidenceType)
			}
			if s.Evidence.Model != tc.model || s.Evidence.OSVersion != tc.os {
				t.Errorf("model/os = %q/%q, want %q/%q", s.Evidence.Model, s.Evidence.OSVersion, tc.model, tc.os)
			}
			if n := hashCount(s.Evidence.Hashes); n != tc.hashes {
				t.Errorf("hashes = %d, want %d", n, tc.hashes)
			}
			if s.Tool != "mvt" || s.ToolVersion != "2026.7.29" || len(s.Feeds) != 1 || s.Feeds[0].Indicators != -1 {
				t.Errorf("tool %q %q, feeds %+v", s.Tool, s.ToolVersion, s.Feeds)
			}
			dir := t.TempDir()
			if err := WriteSummary(dir, s); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, SummaryFile))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.dir+".summary.json", b)
		})
	}
}

func TestVerdict(t *testing.T) {
	ind := &alert.Indicator{Value: "example.org", Type: "domains", Name: "TestMalware"}
	tests := []struct {
		name   string
		alerts []alert.Alert
		want   string
	}{
		{"none", nil, VerdictNoKnownIndicators},
		{"informational heuristic", []alert.Alert{{Level: alert.Informational}}, VerdictNoKnownIndicators},
		{"low heuristic", []alert.Alert{{Level: alert.Low}}, VerdictNoKnownIndicators},
		{"medium heuristic", []alert.Alert{{Level: alert.Low}, {Level: alert.Medium}}, VerdictSuspicious},
		{"critical heuristic", []alert.Alert{{Level: alert.Critical}}, VerdictSuspicious},
		{"indicator at low level", []alert.Alert{{Level: alert.Low, Indicator: ind}}, VerdictIndicatorsFound},
		{"indicator after heuristics", []alert.Alert{{Level: alert.High}, {Level: alert.Critical, Indicator: ind}}, VerdictIndicatorsFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Verdict(tc.alerts); got != tc.want {
				t.Errorf("Verdict = %q, want %q", got, tc.want)
			}
		})
	}
}

// A summary written by the run loop is read back unchanged, and the page
// uses it instead of rebuilding one.
func TestSummaryRoundTrip(t *testing.T) {
	dir := copyFolder(t, "testdata/mvt_ios_backup")
	start := time.Date(2026, 8, 20, 14, 2, 11, 0, time.UTC)
	s := &Summary{Tool: "spyglass", ToolVersion: "0.1.0", Command: "ios check-backup", Platform: "ios",
		Started: start, Finished: start.Add(3 * time.Second),
		Modules: []ModuleStatus{
			{Name: "sms", Status: StatusOK, Records: 1, Alerts: 1, Duration: 12 * time.Millisecond},
			{Name: "safari_history", Status: StatusNoData, Reason: "no data: History.db not found"},
			{Name: "calls", Status: StatusFailed, Reason: "CallHistory.storedata: file is not a database"},
		},
		Evidence: Evidence{Path: "/cases/backup", Type: "ios_backup", Model: "iPhone9,3"},
		Feeds:    []Feed{{Path: "pegasus.stix2", SHA256: "ab", Date: start, Indicators: 1234, Collections: []string{"Pegasus"}}},
	}
	r0, err := ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.CountAlerts(r0.Alerts)
	if err := WriteSummary(dir, s); err != nil {
		t.Fatal(err)
	}
	r, err := ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary == nil {
		t.Fatal("summary.json not read")
	}
	if diff := cmp.Diff(s, r.Summary); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, r, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"History.db not found", "file is not a database", "Checks that failed (1)", "Checks that found no data (1)", "1234"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestReadResultsRejects(t *testing.T) {
	empty := t.TempDir()
	file := filepath.Join(t.TempDir(), "x.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	evidence := "../ios/testdata/ios_backup"
	tests := []struct {
		name, dir string
		notRes    bool
	}{
		{"empty folder", empty, true},
		{"a file", file, true},
		{"missing", filepath.Join(empty, "nope"), false},
	}
	if _, err := os.Stat(evidence); err == nil {
		tests = append(tests, struct {
			name, dir string
			notRes    bool
		}{"an iOS backup", evidence, true})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadResults(tc.dir)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrNotResults) != tc.notRes {
				t.Errorf("errors.Is(ErrNotResults) = %v for %v", !tc.notRes, err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || strings.Count(msg, ". ") > 0 {
				t.Errorf("want one sentence, got %q", msg)
			}
		})
	}
}

// A folder from MVT v2 has no alerts.json; its *_detected.json hold the
// detected records with matched_indicator added.
func TestReadResultsV2Detected(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "info.json", `{"target_path": "/b", "mvt_version": "2.4.3", "date": "2023-01-01 10:00:00.000000", "ioc_files": [], "hashes": []}`)
	write(t, dir, "sms_detected.json", `[{"text": "hi https://badbadbad.example.org/", "isodate": "2019-08-29 23:13:30.000000",
		"matched_indicator": {"value": "example.org", "type": "domains", "name": "TestMalware", "stix2_file_name": "t.stix2"}}]`)
	r, err := ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Alerts) != 1 {
		t.Fatalf("alerts = %d, want 1", len(r.Alerts))
	}
	a := r.Alerts[0]
	if a.Module != "sms" || a.Level != alert.Critical || a.Indicator == nil || a.Indicator.Value != "example.org" {
		t.Errorf("alert = %+v", a)
	}
	if ev, ok := a.Event.(map[string]any); !ok || ev["matched_indicator"] != nil || ev["text"] == nil {
		t.Errorf("event = %#v", a.Event)
	}
	if v := BuildSummary(r).Verdict; v != VerdictIndicatorsFound {
		t.Errorf("verdict %q", v)
	}
}

func TestReadResultsOddAlerts(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "alerts.json", `[{"level": "SEVERE", "module": "x", "message": "m", "event_time": "", "event": {}, "matched_indicator": null},
		42, {"level": "LOW", "module": "y", "message": "n", "event_time": "", "event": {"n": 588813210539788032}, "matched_indicator": null}]`)
	r, err := ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Alerts) != 2 || r.Alerts[0].Level != alert.Medium || len(r.Warnings) != 2 {
		t.Fatalf("alerts %+v warnings %q", r.Alerts, r.Warnings)
	}
	// Large integers stay exact (no float64 rounding).
	if got := display(r.Alerts[1].Event.(map[string]any)["n"]); got != "588813210539788032" {
		t.Errorf("n = %s", got)
	}
	write(t, dir, "alerts.json", `{"not": "a list"}`)
	if _, err := ReadResults(dir); err == nil || !strings.Contains(err.Error(), "alerts.json") {
		t.Errorf("err = %v, want one naming alerts.json", err)
	}
}

func TestDeviceDetailsAndroid(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "info.json", `{"target_path": "/a"}`)
	write(t, dir, "aqf_get_prop.json", `[{"name": "ro.product.manufacturer", "value": "Google"}, {"name": "ro.product.model", "value": "Pixel 7"},
		{"name": "ro.build.version.release", "value": "14"}, {"name": "ro.build.id", "value": "UQ1A.240205.004"}, {"name": "ro.product.device", "value": "panther"}]`)
	r, err := ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	ev := BuildSummary(r).Evidence
	want := Evidence{Path: "/a", Type: "androidqf", DeviceName: "panther", Model: "Google Pixel 7", OSVersion: "Android 14", Build: "UQ1A.240205.004"}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyFolder copies a testdata folder so a test can change it.
func copyFolder(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(t, dst, e.Name(), string(b))
	}
	return dst
}

func hashCount(h *output.HashesRef) int {
	if h == nil {
		return 0
	}
	return h.Count
}
