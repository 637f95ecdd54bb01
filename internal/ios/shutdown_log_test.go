package ios

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// shutdownLogSample is laid out as launchd writes shutdown.log: "still
// here" lists, each followed by the clients, then the SIGTERM line that
// dates them. The first reboot has a Pegasus-style client that held the
// shutdown up three times; the second names a process indicator in a path,
// a file-name indicator and a client in /private/var/tmp; the tail after
// the last SIGTERM has no date.
const shutdownLogSample = `After 0.42s, these clients are still here:
	remaining client pid: 412 (/System/Library/PrivateFrameworks/GeoServices.framework/geod)
	remaining client pid: 4313 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 1.45s, these clients are still here:
	remaining client pid: 4313 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
After 2.47s, these clients are still here:
	remaining client pid: 4313 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
SIGTERM: [1640995200] Processing SIGTERM
After 0.97s, these clients are still here:
	remaining client pid: 80 (/usr/libexec/Launch)
	remaining client pid: 81 (/var/foobar/txt)
	remaining client pid: 82 (/private/var/tmp/updater)
SIGTERM: [1641081600] Processing SIGTERM
	remaining client pid: 99 (/private/var/tmp/undated)
`

func TestShutdownLog(t *testing.T) {
	src := dumpA(t, map[string][]byte{
		"private/var/db/diagnostics/shutdown.log": []byte(shutdownLogSample),
		// iOS 26's name; an empty log is not an error.
		"private/var/db/diagnostics/shutdown.0.log": nil,
	})
	m := NewShutdownLog()
	c, err := runA(t, m, src, indexA(t))
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, r := range c.Records {
		got = append(got, mustJSON(t, r))
	}
	want := []string{
		`{"isodate":"2022-01-01 00:00:00.000000","pid":412,"client":"/System/Library/PrivateFrameworks/GeoServices.framework/geod","delay":0.42,"times_delayed":1}`,
		`{"isodate":"2022-01-01 00:00:00.000000","pid":4313,"client":"/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd","delay":2.47,"times_delayed":3}`,
		`{"isodate":"2022-01-02 00:00:00.000000","pid":80,"client":"/usr/libexec/Launch","delay":0.97,"times_delayed":1}`,
		`{"isodate":"2022-01-02 00:00:00.000000","pid":81,"client":"/var/foobar/txt","delay":0.97,"times_delayed":1}`,
		`{"isodate":"2022-01-02 00:00:00.000000","pid":82,"client":"/private/var/tmp/updater","delay":0.97,"times_delayed":1}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(c.Events) != 5 || c.Events[1] != (module.TimelineEvent{Timestamp: "2022-01-01 00:00:00.000000", Module: "ShutdownLog", Event: "shutdown",
		Data: "Client /private/var/db/com.apple.xpc.roleaccountd.staging/rolexd with PID 4313 was running when the device was shut down"}) {
		t.Errorf("timeline: %+v", c.Events)
	}
	type key struct {
		level alert.Level
		what  string
	}
	var alerts []key
	for _, a := range c.Alerts {
		what := ""
		switch {
		case a.Indicator != nil:
			what = a.Indicator.Type + ":" + a.Indicator.Value
		case a.Heuristic != nil:
			what = a.Heuristic.ID
		}
		alerts = append(alerts, key{a.Level, what})
	}
	wantAlerts := []key{
		{alert.High, "ios.shutdown_log.pegasus_staging_path"},
		{alert.Low, "ios.shutdown_log.slow_shutdown"}, // three waits before the first SIGTERM
		{alert.Critical, "processes:Launch"},
		{alert.Critical, "file_names:/var/foobar/txt"}, // not under db/ or tmp/: no path alert
		{alert.Medium, "ios.shutdown_log.unusual_process_path"},
	}
	if fmt.Sprint(alerts) != fmt.Sprint(wantAlerts) {
		t.Errorf("alerts %v\nwant %v", alerts, wantAlerts)
	}
	for _, a := range c.Alerts {
		if a.Heuristic != nil && (a.Heuristic.Title == "" || a.Heuristic.Why == "" || a.Heuristic.Action == "") {
			t.Errorf("heuristic %s lacks an explanation", a.Heuristic.ID)
		}
	}

	// Without indicators the heuristics still fire; rechecking a record
	// gives its alerts back.
	c2, err := runA(t, m, src, nil)
	if err != nil || len(c2.Alerts) != 3 {
		t.Errorf("without indicators: %d alerts, %v", len(c2.Alerts), err)
	}
	var rc module.Collector
	if err := m.Recheck(context.Background(), indexA(t, "[file:path='/usr/libexec']"), []byte(mustJSON(t, c.Records[2])), &rc); err != nil {
		t.Fatal(err)
	}
	if len(rc.Alerts) != 1 || rc.Alerts[0].Indicator.Type != "file_paths" || rc.Alerts[0].Level != alert.Critical {
		t.Errorf("recheck: %+v", rc.Alerts)
	}
}

func TestShutdownLogAbsent(t *testing.T) {
	src := dumpA(t, map[string][]byte{"private/var/db/diagnostics/other.log": []byte("x")})
	if _, err := runA(t, NewShutdownLog(), src, nil); !isNoData(err) || !strings.Contains(err.Error(), "shutdown.log") {
		t.Errorf("err = %v, want no data naming shutdown.log", err)
	}
}

// TestParseShutdownLogBounds: a log of one endless line, and a reboot with
// more clients than the bound, stay bounded.
func TestParseShutdownLogBounds(t *testing.T) {
	long := "remaining client pid: 1 (" + strings.Repeat("a", 3*maxShutdownLineLength) + ")\nSIGTERM: [1]\n"
	var got []*shutdownReboot
	if err := parseShutdownLog(strings.NewReader(long), func(r *shutdownReboot) { got = append(got, r) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Clients) != 1 || len(got[0].Clients[0].Client) >= maxShutdownLineLength {
		t.Errorf("long line: %d reboots", len(got))
	}
	var b strings.Builder
	for i := 0; i < maxShutdownClients+10; i++ {
		fmt.Fprintf(&b, "remaining client pid: %d (/bin/x%d)\n", i, i)
	}
	b.WriteString("SIGTERM: [1640995200]\n")
	got = nil
	if err := parseShutdownLog(strings.NewReader(b.String()), func(r *shutdownReboot) { got = append(got, r) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Clients) != maxShutdownClients {
		t.Errorf("clients kept: %d", len(got[0].Clients))
	}
}

func FuzzShutdownLog(f *testing.F) {
	f.Add(shutdownLogSample)
	f.Add("SIGTERM: [99999999999999999999]\nremaining client pid: -1 ()\nAfter NaNs, these clients are still here:\n")
	f.Add("remaining client pid: 1 ) (\nSIGTERM: ]1[\n")
	// Found by fuzzing: a NaN delay made the record unwritable as JSON.
	f.Add("After NaNs, these clients are still here:\nremaining client pid: 1 (x)\nSIGTERM: [1]\n")
	f.Add("After -Infs, these clients are still here:\nremaining client pid: 1 (x)\nSIGTERM: [1]\n")
	f.Fuzz(func(t *testing.T, s string) {
		n := 0
		err := parseShutdownLog(strings.NewReader(s), func(r *shutdownReboot) {
			n++
			if len(r.Clients) > maxShutdownClients {
				t.Fatalf("%d clients", len(r.Clients))
			}
			for _, c := range r.Clients {
				shutdownClientCheck(nil, c, c.Client, c.Isodate, discardC1{})
				mustMarshalC1(c)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if n > strings.Count(s, "SIGTERM: ") {
			t.Fatalf("%d reboots from %d SIGTERM lines", n, strings.Count(s, "SIGTERM: "))
		}
	})
}
