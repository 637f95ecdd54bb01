package ios

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"howett.net/plist"
)

// newsMetadataXML is an iTunesMetadata.plist as the App Store writes it
// (XML, keys not in sorted order, a nested downloadInfo with the purchase
// date, a <date> and an <integer>).
const newsMetadataXML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>itemName</key><string>News</string>
	<key>artistName</key><string>Example Inc.</string>
	<key>softwareVersionBundleId</key><string>com.example.news</string>
	<key>bundleShortVersionString</key><string>2.1</string>
	<key>sourceApp</key><string>com.apple.AppStore</string>
	<key>com.apple.iTunesStore.downloadInfo</key>
	<dict>
		<key>accountInfo</key><dict><key>AppleID</key><string>owner@example.test</string></dict>
		<key>purchaseDate</key><string>2023-05-01T10:20:30Z</string>
	</dict>
	<key>releaseDate</key><date>2020-01-02T03:04:05Z</date>
	<key>itemId</key><integer>12345</integer>
</dict>
</plist>`

// appMetadata is a binary iTunesMetadata plist.
func appMetadata(t testing.TB, bundleID, source string) []byte {
	t.Helper()
	m := map[string]any{"itemName": bundleID, "artistName": "Someone", "bundleShortVersionString": "1.0",
		"softwareVersionBundleId": bundleID, "sourceApp": source,
		"com.apple.iTunesStore.downloadInfo": map[string]any{"purchaseDate": "2024-02-03T04:05:06Z"}}
	b, err := plist.Marshal(m, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// applicationsInfo is a backup Info.plist whose Applications dictionary
// holds five apps: an ordinary one, one whose bundle id is an app-id
// indicator, one whose bundle id is a process indicator, one with no store
// metadata (sideloaded) and one from an alternative marketplace.
func applicationsInfo(t testing.TB) map[string]any {
	return map[string]any{
		"Product Version": "17.5",
		"Applications": map[string]any{
			"com.example.news":    map[string]any{"iTunesMetadata": []byte(newsMetadataXML), "PlaceholderIcon": []byte("icon"), "ApplicationSINF": []byte{1, 2}},
			"com.evil.spy":        map[string]any{"iTunesMetadata": appMetadata(t, "com.evil.spy", "com.apple.AppStore")},
			"com.proc.match":      map[string]any{"iTunesMetadata": appMetadata(t, "com.proc.match", "com.apple.dmd")},
			"com.sideloaded.tool": map[string]any{"PlaceholderIcon": []byte("icon")},
			"org.altstore.app":    map[string]any{"iTunesMetadata": appMetadata(t, "org.altstore.app", "com.altstore.AltStore")},
		},
	}
}

func TestApplicationsBackup(t *testing.T) {
	bk := backupC2(t, applicationsInfo(t))
	idx := indexA(t, "[app:id = 'com.evil.spy']", "[process:name = 'com.proc.match']")
	c := mustRunC2(t, NewApplications(), bk, idx)
	if len(c.Records) != 5 {
		t.Fatalf("R=%d, want 5", len(c.Records))
	}
	want := `{"name":"com.example.news","itemName":"News","artistName":"Example Inc.","softwareVersionBundleId":"com.example.news",` +
		`"bundleShortVersionString":"2.1","sourceApp":"com.apple.AppStore","com.apple.iTunesStore.downloadInfo":{"accountInfo":{"AppleID":"owner@example.test"},` +
		`"purchaseDate":"2023-05-01T10:20:30Z"},"releaseDate":"2020-01-02 03:04:05","itemId":12345,"isodate":"2023-05-01 10:20:30.000000",` +
		`"icon_sha256":"c2d4b446a44ce54fab8e01150e24dd24f3d850c7c14dcfe31f6321341dd86874"}`
	if got := mustJSON(t, c.Records[1]); got != want {
		t.Errorf("record 1:\n got %s\nwant %s", got, want)
	}
	if got := mustJSON(t, c.Records[3]); got != `{"name":"com.sideloaded.tool","icon_sha256":"c2d4b446a44ce54fab8e01150e24dd24f3d850c7c14dcfe31f6321341dd86874"}` {
		t.Errorf("sideloaded record: %s", got)
	}
	wantEvents := []string{
		"2024-02-03 04:05:06.000000|Applications|app_installed|App com.evil.spy version 1.0 from Someone installed from com.apple.AppStore",
		"2023-05-01 10:20:30.000000|Applications|app_installed|App com.example.news version 2.1 from Example Inc. installed from com.apple.AppStore",
		"2024-02-03 04:05:06.000000|Applications|app_installed|App com.proc.match version 1.0 from Someone installed from com.apple.dmd",
		"2024-02-03 04:05:06.000000|Applications|app_installed|App org.altstore.app version 1.0 from Someone installed from com.altstore.AltStore",
	}
	if d := cmp.Diff(wantEvents, eventsC2(c)); d != "" {
		t.Errorf("timeline (-want +got):\n%s", d)
	}
	wantAlerts := []string{
		"CRITICAL|Malicious application com.evil.spy identified|2024-02-03 04:05:06.000000|app_ids:com.evil.spy",
		"CRITICAL|Malicious application com.proc.match identified|2024-02-03 04:05:06.000000|processes:com.proc.match",
		"HIGH|Suspicious application identified without softwareVersionBundleId||ios.applications.no_bundle_id",
		"MEDIUM|Suspicious app not installed from the App Store or MDM: org.altstore.app|2024-02-03 04:05:06.000000|ios.applications.unusual_source",
	}
	if d := cmp.Diff(wantAlerts, alertsC2(t, c)); d != "" {
		t.Errorf("alerts (-want +got):\n%s", d)
	}
	if re := recheckC2(t, NewApplications(), c, idx); cmp.Diff(wantAlerts, alertsC2(t, re)) != "" {
		t.Errorf("recheck gives %v", alertsC2(t, re))
	}
	// Without indicators the heuristics still run (MVT runs the
	// no-bundle-id one only with indicators: see applicationCheck).
	c = mustRunC2(t, NewApplications(), bk, nil)
	if got := alertsC2(t, c); len(got) != 2 || !strings.HasPrefix(got[0], "HIGH") || !strings.HasPrefix(got[1], "MEDIUM") {
		t.Errorf("no IOCs: %v", got)
	}
	// The name a sideloaded app is filed under is checked too.
	c = mustRunC2(t, NewApplications(), bk, indexA(t, "[app:id = 'com.sideloaded.tool']"))
	if got := alertsC2(t, c); len(got) != 3 || got[0] != "CRITICAL|Malicious application com.sideloaded.tool identified||app_ids:com.sideloaded.tool" {
		t.Errorf("sideloaded name: %v", got)
	}
}

// A filesystem dump: one iTunesMetadata.plist per bundle container, each
// record with its file path.
func TestApplicationsDump(t *testing.T) {
	d := dumpA(t, map[string][]byte{
		"private/var/containers/Bundle/Application/1111/iTunesMetadata.plist": []byte(newsMetadataXML),
		"private/var/containers/Bundle/Application/2222/iTunesMetadata.plist": appMetadata(t, "org.altstore.app", "com.altstore.AltStore"),
	})
	c := mustRunC2(t, NewApplications(), d, indexA(t))
	if len(c.Records) != 2 || len(c.Events) != 2 {
		t.Fatalf("R=%d T=%d", len(c.Records), len(c.Events))
	}
	rec := recordJSON(t, c.Records[0])
	if rec["file_path"] != "private/var/containers/Bundle/Application/1111/iTunesMetadata.plist" || rec["name"] != nil ||
		rec["isodate"] != "2023-05-01 10:20:30.000000" {
		t.Errorf("record = %v", rec)
	}
	if !strings.HasSuffix(mustJSON(t, c.Records[0]), `"itemId":12345,"file_path":"private/var/containers/Bundle/Application/1111/iTunesMetadata.plist","isodate":"2023-05-01 10:20:30.000000"}`) {
		t.Errorf("key order: %s", mustJSON(t, c.Records[0]))
	}
	if c.Events[0].Data != "App News version 2.1 from Example Inc. installed from com.apple.AppStore" {
		t.Errorf("event = %q", c.Events[0].Data)
	}
	if got := alertsC2(t, c); len(got) != 1 || !strings.HasPrefix(got[0], "MEDIUM|Suspicious app not installed from the App Store or MDM: org.altstore.app") {
		t.Errorf("alerts = %v", got)
	}
	// A corrupt receipt fails the module, after the other apps are checked.
	bad := dumpA(t, map[string][]byte{
		"private/var/containers/Bundle/Application/1111/iTunesMetadata.plist": []byte("<plist><dict><key>a</key>"),
		"private/var/containers/Bundle/Application/2222/iTunesMetadata.plist": appMetadata(t, "org.altstore.app", "com.altstore.AltStore"),
	})
	c, err := runC2(t, NewApplications(), bad, nil)
	if err == nil || !strings.Contains(err.Error(), "Application/1111/iTunesMetadata.plist") || len(c.Records) != 1 || len(c.Alerts) != 1 {
		t.Errorf("corrupt: err = %v, R=%d A=%d", err, len(c.Records), len(c.Alerts))
	}
	if _, err := runC2(t, NewApplications(), dumpA(t, map[string][]byte{"x": nil}), nil); !isNoData(err) {
		t.Errorf("no apps in dump: err = %v", err)
	}
}

// MVT's fixture backup has no Applications key (EXPECTED.md: Info.plist
// "no Applications key"): no data, so no applications.json, as with MVT.
func TestApplicationsFixture(t *testing.T) {
	_, err := runC2(t, NewApplications(), fixtureBackupA(t), nil)
	if !isNoData(err) || !strings.Contains(err.Error(), "no Applications dictionary") {
		t.Errorf("err = %v", err)
	}
}

func FuzzBackupApplications(f *testing.F) {
	info, err := plist.Marshal(applicationsInfo(f), plist.BinaryFormat)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(info)
	f.Add([]byte(newsMetadataXML))
	f.Add(appMetadata(f, "a.b", "c"))
	f.Add(bplistBomb(5))
	log := slog.New(slog.DiscardHandler)
	f.Fuzz(func(t *testing.T, b []byte) {
		if recs, err := backupApplications(b, log); err == nil {
			for _, r := range recs {
				if _, err := json.Marshal(r); err != nil {
					t.Fatalf("record does not marshal: %v", err)
				}
			}
		}
		// The same bytes as one app's metadata.
		if r, err := appRecord("x", b); err == nil {
			if _, err := json.Marshal(r); err != nil {
				t.Fatalf("metadata record does not marshal: %v", err)
			}
		}
	})
}
