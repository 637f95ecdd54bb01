package ios

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// netusage.sqlite as networkd keeps it (Core Data; Wi-Fi and WWAN counters).
const netusageSchema = `CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER,
	ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT)`

// TestNetusage: both netusage locations are read, each with MVT's checks:
// a usage row whose process was deleted (2 HIGH), a gap in the process
// numbering (LOW), a process indicator (CRITICAL), and a process without
// bundle id or binary in the dump (MEDIUM, not with --fast).
func TestNetusage(t *testing.T) {
	src := dumpA(t, map[string][]byte{
		"private/var/networkd/netusage.sqlite": sqliteBytes(t, netusageSchema,
			`INSERT INTO ZPROCESS VALUES (1, 3, 1, 600000000, 600000100, 'com.apple.mobilesafari', 'MobileSafari/com.apple.mobilesafari')`,
			`INSERT INTO ZPROCESS VALUES (3, 3, 1, 600000200, 600000300, NULL, 'Launch')`,
			`INSERT INTO ZLIVEUSAGE VALUES (1, 2, 1, 0, 0, 0, 1, 600000050, 1024.0, 512.0, 0.0, 0.0)`,
			`INSERT INTO ZLIVEUSAGE VALUES (2, 2, 1, 0, 0, 0, 7, 600000600, 5.0, 6.0, 7.0, 8.0)`),
		"private/var/networkd/db/netusage.sqlite": sqliteBytes(t, netusageSchema,
			`INSERT INTO ZPROCESS VALUES (1, 3, 1, 610000000, 610000100, NULL, 'mDNSResponder')`),
		"usr/sbin/mDNSResponder": []byte("binary"),
		"sbin/launchd":           []byte("binary"),
	})
	m := NewNetusage()
	c, err := runA(t, m, src, indexA(t))
	if err != nil {
		t.Fatal(err)
	}
	count := map[alert.Level]int{}
	for _, a := range c.Alerts {
		count[a.Level]++
	}
	want := map[alert.Level]int{alert.High: 2, alert.Low: 1, alert.Critical: 1, alert.Medium: 2}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("alerts by level %v, want %v: %+v", count, want, c.Alerts)
	}
	crit := c.AlertsAt(alert.Critical)
	if len(crit) != 1 || crit[0].Indicator.Value != "Launch" || crit[0].EventTime != "2020-01-06 10:43:20.000000" {
		t.Errorf("critical %+v", crit)
	}
	med := c.AlertsAt(alert.Medium)
	if len(med) != 2 || !strings.Contains(med[0].Message, "empty 'proc_name': 7") || !strings.Contains(med[1].Message, "binary associated with the process with name Launch") {
		t.Errorf("medium %+v", med)
	}
	if low := c.AlertsAt(alert.Low); len(low) != 1 || !strings.HasPrefix(low[0].Message, "Missing process 2.") {
		t.Errorf("low %+v", low)
	}
	// The databases in path order: db/netusage.sqlite's process (no live
	// usage), then 2 usage rows + process 3 + the missing-process placeholder.
	if len(c.Records) != 5 {
		t.Errorf("%d records, want 5", len(c.Records))
	}
	safari := c.Records[1].(*netUsageRecord)
	if *safari.ProcName != "MobileSafari/com.apple.mobilesafari" || *safari.WifiIn != 1024 || *safari.FirstIsodate != "2020-01-06 10:40:00.000000" {
		t.Errorf("Safari record %s", mustJSON(t, safari))
	}
	for _, ev := range c.Events {
		if ev.Module != "Netusage" {
			t.Fatalf("event %+v", ev)
		}
	}
	wantEv := module.TimelineEvent{Timestamp: "2020-05-01 04:26:40.000000", Module: "Netusage", Event: "live_usage",
		Data: "mDNSResponder (Bundle ID: unknown, ID: 1) WWAN IN: unknown, WWAN OUT: unknown"}
	found := false
	for _, ev := range c.Events {
		found = found || ev == wantEv
	}
	if !found {
		t.Errorf("no event %+v in %+v", wantEv, c.Events)
	}

	in := &module.Input{FS: src.FS(), Source: src, IOCs: indexA(t), Options: module.Options{Fast: true}}
	fast := &module.Collector{}
	if err := m.Run(context.Background(), in, fast); err != nil || len(fast.AlertsAt(alert.Medium)) != 0 {
		t.Errorf("fast: %v, %d MEDIUM", err, len(fast.AlertsAt(alert.Medium)))
	}
	var rc module.Collector
	if err := m.Recheck(context.Background(), indexA(t), []byte(mustJSON(t, crit[0].Event)), &rc); err != nil || len(rc.Alerts) != 1 {
		t.Errorf("recheck: %v %+v", err, rc.Alerts)
	}
}

func TestNetusageErrors(t *testing.T) {
	if _, err := runA(t, NewNetusage(), dumpA(t, map[string][]byte{"x": nil}), nil); !isNoData(err) || !strings.Contains(err.Error(), "netusage.sqlite") {
		t.Errorf("absent: %v", err)
	}
	src := dumpA(t, map[string][]byte{"private/var/networkd/netusage.sqlite": sqliteBytes(t, `CREATE TABLE ZAPPLICATION(Z_PK)`)})
	if _, err := runA(t, NewNetusage(), src, nil); err == nil || isNoData(err) || !strings.Contains(err.Error(), "ZAPPLICATION") {
		t.Errorf("unknown schema: %v", err)
	}
}
