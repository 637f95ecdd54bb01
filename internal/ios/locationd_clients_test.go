package ios

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

const locationdRel = "Library/Caches/locationd/clients.plist"

// locationdClientsC1 is a clients.plist: an app (bundle id key), a system
// daemon keyed by its path (named like the test indicator "Launch"), an app
// whose executable is the test file-name indicator /var/foobar/txt, an app
// known by bundle id only, and a migration counter (skipped).
func locationdClientsC1(t testing.TB) []byte {
	return plistC1(t, map[string]any{
		"com.apple.Maps:": map[string]any{
			"BundleId": "com.apple.Maps", "BundlePath": "/Applications/Maps.app", "Authorization": 2,
			"LocationTimeStopped": 640000000.5, "ConsumptionPeriodBegin": 639000000.0,
			"ClientStorageToken": []byte{1, 2, 3, 250}, "Registered": true,
		},
		"/usr/libexec/Launch:": map[string]any{
			"Executable": "/usr/libexec/Launch", "SignificantTimeStopped": 640000200.0, "Whitelisted": false,
		},
		"com.example.tracker:": map[string]any{
			"BundleId": "com.example.tracker", "Executable": "/var/foobar/txt", "Registered": "/var/containers/Bundle/Application/X/Tracker.app",
			"BeaconRegionTimeStopped": 640000300.0,
		},
		"com.example.stalker:": map[string]any{"BundleId": "com.example.stalker", "Authorization": 4},
		"MigrationVersion":     7,
	}, plist.BinaryFormat)
}

func TestLocationdClients(t *testing.T) {
	if _, err := runA(t, NewLocationdClients(), fixtureBackupA(t), nil); !isNoData(err) || !strings.Contains(err.Error(), "clients.plist") {
		t.Fatalf("fixture: err = %v", err)
	}
	bk := backupC1(t, backupFileC1{"RootDomain", locationdRel, locationdClientsC1(t)})
	c := mustRunC1(t, NewLocationdClients(), bk, nil)
	// Binary plists store keys sorted, so this is also the file order.
	want := []string{
		`{"Executable":"/usr/libexec/Launch","SignificantTimeStopped":"2021-04-13 09:50:00.000000","Whitelisted":false,"package":"/usr/libexec/Launch"}`,
		`{"Authorization":2,"BundleId":"com.apple.Maps","BundlePath":"/Applications/Maps.app","ClientStorageToken":"AQID+g==","ConsumptionPeriodBegin":"2021-04-01 20:00:00.000000","LocationTimeStopped":"2021-04-13 09:46:40.500000","Registered":true,"package":"com.apple.Maps"}`,
		`{"Authorization":4,"BundleId":"com.example.stalker","package":"com.example.stalker"}`,
		`{"BeaconRegionTimeStopped":"2021-04-13 09:51:40.000000","BundleId":"com.example.tracker","Executable":"/var/foobar/txt","Registered":"/var/containers/Bundle/Application/X/Tracker.app","package":"com.example.tracker"}`,
	}
	if diff := cmp.Diff(want, recordsJSONC1(t, c)); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	var evs []string
	for _, e := range c.Events {
		evs = append(evs, e.Timestamp+" "+e.Module+" "+e.Event+" "+e.Data)
	}
	wantEvs := []string{
		"2021-04-13 09:50:00.000000 LocationdClients SignificantTimeStopped SignificantTimeStopped from /usr/libexec/Launch",
		"2021-04-01 20:00:00.000000 LocationdClients ConsumptionPeriodBegin ConsumptionPeriodBegin from com.apple.Maps",
		"2021-04-13 09:46:40.500000 LocationdClients LocationTimeStopped LocationTimeStopped from com.apple.Maps",
		"2021-04-13 09:51:40.000000 LocationdClients BeaconRegionTimeStopped BeaconRegionTimeStopped from com.example.tracker",
	}
	if diff := cmp.Diff(wantEvs, evs); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
	if len(c.Alerts) != 0 {
		t.Errorf("alerts without indicators: %v", messagesC1(c))
	}

	// MVT's indicators: process "Launch" (the key's last component) and
	// file name "/var/foobar/txt" (an executable); plus an app id.
	idx := indexA(t, "[app:id = 'com.example.stalker']")
	c = mustRunC1(t, NewLocationdClients(), bk, idx)
	wantAlerts := []string{
		"HIGH Found a suspicious process name in LocationD entry /usr/libexec/Launch",
		"HIGH Found a suspicious app id in LocationD entry com.example.stalker",
		"HIGH Found a suspicious file path in LocationD entry /var/foobar/txt",
	}
	if diff := cmp.Diff(wantAlerts, messagesC1(c)); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	types := []string{}
	for _, a := range c.AlertsAt(alert.High) {
		if a.Indicator == nil {
			t.Fatalf("alert without indicator: %+v", a)
		}
		types = append(types, a.Indicator.Type)
	}
	if diff := cmp.Diff([]string{"processes", "app_ids", "file_names"}, types); diff != "" {
		t.Errorf("indicator types (-want +got):\n%s", diff)
	}
	if c.Alerts[0].EventTime != "2021-04-13 09:50:00.000000" {
		t.Errorf("event time = %q, want the client's latest location time", c.Alerts[0].EventTime)
	}
	if diff := cmp.Diff(wantAlerts, recheckC1(t, NewLocationdClients(), c, idx)); diff != "" {
		t.Errorf("recheck (-want +got):\n%s", diff)
	}

	// A bundle id matching a process indicator (MVT checks it so), on a
	// client keyed by its bundle path.
	widget := backupC1(t, backupFileC1{"RootDomain", locationdRel, plistC1(t, map[string]any{
		"/Applications/Tracker.app/PlugIns/Widget.appex:": map[string]any{"BundleId": "com.example.widget"}}, plist.XMLFormat)})
	c = mustRunC1(t, NewLocationdClients(), widget, indexA(t, "[process:name = 'com.example.widget']"))
	if got := messagesC1(c); len(got) != 1 || got[0] != "HIGH Found a suspicious process name in LocationD entry /Applications/Tracker.app/PlugIns/Widget.appex" {
		t.Errorf("bundle id as process: %v", got)
	}

	// A filesystem dump: both homes of the list are read.
	d := dumpA(t, map[string][]byte{
		"private/var/mobile/Library/Caches/locationd/clients.plist": locationdClientsC1(t),
		"private/var/root/Library/Caches/locationd/clients.plist":   plistC1(t, map[string]any{"x:": map[string]any{"BundleId": "x"}}, plist.XMLFormat),
	})
	if c := mustRunC1(t, NewLocationdClients(), d, nil); len(c.Records) != 5 {
		t.Errorf("dump: R=%d, want 5", len(c.Records))
	}
	bad := backupC1(t, backupFileC1{"RootDomain", locationdRel, []byte("bplist00\x00\x01")})
	if _, err := runA(t, NewLocationdClients(), bad, nil); err == nil || isNoData(err) || !strings.Contains(err.Error(), "clients.plist") {
		t.Errorf("corrupt: err = %v", err)
	}
}

func FuzzParseLocationdClients(f *testing.F) {
	f.Add(locationdClientsC1(f))
	f.Add(plistC1(f, map[string]any{"a:": map[string]any{"LocationTimeStopped": "x", "ClientStorageToken": 1}}, plist.XMLFormat))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := parseLocationdClients(b)
		if err != nil {
			return
		}
		for _, r := range recs {
			discardC1{}.Record(r)
			locationdCheck(nil, r, locationdFields(r), discardC1{})
		}
	})
}
