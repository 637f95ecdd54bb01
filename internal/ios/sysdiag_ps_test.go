package ios

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/synth/sysdiag"
)

// openSysdiag writes the synthetic sysdiagnose as a .tar.gz and opens it
// the way check-sysdiagnose does.
func openSysdiag(t *testing.T, spec sysdiag.Spec) *source.Sysdiagnose {
	t.Helper()
	p, err := sysdiag.WriteTarGz(t.TempDir(), spec)
	if err != nil {
		t.Fatal(err)
	}
	s, err := source.OpenSysdiagnose(p, SysdiagnoseFiles())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func alertsWith(c *module.Collector, sub string) []alert.Alert {
	var out []alert.Alert
	for _, a := range c.Alerts {
		if strings.Contains(a.Message, sub) {
			out = append(out, a)
		}
	}
	return out
}

// ps.txt: every process read, with its command and capture time; the
// planted process found by its path indicator and by the heuristic; the
// clean twin raises nothing.
func TestPSSysdiagnose(t *testing.T) {
	idx := indexA(t, "[file:path = '"+sysdiag.PlantedDir+sysdiag.PlantedProcess+"']")
	c, err := runA(t, NewPS(), openSysdiag(t, sysdiag.Spec{Planted: true}), idx)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records) != 9 {
		t.Fatalf("%d processes, want 9", len(c.Records))
	}
	p := c.Records[1].(*psProcess)
	if p.Command != "/usr/libexec/UserEventAgent (System)" || p.PID != 29 || *p.PPID != 1 || p.User != "root" {
		t.Errorf("row 2 read as %+v", p)
	}
	if len(c.Events) == 0 || c.Events[0].Timestamp != "2025-04-07 15:06:18.000000" {
		t.Errorf("timeline: %+v", c.Events[:min(1, len(c.Events))])
	}
	ioc := alertsWith(c, "matches the indicator")
	if len(ioc) != 1 || ioc[0].Level != alert.Critical {
		t.Errorf("indicator alerts: %+v", c.Alerts)
	}
	heur := alertsWith(c, "a folder iOS does not run programs from")
	if len(heur) != 1 || heur[0].Level != alert.High {
		t.Errorf("heuristic alerts: %+v", c.Alerts)
	}

	clean, err := runA(t, NewPS(), openSysdiag(t, sysdiag.Spec{}), idx)
	if err != nil || len(clean.Alerts) != 0 || len(clean.Records) != 7 {
		t.Errorf("clean twin: %d records, alerts %+v, %v", len(clean.Records), clean.Alerts, err)
	}
}

// ps_thread.txt: the short name column is matched too, so a process whose
// name iOS cut to 16 characters matches the full indicator; thread rows are
// not processes.
func TestPSThreadTruncatedName(t *testing.T) {
	idx := indexA(t, "[process:name = '"+sysdiag.PlantedLongName+"']")
	c, err := runA(t, NewPSThread(), openSysdiag(t, sysdiag.Spec{Planted: true}), idx)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records) != 5 {
		t.Fatalf("%d processes, want 5 (threads are not processes)", len(c.Records))
	}
	var long *psProcess
	for _, r := range c.Records {
		if p := r.(*psProcess); p.PID == 4320 {
			long = p
		}
	}
	if long == nil || long.Name != sysdiag.PlantedLongName[:16] || long.Path != "/usr/libexec/"+sysdiag.PlantedLongName {
		t.Fatalf("long-named process read as %+v", long)
	}
	if a := alertsWith(c, "matches the indicator"); len(a) != 1 || a[0].Indicator == nil {
		t.Errorf("truncated name not matched: %+v", c.Alerts)
	}
	// Only the short name carries the indicator here: the path is
	// changed, the 16-character name is what matches.
	var buf bytes.Buffer
	buf.WriteString("USER               PID   TT   %CPU STAT PRI     STIME     UTIME COMMAND            PPID        F %MEM PRI NI      VSZ    RSS WCHAN    STARTED      TIME COMMAND\n")
	buf.WriteString("mobile            4320   ??    0.0 S     31T   0:00.01   0:00.02 msgacntd_helper_  4320  4004004  0.1  31  0  408004320   5320 -         7:47AM   0:00.03 /usr/libexec/other\n")
	var got []*psProcess
	if _, _, ok, err := parsePS(&buf, "ps_thread.txt", true, func(p *psProcess) { got = append(got, p) }); !ok || err != nil || len(got) != 1 {
		t.Fatalf("parse: %v %v %d", ok, err, len(got))
	}
	one := &module.Collector{}
	psCheck(idx, got[0], "", one)
	if len(alertsWith(one, "matches the indicator")) != 1 {
		t.Errorf("the 16-character short name does not match the 17-character indicator: %+v", one.Alerts)
	}
}

// A ps.txt without a header, or whose rows do not fit it, fails the module
// with a sentence; it does not pass as "no processes".
func TestPSBroken(t *testing.T) {
	for name, body := range map[string]string{
		"no header": "root 1 /sbin/launchd\n",
		"bad rows":  "USER UID PID COMMAND\nroot zero x\n",
		"empty":     "",
	} {
		var n int
		_, skipped, ok, err := parsePS(strings.NewReader(body), "ps.txt", false, func(*psProcess) { n++ })
		if err != nil {
			t.Fatal(err)
		}
		if name == "bad rows" && (skipped != 1 || !ok) || name != "bad rows" && ok || n != 0 {
			t.Errorf("%s: ok %v, skipped %d, rows %d", name, ok, skipped, n)
		}
	}
}

// FuzzParsePS: any text ends in rows or nothing, never a panic.
func FuzzParsePS(f *testing.F) {
	s := sysdiag.Files(sysdiag.Spec{Planted: true})
	f.Add(s["ps.txt"], false)
	f.Add(s["ps_thread.txt"], true)
	f.Fuzz(func(t *testing.T, b []byte, thread bool) {
		_, _, _, _ = parsePS(bytes.NewReader(b), "ps.txt", thread, func(p *psProcess) {
			if p.Command == "" || p.Path == "" {
				t.Fatalf("empty command from %q", b)
			}
		})
	})
}

// shutdown_log reads a sysdiagnose's shutdown.log and iOS 26's rotated
// shutdown.0.log, reporting the reboot they share once.
func TestShutdownLogSysdiagnoseIOS26(t *testing.T) {
	idx := indexA(t, "[process:name = '"+sysdiag.PlantedProcess+"']")
	c, err := runA(t, NewShutdownLog(), openSysdiag(t, sysdiag.Spec{Planted: true, IOS26: true}), idx)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records) != 2 {
		t.Errorf("%d clients, want 2 (the shared reboot once)", len(c.Records))
	}
	if a := alertsWith(c, "waited 3 times"); len(a) != 1 {
		t.Errorf("slow-shutdown heuristic: %d alerts", len(a))
	}
	if a := alertsWith(c, "suspicious process name"); len(a) != 1 {
		t.Errorf("process indicator: %d alerts", len(a))
	}
	if a := alertsWith(c, "the folder Pegasus used"); len(a) != 1 {
		t.Errorf("Pegasus path heuristic: %d alerts", len(a))
	}
	clean, err := runA(t, NewShutdownLog(), openSysdiag(t, sysdiag.Spec{IOS26: true}), idx)
	if err != nil || len(clean.Alerts) != 0 || len(clean.Records) != 2 {
		t.Errorf("clean twin: %d records, alerts %+v, %v", len(clean.Records), clean.Alerts, err)
	}
}

// crash_logs: the planted program's crash report is found by its path
// indicator and by the data-folder heuristic (in the Retired/ subfolder),
// the app's report is read and raises nothing, and the JetsamEvent report
// (header only) is read too.
func TestCrashLogsSysdiagnose(t *testing.T) {
	idx := indexA(t, "[file:path = '"+sysdiag.PlantedDir+sysdiag.PlantedProcess+"']")
	c, err := runA(t, NewCrashLogs(), openSysdiag(t, sysdiag.Spec{Planted: true}), idx)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records) != 3 {
		t.Fatalf("%d reports, want 3", len(c.Records))
	}
	var signal *crashLog
	for _, r := range c.Records {
		if x := r.(*crashLog); x.Name == "Signal" {
			signal = x
		}
	}
	if signal == nil || signal.BundleID != "org.whispersystems.signal" || signal.Exception != "EXC_CRASH SIGABRT" || signal.Timestamp != "2025-04-06 16:30:12.000000" {
		t.Errorf("app report read as %+v", signal)
	}
	if len(alertsWith(c, "an indicator from")) != 1 || len(alertsWith(c, "a folder iOS does not run programs from")) != 1 {
		t.Errorf("alerts: %+v", c.Alerts)
	}
	clean, err := runA(t, NewCrashLogs(), openSysdiag(t, sysdiag.Spec{}), idx)
	if err != nil || len(clean.Alerts) != 0 || len(clean.Records) != 2 {
		t.Errorf("clean twin: %d records, alerts %+v, %v", len(clean.Records), clean.Alerts, err)
	}
}

// A report whose first line is enormous, or not JSON, fails alone with a
// sentence naming it; the other reports are still read.
func TestCrashLogsHostile(t *testing.T) {
	if _, err := parseIPS(strings.NewReader(`{"name":"`+strings.Repeat("a", 200<<10)+`"}`+"\n{}"), "x.ips"); err == nil || !strings.Contains(err.Error(), "longer than 64 KiB") {
		t.Errorf("huge header: %v", err)
	}
	if _, err := parseIPS(strings.NewReader("Incident Identifier: X\n"), "x.ips"); err == nil {
		t.Error("a text report passed as JSON")
	}
	dir := t.TempDir()
	top, err := sysdiag.WriteDir(dir, sysdiag.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 1<<20)
	if err := os.WriteFile(filepath.Join(top, "crashes_and_spins", "huge.ips"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	// A macOS sidecar beside a report is not a report.
	if err := os.WriteFile(filepath.Join(top, "crashes_and_spins", "._Signal.ips"), []byte("\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        "), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := source.OpenSysdiagnose(top, SysdiagnoseFiles())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := runA(t, NewCrashLogs(), s, nil)
	if err == nil || !strings.Contains(err.Error(), "huge.ips") || strings.Contains(err.Error(), "._Signal") || len(c.Records) != 2 {
		t.Errorf("err %v, %d records", err, len(c.Records))
	}
}

// FuzzParseIPS: any bytes end in a report or an error, never a panic.
func FuzzParseIPS(f *testing.F) {
	for _, b := range sysdiag.Files(sysdiag.Spec{Planted: true}) {
		if len(b) < 4096 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseIPS(bytes.NewReader(b), "f.ips")
	})
}

// mobile_installation: installs, removals and reboots with their dates
// converted from the phone's zone (from the sysdiagnose's name, -0700);
// the planted app's bundle id is found at install and at removal; the
// clean twin raises nothing.
func TestMobileInstallationSysdiagnose(t *testing.T) {
	idx := indexA(t, "[app:id = '"+sysdiag.PlantedBundle+"']")
	c, err := runA(t, NewMobileInstallation(), openSysdiag(t, sysdiag.Spec{Planted: true}), idx)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records) != 5 {
		t.Fatalf("%d events, want 5", len(c.Records))
	}
	first := c.Records[0].(*installEvent)
	if first.Action != "reboot" || first.Timestamp != "2025-04-07 13:10:02.000000" {
		t.Errorf("first event %+v", first)
	}
	inst := c.Records[2].(*installEvent)
	if inst.Action != "install" || inst.Kind != "Placeholder" || inst.BundleID != "org.whispersystems.signal" {
		t.Errorf("install read as %+v", inst)
	}
	if a := alertsWith(c, sysdiag.PlantedBundle); len(a) != 2 {
		t.Errorf("planted app alerts: %+v", c.Alerts)
	}
	clean, err := runA(t, NewMobileInstallation(), openSysdiag(t, sysdiag.Spec{}), idx)
	if err != nil || len(clean.Alerts) != 0 || len(clean.Records) != 3 {
		t.Errorf("clean twin: %d records, alerts %+v, %v", len(clean.Records), clean.Alerts, err)
	}
}

// FuzzParseMILine: any line ends in an event or nothing, never a panic.
func FuzzParseMILine(f *testing.F) {
	for _, l := range strings.Split(string(sysdiag.Files(sysdiag.Spec{Planted: true})["logs/MobileInstallation/mobile_installation.log.0"]), "\n") {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, l string) {
		_ = parseMILine(l, time.UTC)
	})
}

// wifi_known_networks: the networks with their dates for the timeline; the
// network an indicator's app added raises an alert, the clean twin none.
func TestWiFiKnownNetworksSysdiagnose(t *testing.T) {
	idx := indexA(t, "[app:id = '"+sysdiag.PlantedBundle+"']")
	c, err := runA(t, NewWiFiKnownNetworks(), openSysdiag(t, sysdiag.Spec{Planted: true}), idx)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records) != 2 || len(c.Events) != 6 {
		t.Fatalf("%d networks, %d events", len(c.Records), len(c.Events))
	}
	home := c.Records[1].(*knownNetwork)
	if home.SSID != "HomeNet-5G" || home.JoinedByUserAt != "2024-11-02 18:20:05.000000" || home.AddReason != "4" {
		t.Errorf("home network read as %+v", home)
	}
	if a := alertsWith(c, sysdiag.PlantedBundle); len(a) != 1 {
		t.Errorf("alerts: %+v", c.Alerts)
	}
	clean, err := runA(t, NewWiFiKnownNetworks(), openSysdiag(t, sysdiag.Spec{}), idx)
	if err != nil || len(clean.Alerts) != 0 || len(clean.Records) != 1 {
		t.Errorf("clean twin: %d records, alerts %+v, %v", len(clean.Records), clean.Alerts, err)
	}
}
