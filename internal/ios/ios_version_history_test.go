package ios

import (
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// journal returns an analyticsd journal: a JSON header line, then events.
func journal(ts, version string) []byte {
	return []byte(`{"timestamp":"` + ts + `","os_version":"` + version + `","roots_installed":0,"incident_id":"6B1A5B5E-0C5E-4C36-9B9A-2D2A6E1F4C11"}
{"message":{"Count":1},"name":"com.apple.springboard.launch"}
`)
}

func TestIOSVersionHistory(t *testing.T) {
	src := dumpA(t, map[string][]byte{
		"private/var/db/analyticsd/Analytics-Journal-2021-10-20-103740.ips": journal("2021-10-20 10:37:40.00 +0200", "iPhone OS 15.0.2 (19A404)"),
		"private/var/db/analyticsd/Analytics-Journal-2021-09-01-080000.ips": journal("2021-09-01 08:00:00.52 -0700", "iPhone OS 14.7.1 (18G82)"),
		"private/var/db/analyticsd/Analytics-Journal-2021-11-01-000000.ips": []byte("not json\n"),
		"private/var/db/analyticsd/Analytics-2021-11-01.ips":                journal("2021-11-01 00:00:00.00 +0000", "ignored"),
	})
	c, err := runA(t, NewIOSVersionHistory(), src, nil)
	if err == nil || !strings.Contains(err.Error(), "Analytics-Journal-2021-11-01-000000.ips") {
		t.Errorf("err = %v, want the broken journal named", err)
	}
	var got []string
	for _, r := range c.Records {
		got = append(got, mustJSON(t, r))
	}
	want := []string{
		`{"isodate":"2021-09-01 15:00:00.520000","os_version":"iPhone OS 14.7.1 (18G82)"}`,
		`{"isodate":"2021-10-20 08:37:40.000000","os_version":"iPhone OS 15.0.2 (19A404)"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s", strings.Join(got, "\n"))
	}
	wantEv := module.TimelineEvent{Timestamp: "2021-10-20 08:37:40.000000", Module: "IOSVersionHistory", Event: "ios_version",
		Data: "Recorded iOS version iPhone OS 15.0.2 (19A404)"}
	if len(c.Events) != 2 || c.Events[1] != wantEv || len(c.Alerts) != 0 {
		t.Errorf("timeline %+v alerts %+v", c.Events, c.Alerts)
	}
	if _, err := runA(t, NewIOSVersionHistory(), dumpA(t, map[string][]byte{"x": nil}), nil); !isNoData(err) || !strings.Contains(err.Error(), "Analytics-Journal") {
		t.Errorf("absent: %v", err)
	}
}

func FuzzJournalHeader(f *testing.F) {
	f.Add(string(journal("2021-10-20 10:37:40.00 +0200", "iPhone OS 15.0.2 (19A404)")))
	f.Add(`{"timestamp":"9999-12-31 23:59:59.999999999 -2359","os_version":1}`)
	f.Add(`{"timestamp":"0000-01-01 00:00:00 +2359"}` + "\n")
	f.Fuzz(func(t *testing.T, s string) {
		rec, err := parseJournalHeader(strings.NewReader(s))
		if err == nil && len(rec.Isodate) != len("2006-01-02 15:04:05.000000") && rec.Isodate != "" {
			t.Fatalf("isodate %q", rec.Isodate)
		}
		mustMarshalC1(rec)
	})
}
