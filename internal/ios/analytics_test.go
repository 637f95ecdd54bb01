package ios

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// analyticsDB builds a keychain analytics database (security framework's
// SFAnalytics layout) holding the given events as binary plists.
func analyticsDB(t *testing.T, withAllEvents bool, events map[string][]struct {
	ts   float64
	data map[string]any
}) []byte {
	stmts := []string{
		`CREATE TABLE hard_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB)`,
		`CREATE TABLE soft_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB)`,
		`CREATE TABLE success_count (event_type STRING PRIMARY KEY, success_count INTEGER, hard_failure_count INTEGER, soft_failure_count INTEGER)`,
	}
	if withAllEvents {
		stmts = append(stmts, `CREATE TABLE all_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB)`)
	}
	for table, evs := range events {
		for _, e := range evs {
			blob := "NULL"
			if e.data != nil {
				blob = "X'" + hex.EncodeToString(plistC1(t, e.data, plist.BinaryFormat)) + "'"
			}
			stmts = append(stmts, "INSERT INTO "+table+"(timestamp, data) VALUES ("+formatFloatPy(e.ts)+", "+blob+")")
		}
	}
	return sqliteBytes(t, stmts...)
}

type analyticsRow = struct {
	ts   float64
	data map[string]any
}

func analyticsDump(t *testing.T) *module.Input {
	src := dumpA(t, map[string][]byte{
		"private/var/Keychains/Analytics/trust_analytics.db": analyticsDB(t, true, map[string][]analyticsRow{
			"hard_failures": {{650000000, map[string]any{"build": "19A404", "eventType": "TrustFailure", "process": "Launch"}}},
			"soft_failures": {{640000000, map[string]any{"build": "18G82", "eventType": "OCSPFailure", "url": "https://ocsp.example.org/check"}}},
			"all_events":    {{660000000, map[string]any{"build": "19A404", "eventType": "Success", "count": int64(3)}}},
		}),
		// An older database without all_events.
		"private/var/Keychains/Analytics/ckks_analytics.db": analyticsDB(t, false, map[string][]analyticsRow{
			"hard_failures": {{630000000, map[string]any{"build": "18E199", "eventType": "CKKSSync"}}},
		}),
	})
	return &module.Input{FS: src.FS(), Source: src, IOCs: indexA(t)}
}

func TestAnalytics(t *testing.T) {
	in := analyticsDump(t)
	m := NewAnalytics()
	c := &module.Collector{}
	if err := m.Run(context.Background(), in, c); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Records {
		got = append(got, mustJSON(t, r))
	}
	want := []string{
		`{"build":"18E199","eventType":"CKKSSync","isodate":"2020-12-18 16:00:00.000000","artifact":"ckks_analytics.db"}`,
		`{"build":"18G82","eventType":"OCSPFailure","url":"https://ocsp.example.org/check","isodate":"2021-04-13 09:46:40.000000","artifact":"trust_analytics.db"}`,
		`{"build":"19A404","eventType":"TrustFailure","process":"Launch","isodate":"2021-08-07 03:33:20.000000","artifact":"trust_analytics.db"}`,
		`{"build":"19A404","count":3,"eventType":"Success","isodate":"2021-11-30 21:20:00.000000","artifact":"trust_analytics.db"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s", strings.Join(got, "\n"))
	}
	if len(c.Events) != 4 || c.Events[1] != (module.TimelineEvent{Timestamp: "2021-04-13 09:46:40.000000", Module: "Analytics",
		Event: "trust_analytics.db", Data: want[1]}) {
		t.Errorf("timeline %+v", c.Events)
	}
	var alerts []string
	for _, a := range c.Alerts {
		if a.Level != alert.Critical || a.Indicator == nil {
			t.Errorf("alert %+v", a)
			continue
		}
		alerts = append(alerts, a.Indicator.Type+" "+a.Indicator.Value+" @"+a.EventTime)
	}
	if strings.Join(alerts, "|") != "domains example.org @2021-04-13 09:46:40.000000|processes Launch @2021-08-07 03:33:20.000000" {
		t.Errorf("alerts %v", alerts)
	}
	var rc module.Collector
	if err := m.Recheck(context.Background(), in.IOCs, []byte(want[2]), &rc); err != nil || len(rc.Alerts) != 1 {
		t.Errorf("recheck: %v %+v", err, rc.Alerts)
	}
}

// TestAnalyticsIOSVersions: each build is dated by its earliest event.
func TestAnalyticsIOSVersions(t *testing.T) {
	c := &module.Collector{}
	if err := NewAnalyticsIOSVersions().Run(context.Background(), analyticsDump(t), c); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Records {
		got = append(got, mustJSON(t, r))
	}
	want := []string{
		`{"isodate":"2020-12-18 16:00:00.000000","build":"18E199","version":null}`,
		`{"isodate":"2021-04-13 09:46:40.000000","build":"18G82","version":null}`,
		`{"isodate":"2021-08-07 03:33:20.000000","build":"19A404","version":null}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s", strings.Join(got, "\n"))
	}
	if len(c.Events) != 3 || c.Events[2] != (module.TimelineEvent{Timestamp: "2021-08-07 03:33:20.000000", Module: "AnalyticsIOSVersions",
		Event: "ios_version", Data: "Seen iOS build 19A404"}) || len(c.Alerts) != 0 {
		t.Errorf("timeline %+v alerts %+v", c.Events, c.Alerts)
	}
}

func TestAnalyticsErrors(t *testing.T) {
	for _, m := range []module.Module{NewAnalytics(), NewAnalyticsIOSVersions()} {
		if _, err := runA(t, m, dumpA(t, map[string][]byte{"x": nil}), nil); !isNoData(err) || !strings.Contains(err.Error(), "Keychains/Analytics") {
			t.Errorf("%s absent: %v", m.Describe().Slug, err)
		}
	}
	// A corrupt plist blob is skipped; the event keeps its date. A database
	// of another layout is an error naming its tables.
	src := dumpA(t, map[string][]byte{
		"private/var/Keychains/Analytics/a.db": sqliteBytes(t,
			`CREATE TABLE hard_failures (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB)`,
			`CREATE TABLE soft_failures (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB)`,
			`INSERT INTO hard_failures(timestamp, data) VALUES (650000000, X'62706C6973743030FFFF')`),
		"private/var/Keychains/Analytics/b.db": sqliteBytes(t, `CREATE TABLE events(x)`),
	})
	c, err := runA(t, NewAnalytics(), src, nil)
	if err == nil || !strings.Contains(err.Error(), "b.db") || !strings.Contains(err.Error(), "events") {
		t.Errorf("err = %v", err)
	}
	if len(c.Records) != 1 || mustJSON(t, c.Records[0]) != `{"isodate":"2021-08-07 03:33:20.000000","artifact":"a.db"}` {
		t.Errorf("records %s", mustJSON(t, c.Records))
	}
}
