package ios

import (
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// EXPECTED.md tests/ios_backup/test_datausage.py: R=42 (41 rows + 1
// placeholder for the missing process 5), T=60 (duplicate events of the two
// live-usage rows of process 32 written once), A=1 (LOW, missing process),
// results[0].isodate starts "2019-08-27 15:08:09". With +process
// CumulativeUsageTracker: 2 CRITICAL alerts.
func TestDatausageFixture(t *testing.T) {
	b := fixtureBackupB(t)
	c := mustRunB(t, NewDatausage(), b, nil)
	if len(c.Records) != 42 || len(c.Events) != 60 || len(c.Alerts) != 1 {
		t.Fatalf("R=%d T=%d A=%d, want 42 60 1", len(c.Records), len(c.Events), len(c.Alerts))
	}
	a := c.Alerts[0]
	if a.Level != alert.Low || a.Heuristic == nil || a.Heuristic.ID != "ios.datausage.missing_process" ||
		!strings.HasPrefix(a.Message, "Missing process 5. Previous process at ") {
		t.Errorf("alert = %+v", a)
	}
	r0 := recordJSON(t, c.Records[0])
	// Rounded to the microsecond as Python does (588611289.24041).
	if s, _ := r0["isodate"].(string); !strings.HasPrefix(s, "2019-08-27 15:08:09") || s != "2019-08-27 15:08:09.240412" || r0["first_isodate"] != "2019-08-27 15:08:09.240410" {
		t.Errorf("results[0].isodate = %v", r0["isodate"])
	}
	var placeholders int
	for _, r := range c.Records {
		if n := *r.(*netUsageRecord).ProcName; strings.HasPrefix(n, "MISSING [follows ") {
			placeholders++
			if n != "MISSING [follows 1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.Fitness]" {
				t.Errorf("placeholder = %q", n)
			}
		}
	}
	if placeholders != 1 {
		t.Errorf("%d placeholders, want 1", placeholders)
	}

	c = mustRunB(t, NewDatausage(), b, indexWithB(t, "[process:name = 'CumulativeUsageTracker']"))
	crit := c.AlertsAt(alert.Critical)
	if len(crit) != 2 {
		t.Fatalf("%d CRITICAL alerts, want 2", len(crit))
	}
	for _, a := range crit {
		if a.Indicator == nil || a.Indicator.Value != "CumulativeUsageTracker" {
			t.Errorf("indicator = %+v", a.Indicator)
		}
		if _, ok := recordJSON(t, a.Event)["matched_indicator"]; ok {
			t.Errorf("matched_indicator inside the event")
		}
	}
	re := recheckAllB(t, NewDatausage(), c, indexWithB(t, "[process:name = 'CumulativeUsageTracker']"))
	if len(re.Alerts) != 2 {
		t.Errorf("recheck: %d alerts, want 2", len(re.Alerts))
	}
}

const dataUsageSchemaB = `CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT);`

// A recent-iOS DataUsage.sqlite (no Wi-Fi columns) in a filesystem dump: a
// usage row whose process was deleted (2 HIGH), and a process without
// bundle id whose binary is not in the dump (MEDIUM) next to one that is.
func TestDatausageDumpHeuristics(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/wireless/Library/Databases/DataUsage.sqlite", dataUsageSchemaB,
		`INSERT INTO ZPROCESS VALUES (1, 1, 1, 600000000, 600000100, NULL, 'roleaboutd')`,
		`INSERT INTO ZPROCESS VALUES (2, 1, 1, 600000200, 600000300, NULL, 'mDNSResponder')`,
		`INSERT INTO ZPROCESS VALUES (3, 1, 1, 600000400, 600000500, 'com.apple.x', 'x/com.apple.x')`,
		`INSERT INTO ZLIVEUSAGE VALUES (1, 1, 1, 0, 0, 0, 1, 600000050, 10.0, 20.0)`,
		`INSERT INTO ZLIVEUSAGE VALUES (2, 1, 1, 0, 0, 0, 9, 600000600, 30.0, 40.0)`,
	)
	if err := osWriteFileB(dir, "usr/sbin/mDNSResponder", "binary"); err != nil {
		t.Fatal(err)
	}
	c := mustRunB(t, NewDatausage(), dumpB{dir}, nil)
	if got := countLevel(c, alert.High); got != 2 {
		t.Errorf("%d HIGH alerts, want 2: %+v", got, c.Alerts)
	}
	// roleaboutd has no binary in the dump; the usage row without a process
	// has no name at all (MVT reports both).
	med := c.AlertsAt(alert.Medium)
	if len(med) != 2 || !strings.Contains(med[0].Message, "roleaboutd") || med[0].Heuristic.ID != "ios.datausage.process_without_binary" ||
		!strings.Contains(med[1].Message, "empty 'proc_name': 9") {
		t.Errorf("MEDIUM alerts = %+v", med)
	}
	if len(c.Records) != 4 {
		t.Errorf("R=%d, want 4", len(c.Records))
	}
	for _, r := range c.Records {
		if rec := r.(*netUsageRecord); rec.LiveProcID != nil && *rec.LiveProcID == 9 && *rec.ProcName != "MANIPULATED [process record deleted]" {
			t.Errorf("manipulated record = %+v", rec)
		}
	}
}
