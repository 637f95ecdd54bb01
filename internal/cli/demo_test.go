package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs "spyglass demo -o DIR" end to end: the backup and the
// results land where announced, and alerts.json holds one alert per planted
// trace, at the trace's level, from the trace's module.
func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	var stdout, stderr bytes.Buffer
	app := NewApp("test")
	app.Stdout, app.Stderr = &stdout, &stderr
	app.Getenv = func(string) string { return "" }
	if code := Execute(context.Background(), app, []string{"demo", "-o", dir}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, p := range []string{"evidence/Manifest.db", "evidence/Info.plist", "results/alerts.json", "results/report.html", "results/sms.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(stdout.String(), filepath.Join(dir, "results", "report.html")) {
		t.Errorf("the output does not say where report.html is:\n%s", stdout.String())
	}
	data, err := os.ReadFile(filepath.Join(dir, "results", "alerts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var alerts []struct {
		Level     string `json:"level"`
		Module    string `json:"module"`
		Indicator *struct {
			Value string `json:"value"`
		} `json:"matched_indicator"`
	}
	if err := json.Unmarshal(data, &alerts); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, a := range alerts {
		if a.Indicator == nil {
			t.Errorf("unexpected heuristic alert in %s", a.Module)
			continue
		}
		got[a.Module+" "+a.Level]++
	}
	want := map[string]int{"sms CRITICAL": 1, "datausage CRITICAL": 1, "safari_history CRITICAL": 1,
		"safari_browser_state CRITICAL": 1, "whatsapp CRITICAL": 1, "manifest HIGH": 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d alerts, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(alerts) != len(want) {
		t.Errorf("%d alerts, want %d", len(alerts), len(want))
	}
}
