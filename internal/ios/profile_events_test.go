package ios

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

const profileEventsRel = "Library/ConfigurationProfiles/MCProfileEvents.plist"

// profileEventsC1 is an MCProfileEvents.plist: an MDM install by
// profiled, then a removal by a process named like the test indicator
// "Launch", with an extra key (written lower-cased).
func profileEventsC1(t testing.TB, format int) []byte {
	return plistC1(t, map[string]any{"ProfileEvents": []any{
		map[string]any{"com.example.mdm": map[string]any{
			"timestamp": time.Date(2021, 3, 4, 5, 6, 7, 250000000, time.UTC),
			"operation": "install",
			"process":   "/System/Library/PrivateFrameworks/ManagedConfiguration.framework/Support/profiled",
		}},
		map[string]any{"com.example.quiet": map[string]any{
			"timestamp": time.Date(2021, 3, 5, 0, 0, 0, 0, time.UTC),
			"operation": "remove",
			"process":   "Launch",
			"Source":    "UI",
		}},
		"not a dict",
	}}, format)
}

func TestProfileEvents(t *testing.T) {
	if _, err := runA(t, NewProfileEvents(), fixtureBackupA(t), nil); !isNoData(err) || !strings.Contains(err.Error(), "MCProfileEvents.plist") {
		t.Fatalf("fixture: err = %v, want no data naming MCProfileEvents.plist", err)
	}
	bk := backupC1(t, backupFileC1{configProfilesDomain, profileEventsRel, profileEventsC1(t, plist.BinaryFormat)})
	c := mustRunC1(t, NewProfileEvents(), bk, nil)
	wantRecs := []string{
		`{"profile_id":"com.example.mdm","timestamp":"2021-03-04 05:06:07.250000","operation":"install","process":"/System/Library/PrivateFrameworks/ManagedConfiguration.framework/Support/profiled"}`,
		`{"profile_id":"com.example.quiet","timestamp":"2021-03-05 00:00:00.000000","operation":"remove","process":"Launch","source":"UI"}`,
	}
	if diff := cmp.Diff(wantRecs, recordsJSONC1(t, c)); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	if len(c.Events) != 2 || c.Events[1].Timestamp != "2021-03-05 00:00:00.000000" || c.Events[1].Module != "ProfileEvents" ||
		c.Events[1].Event != "profile_operation" || c.Events[1].Data != "Process Launch started operation remove of profile com.example.quiet" {
		t.Errorf("timeline = %+v", c.Events)
	}
	lows := []string{
		`LOW On 2021-03-04 05:06:07.250000 process "/System/Library/PrivateFrameworks/ManagedConfiguration.framework/Support/profiled" started operation "install" of profile "com.example.mdm"`,
		`LOW On 2021-03-05 00:00:00.000000 process "Launch" started operation "remove" of profile "com.example.quiet"`,
	}
	if diff := cmp.Diff(lows, messagesC1(c)); diff != "" {
		t.Errorf("alerts without indicators (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		name  string
		extra []string
		want  []string
	}{
		// MVT's test indicators hold the process "Launch".
		{"process", nil, []string{lows[0],
			`CRITICAL Found a known suspicious process name Launch matching indicator "Launch" from "TestMalware"`, lows[1]}},
		{"profile id", []string{"[configuration-profile:id = 'com.example.mdm']"}, []string{
			`CRITICAL Found a known suspicious configuration profile com.example.mdm matching indicator "com.example.mdm" from "TestMalware"`,
			lows[0], lows[1],
			`CRITICAL Found a known suspicious process name Launch matching indicator "Launch" from "TestMalware"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := indexA(t, tc.extra...)
			c := mustRunC1(t, NewProfileEvents(), bk, idx)
			got := messagesC1(c)
			if diff := cmp.Diff(sortedCopy(tc.want), sortedCopy(got)); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			for _, a := range c.AlertsAt(alert.Critical) {
				if a.Indicator == nil || a.EventTime == "" {
					t.Errorf("critical alert = %+v", a)
				}
			}
			if diff := cmp.Diff(sortedCopy(tc.want), sortedCopy(recheckC1(t, NewProfileEvents(), c, idx))); diff != "" {
				t.Errorf("recheck (-want +got):\n%s", diff)
			}
		})
	}

	// Found by relative path in any domain, and XML reads the same (XML
	// plist dates hold whole seconds).
	bk = backupC1(t, backupFileC1{"HomeDomain", profileEventsRel, profileEventsC1(t, plist.XMLFormat)})
	wantXML := []string{strings.Replace(wantRecs[0], "07.250000", "07.000000", 1), wantRecs[1]}
	if c := mustRunC1(t, NewProfileEvents(), bk, nil); cmp.Diff(wantXML, recordsJSONC1(t, c)) != "" {
		t.Errorf("XML in HomeDomain: %v", recordsJSONC1(t, c))
	}
	// A plist without the list: no data, saying what it holds.
	bk = backupC1(t, backupFileC1{configProfilesDomain, profileEventsRel, plistC1(t, map[string]any{"Version": 1}, plist.XMLFormat)})
	if _, err := runA(t, NewProfileEvents(), bk, nil); !isNoData(err) || !strings.Contains(err.Error(), "ProfileEvents") {
		t.Errorf("no list: err = %v", err)
	}
	bk = backupC1(t, backupFileC1{configProfilesDomain, profileEventsRel, []byte("bplist00garbage")})
	if _, err := runA(t, NewProfileEvents(), bk, nil); err == nil || isNoData(err) || !strings.Contains(err.Error(), "MCProfileEvents.plist") {
		t.Errorf("corrupt: err = %v", err)
	}
}

func sortedCopy(ss []string) []string {
	out := append([]string(nil), ss...)
	sort.Strings(out)
	return out
}

func FuzzParseProfileEvents(f *testing.F) {
	f.Add(profileEventsC1(f, plist.BinaryFormat))
	f.Add(profileEventsC1(f, plist.XMLFormat))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := parseProfileEvents(b)
		if err != nil {
			return
		}
		for _, r := range recs {
			discardC1{}.Record(r)
			profileEventCheck(nil, r, profileEventFields(r), discardC1{})
		}
	})
}
