package ios

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

const adDailyRel = "Library/Preferences/com.apple.osanalytics.addaily.plist"

// adDailyC1 is a com.apple.osanalytics.addaily.plist: netUsageBaseline maps
// each process to [date, wifi in, wifi out, wwan in, wwan out]. "Launch" is
// MVT's test process indicator; one list is short (a truncated file).
func adDailyC1(t testing.TB, format int) []byte {
	day := time.Date(2021, 7, 18, 10, 0, 0, 0, time.UTC)
	return plistC1(t, map[string]any{
		"netUsageBaseline": map[string]any{
			"Launch":        []any{day, 10, 20, 30, 40},
			"mobilesafari":  []any{day.Add(time.Hour), 1.5, 0, 1024, 2048},
			"truncatedproc": []any{day},
			"notalist":      "x",
		},
		"baselineVersion": 2,
	}, format)
}

func TestOSAnalyticsADDaily(t *testing.T) {
	if _, err := runA(t, NewOSAnalyticsADDaily(), fixtureBackupA(t), nil); !isNoData(err) || !strings.Contains(err.Error(), "com.apple.osanalytics.addaily.plist") {
		t.Fatalf("fixture: err = %v", err)
	}
	bk := backupC1(t, backupFileC1{"HomeDomain", adDailyRel, adDailyC1(t, plist.BinaryFormat)})
	c := mustRunC1(t, NewOSAnalyticsADDaily(), bk, nil)
	want := []string{
		`{"package":"Launch","ts":"2021-07-18 10:00:00.000000","wifi_in":10,"wifi_out":20,"wwan_in":30,"wwan_out":40}`,
		`{"package":"mobilesafari","ts":"2021-07-18 11:00:00.000000","wifi_in":1.5,"wifi_out":0,"wwan_in":1024,"wwan_out":2048}`,
		`{"package":"truncatedproc","ts":"2021-07-18 10:00:00.000000","wifi_in":null,"wifi_out":null,"wwan_in":null,"wwan_out":null}`,
	}
	if diff := cmp.Diff(want, recordsJSONC1(t, c)); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	if len(c.Events) != 3 || c.Events[1].Module != "OSAnalyticsADDaily" || c.Events[1].Event != "osanalytics_addaily" ||
		c.Events[1].Timestamp != "2021-07-18 11:00:00.000000" ||
		c.Events[1].Data != "mobilesafari WIFI IN: 1.5, WIFI OUT: 0 - WWAN IN: 1024, WWAN OUT: 2048" {
		t.Errorf("timeline = %+v", c.Events)
	}
	if len(c.Alerts) != 0 {
		t.Errorf("alerts without indicators: %v", messagesC1(c))
	}
	idx := indexA(t)
	c = mustRunC1(t, NewOSAnalyticsADDaily(), bk, idx)
	wantAlerts := []string{`CRITICAL Found a known suspicious process name Launch matching indicator "Launch" from "TestMalware"`}
	if diff := cmp.Diff(wantAlerts, messagesC1(c)); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	if a := c.AlertsAt(alert.Critical); len(a) != 1 || a[0].EventTime != "2021-07-18 10:00:00.000000" || a[0].Indicator.Type != "processes" {
		t.Errorf("critical = %+v", a)
	}
	if diff := cmp.Diff(wantAlerts, recheckC1(t, NewOSAnalyticsADDaily(), c, idx)); diff != "" {
		t.Errorf("recheck (-want +got):\n%s", diff)
	}

	// A dump with an XML plist reads the same.
	d := dumpA(t, map[string][]byte{"private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist": adDailyC1(t, plist.XMLFormat)})
	if got := recordsJSONC1(t, mustRunC1(t, NewOSAnalyticsADDaily(), d, nil)); cmp.Diff(want, got) != "" {
		t.Errorf("dump: %v", got)
	}
	// No per-process list: no data, naming the keys found.
	other := backupC1(t, backupFileC1{"HomeDomain", adDailyRel, plistC1(t, map[string]any{"lastRun": 1, "version": 2}, plist.XMLFormat)})
	if _, err := runA(t, NewOSAnalyticsADDaily(), other, nil); !isNoData(err) || !strings.Contains(err.Error(), "keys found: lastRun, version") {
		t.Errorf("no netUsageBaseline: err = %v", err)
	}
	bad := backupC1(t, backupFileC1{"HomeDomain", adDailyRel, []byte("{not a plist")})
	if _, err := runA(t, NewOSAnalyticsADDaily(), bad, nil); err == nil || isNoData(err) || !strings.Contains(err.Error(), "addaily.plist") {
		t.Errorf("corrupt: err = %v", err)
	}
}

func FuzzParseADDaily(f *testing.F) {
	f.Add(adDailyC1(f, plist.BinaryFormat))
	f.Add(adDailyC1(f, plist.XMLFormat))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := parseADDaily(b)
		if err != nil {
			return
		}
		for _, r := range recs {
			discardC1{}.Record(r)
			adDailyCheck(nil, r, r.Package, r.TS, discardC1{})
		}
	})
}
