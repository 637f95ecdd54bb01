package intrusionlogs

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

const (
	dnsLine     = `{"dns_event":{"event_time":1750352400000,"hostname":"news.example.net","ip_addresses":["/203.0.113.7","/0.0.0.0"],"package_name":"com.android.chrome","total_resolved_address_count":1}}`
	connectLine = `{"connect_event":{"event_time":1750352401000,"ip_address":"news.example.net/203.0.113.7","port":443,"package_name":"com.android.chrome"}}`
	caLine      = `{"security_event":{"event_time":1750352402000000000,"cert_authority_installed":{"success":true,"subject":"CN=Totally Legit CA","user_id":0}}}`
	// the same event with its keys in another order: a duplicate
	caLineReordered = `{"security_event":{"cert_authority_installed":{"user_id":0,"subject":"CN=Totally Legit CA","success":true},"event_time":1750352402000000000}}`
	certFailLine    = `{"security_event":{"event_time":1750352403000000000,"cert_validation_failure":"Certificate path validation failed"}}`
	pinFailLine     = `{"security_event":{"event_time":1750352404000000000,"key_generated":{"success":false,"key_id":"PinStorage_crossReboot_key","uid":1001}}}`
	otherFailLine   = `{"security_event":{"event_time":1750352405000000000,"key_generated":{"success":false,"key_id":"odd_key","uid":10123}}}`
	unknownLine     = `{"weird_event":{"event_time":1}}`
)

// export writes a folder export: two daily files that overlap, a nested zip
// holding a third, and a line that is not JSON.
func export(t *testing.T, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	day1 := strings.Join([]string{dnsLine, connectLine, caLine, "not json", ""}, "\n")
	day2 := strings.Join(append([]string{dnsLine, caLineReordered, unknownLine}, extra...), "\n")
	os.WriteFile(filepath.Join(dir, "2025-06-19.txt"), []byte(day1), 0o644)
	os.WriteFile(filepath.Join(dir, "2025-06-20.txt"), []byte(day2), 0o644)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("older/2025-06-18.txt")
	w.Write([]byte(certFailLine + "\n" + pinFailLine + "\n"))
	zw.Close()
	os.WriteFile(filepath.Join(dir, "older.zip"), zb.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("ignored"), 0o644)
	return dir
}

func indicators(t *testing.T, patterns ...string) *ioc.Index {
	t.Helper()
	idx := ioc.NewIndex()
	if err := idx.LoadFile("testdata/test_indicators.stix2"); err != nil {
		t.Fatal(err)
	}
	if len(patterns) > 0 {
		var objs []string
		objs = append(objs, `{"type":"malware","id":"malware--aa","name":"TestMalware"}`)
		for i, p := range patterns {
			pj, _ := json.Marshal(p)
			id := string(rune('a' + i))
			objs = append(objs, `{"type":"indicator","id":"indicator--`+id+`","pattern":`+string(pj)+`}`,
				`{"type":"relationship","id":"relationship--`+id+`","source_ref":"indicator--`+id+`","target_ref":"malware--aa"}`)
		}
		if err := idx.Load("extra.stix2", strings.NewReader(`{"type":"bundle","objects":[`+strings.Join(objs, ",")+`]}`)); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

func runAll(t *testing.T, dir string, idx *ioc.Index, tz string) (map[string]*module.Collector, string) {
	t.Helper()
	logs, closer, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	var logBuf bytes.Buffer
	in := &module.Input{Source: logs, IOCs: idx, Options: module.Options{Timezone: tz}, Log: slog.New(slog.NewTextHandler(&logBuf, nil))}
	out := map[string]*module.Collector{}
	for _, m := range Modules() {
		c := &module.Collector{Module: m.Describe().Slug}
		if err := m.Run(context.Background(), in, c); err != nil && !errors.Is(err, module.ErrNoData) {
			t.Fatalf("%s: %v", m.Describe().Slug, err)
		}
		out[m.Describe().Slug] = c
	}
	return out, logBuf.String()
}

// TestModules follows MVT's test_intrusion_logs.py: modules in the order
// DnsEvent, ConnectEvent, SecurityEvent give 1, 1 and 2 records (here 3: the
// nested zip adds a certificate failure and a benign key failure to the
// deduplicated CA install), the heuristics fire without indicators, unknown
// types warn and the benign PinStorage failure does not.
func TestModules(t *testing.T) {
	got, logText := runAll(t, export(t), ioc.NewIndex(), "")
	order := []string{}
	for _, m := range Modules() {
		order = append(order, m.Describe().Slug)
	}
	if strings.Join(order, ",") != "dns_event,connect_event,security_event" {
		t.Errorf("order = %v", order)
	}
	for name, want := range map[string]int{"dns_event": 1, "connect_event": 1, "security_event": 3} {
		if n := len(got[name].Records); n != want {
			t.Errorf("%s: %d records, want %d", name, n, want)
		}
		if n := len(got[name].Events); n != want {
			t.Errorf("%s: %d timeline events, want %d", name, n, want)
		}
	}
	sec := got["security_event"]
	if len(sec.AlertsAt(alert.Medium)) != 2 || len(sec.Alerts) != 2 {
		t.Errorf("security alerts = %+v", sec.Alerts)
	}
	for _, a := range sec.Alerts {
		if a.Heuristic == nil || a.EventTime == "" {
			t.Errorf("alert = %+v", a)
		}
	}
	if !strings.Contains(logText, "weird_event") {
		t.Errorf("unknown event type not warned:\n%s", logText)
	}
	if strings.Contains(logText, "PinStorage") || strings.Contains(logText, "failed key generation") {
		t.Errorf("benign PinStorage failure warned:\n%s", logText)
	}
	if ts := got["dns_event"].Records[0].(Event).Timestamp; ts != "2025-06-19 17:00:00.000000" {
		t.Errorf("dns timestamp = %q (UTC expected)", ts)
	}
	if ts := sec.Records[0].(Event).Timestamp; ts != "2025-06-19 17:00:02.000000" {
		t.Errorf("security timestamp = %q (ns)", ts)
	}
}

func TestOtherKeyFailureWarns(t *testing.T) {
	_, logText := runAll(t, export(t, otherFailLine), ioc.NewIndex(), "")
	if !strings.Contains(logText, "odd_key") {
		t.Errorf("failed key generation not warned:\n%s", logText)
	}
}

func TestTimezone(t *testing.T) {
	got, _ := runAll(t, export(t), ioc.NewIndex(), "Europe/Paris")
	if ts := got["connect_event"].Records[0].(Event).Timestamp; ts != "2025-06-19 19:00:01.000000" {
		t.Errorf("timestamp = %q", ts)
	}
}

func TestDetections(t *testing.T) {
	extra := []string{
		`{"security_event":{"event_time":1750352406000000000,"app_process_start":{"process":"com.google.android.webview:sandboxed_process0:com.evil.implant","uid":10200,"pid":4242}}}`,
		`{"security_event":{"event_time":1750352407000000000,"package_installed":{"package_name":"com.evil.implant","version_code":3,"user_id":0}}}`,
		`{"security_event":{"event_time":1750352408000000000,"adb_shell_cmd":{"command":"pm grant com.evil.implant android.permission.READ_SMS"}}}`,
		`{"security_event":{"event_time":1750352409000000000,"adb_sync_send_file":{"path":"/data/local/tmp/implant/stage2"}}}`,
		`{"dns_event":{"event_time":1750352410000,"hostname":"c2.example.org","ip_addresses":["/198.51.100.1"],"package_name":"com.evil.implant"}}`,
		`{"connect_event":{"event_time":1750352411000,"ip_address":"/198.51.100.1","port":8443,"package_name":"com.android.chrome"}}`,
		`{"connect_event":{"event_time":1750352412000,"ip_address":"localhost/127.0.0.1","port":80,"package_name":"com.android.chrome"}}`,
	}
	idx := indicators(t, "[app:id='com.evil.implant']", "[file:path='/data/local/tmp/implant']")
	got, _ := runAll(t, export(t, extra...), idx, "")
	want := map[string]int{
		"dns_event":      3, // domain (parent example.org), IP, app id
		"connect_event":  1, // 198.51.100.1
		"security_event": 4, // process component, package, adb command word, adb push path
	}
	for name, n := range want {
		crit := got[name].AlertsAt(alert.Critical)
		if len(crit) != n {
			t.Errorf("%s: %d critical alerts, want %d: %+v", name, len(crit), n, crit)
		}
		// check-iocs from the written records gives the same.
		rc := &module.Collector{}
		for _, r := range got[name].Records {
			raw, _ := json.Marshal(r)
			m := map[string]module.Rechecker{"dns_event": DNSEvent{}, "connect_event": ConnectEvent{}, "security_event": SecurityEvent{}}[name]
			if err := m.Recheck(context.Background(), idx, raw, rc); err != nil {
				t.Fatal(err)
			}
		}
		if len(rc.AlertsAt(alert.Critical)) != n {
			t.Errorf("%s recheck: %d critical alerts, want %d", name, len(rc.AlertsAt(alert.Critical)), n)
		}
	}
}

func TestZipExportAndBadInput(t *testing.T) {
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("intrusion_logs/a.txt")
	w.Write([]byte(dnsLine + "\n"))
	zw.Close()
	p := filepath.Join(t.TempDir(), "logs.zip")
	os.WriteFile(p, zb.Bytes(), 0o644)
	got, _ := runAll(t, p, ioc.NewIndex(), "")
	if len(got["dns_event"].Records) != 1 {
		t.Errorf("zip export: %d dns records", len(got["dns_event"].Records))
	}

	bad := filepath.Join(t.TempDir(), "evil.zip")
	zb.Reset()
	zw = zip.NewWriter(&zb)
	zw.Create("../../etc/passwd.txt")
	zw.Close()
	os.WriteFile(bad, zb.Bytes(), 0o644)
	if _, _, err := Open(bad); err == nil || !strings.Contains(err.Error(), "unsafe") {
		t.Errorf("unsafe zip: %v", err)
	}

	empty := t.TempDir()
	logs, closer, _ := Open(empty)
	defer closer.Close()
	err := DNSEvent{}.Run(context.Background(), &module.Input{Source: logs, IOCs: ioc.NewIndex()}, &module.Collector{})
	if !errors.Is(err, module.ErrNoData) {
		t.Errorf("empty folder: %v", err)
	}
}

func FuzzLines(f *testing.F) {
	for _, l := range []string{dnsLine, connectLine, caLine, certFailLine, pinFailLine, unknownLine, `{"security_event":{"crypto_self_test_completed":0}}`} {
		f.Add([]byte(l))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "x.txt"), data, 0o644)
		logs := &Logs{FS: os.DirFS(dir), Name: "x"}
		idx := ioc.NewIndex()
		for _, m := range Modules() {
			_ = m.Run(context.Background(), &module.Input{Source: logs, IOCs: idx}, &module.Collector{})
		}
	})
}
