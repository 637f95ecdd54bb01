package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

const pcapData = "../netcap/testdata/"

// TestCheckPcapEndToEnd runs check-pcap on two captures: the planted one
// alerts on each indicator, the evidence stays untouched, and every result
// file is written.
func TestCheckPcapEndToEnd(t *testing.T) {
	before := treeHashes(t, pcapData)
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	code := run(t, app, "check-pcap", "--no-default-iocs", "-i", pcapData+"indicators.stix2", "-o", out,
		pcapData+"planted_ethernet.pcap", pcapData+"planted_mixed.pcapng")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, f := range []string{"network_traffic.json", "alerts.json", "timeline.csv", "summary.json", "report.html", "info.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	alerts := readAlerts(t, out)
	var msgs []string
	for _, a := range alerts {
		msgs = append(msgs, a.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{`"api.evil-spy.example"`, `"m.tracker.badcdn.example"`, `"203.0.113.66"`, `"tcp.evil-spy.example"`, `"www.evil-spy.example"`} {
		if !strings.Contains(all, want) {
			t.Errorf("no alert on %s:\n%s", want, all)
		}
	}
	var recs []map[string]any
	b, _ := os.ReadFile(filepath.Join(out, "network_traffic.json"))
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	var captures []string
	for _, r := range recs {
		if c, _ := r["capture"].(string); !slices.Contains(captures, c) {
			captures = append(captures, c)
		}
	}
	if len(captures) != 2 {
		t.Errorf("records come from %v", captures)
	}
	if !strings.Contains(stdout.String(), "CRITICAL") {
		t.Errorf("summary: %s", stdout)
	}
	after := treeHashes(t, pcapData)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed", k)
		}
	}
}

func TestCheckPcapCleanAndBroken(t *testing.T) {
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "check-pcap", "--no-default-iocs", "-i", pcapData+"indicators.stix2", "-o", out, pcapData+"clean_ethernet.pcap"); code != ExitOK {
		t.Fatalf("exit %d %s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "alerts.json")); err == nil {
		for _, a := range readAlerts(t, out) {
			if a.Indicator != nil || a.Level > alert.Low {
				t.Errorf("clean capture alert: %+v", a)
			}
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.pcapng")
	orig, _ := os.ReadFile(pcapData + "planted_mixed.pcapng")
	b := append([]byte(nil), orig[:200]...)
	b[len(b)-4] = 0xff // garble the block lengths after the first blocks
	writeAll(t, bad, append(b, make([]byte, 64)...))
	code, _, text := runHostile(t, []string{"check-pcap", "--no-default-iocs"}, bad)
	if code != ExitOK || strings.Contains(text, "panic") || !strings.Contains(text, "network_traffic") {
		t.Fatalf("exit %d: %s", code, text)
	}
}

func TestIOCsExport(t *testing.T) {
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "iocs", "export", "--no-default-iocs", "-i", pcapData+"indicators.stix2", "--format", "hosts"); code != ExitOK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	if !strings.Contains(stdout.String(), "0.0.0.0 evil-spy.example\n") {
		t.Fatalf("hosts: %s", stdout)
	}
	p := filepath.Join(t.TempDir(), "r.rules")
	app, _, stderr = testApp(t)
	if code := run(t, app, "iocs", "export", "--no-default-iocs", "-i", pcapData+"indicators.stix2", "--format", "suricata", "-o", p); code != ExitOK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	if b, _ := os.ReadFile(p); !strings.Contains(string(b), "tls.sni; dotprefix;") {
		t.Fatalf("rules: %s", b)
	}
	app, _, _ = testApp(t)
	if code := run(t, app, "iocs", "export", "--format", "xml"); code != ExitUsage {
		t.Fatalf("bad format: exit %d", code)
	}
}

func TestCheckNetlogsEndToEnd(t *testing.T) {
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	code := run(t, app, "check-netlogs", "--no-default-iocs", "-i", pcapData+"indicators.stix2", "-o", out,
		pcapData+"netlogs/zeek", pcapData+"netlogs/suricata/eve.json")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if n := len(readAlerts(t, out)); n < 10 {
		t.Fatalf("%d alerts", n)
	}
	if _, err := os.Stat(filepath.Join(out, "network_logs.json")); err != nil {
		t.Fatal(err)
	}
}

// TestCheckIOCsRechecksCaptureResults: a check-pcap run without indicators,
// re-checked later with them, finds the planted indicators.
func TestCheckIOCsRechecksCaptureResults(t *testing.T) {
	first := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "check-pcap", "--no-default-iocs", "-o", first, pcapData+"planted_ethernet.pcap"); code != ExitOK {
		t.Fatalf("exit %d %s%s", code, stdout, stderr)
	}
	second := t.TempDir()
	app, stdout, stderr = testApp(t)
	if code := run(t, app, "check-iocs", "--no-default-iocs", "-i", pcapData+"indicators.stix2", "-o", second, first); code != ExitOK {
		t.Fatalf("exit %d %s%s", code, stdout, stderr)
	}
	var all string
	for _, a := range readAlerts(t, second) {
		all += a.Message + "\n"
	}
	for _, want := range []string{`"login.evil-spy.example"`, `"203.0.113.66"`} {
		if !strings.Contains(all, want) {
			t.Errorf("check-iocs found no %s:\n%s", want, all)
		}
	}
}
