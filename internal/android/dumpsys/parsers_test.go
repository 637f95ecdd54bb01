package dumpsys

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseAccessibility(t *testing.T) {
	tests := []struct {
		file     string
		n        int
		pkg, svc string
		lastPkg  string
	}{
		{"dumpsys_accessibility.txt", 4, "com.android.settings",
			"com.android.settings/com.samsung.android.settings.development.gpuwatch.GPUWatchInterceptor",
			"com.sec.android.app.camera"},
		{"dumpsys_accessibility_v14_or_later.txt", 1, "com.malware.accessibility",
			"com.malware.service.malwareservice", "com.malware.accessibility"},
	}
	for _, tc := range tests {
		got, err := ParseAccessibility(fixture(t, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.n || got[0].PackageName != tc.pkg || got[0].Service != tc.svc || got[len(got)-1].PackageName != tc.lastPkg {
			t.Errorf("%s: %+v", tc.file, got)
		}
	}
	multi := LinesOf("     Enabled services:{{a.b/a.b.S1}, {c.d/.S2}}\n")
	got, _ := ParseAccessibility(multi)
	if len(got) != 2 || got[1].PackageName != "c.d" || got[1].Service != ".S2" {
		t.Errorf("two enabled services: %+v", got)
	}
}

func TestParseActivities(t *testing.T) {
	got, err := ParseActivities(fixture(t, "dumpsys_packages.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].PackageName != "com.samsung.android.app.social" ||
		got[0].Activity != "com.samsung.android.app.social/.feed.FeedsActivity" ||
		got[0].Intent != "com.samsung.android.intent.SOCIAL_UPDATES_FEED_VIEW" {
		t.Errorf("%+v", got)
	}
}

func TestParseReceivers(t *testing.T) {
	got, err := ParseReceivers(fixture(t, "dumpsys_packages.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].Intent != "com.android.storagemanager.automatic.SHOW_NOTIFICATION" ||
		got[0].Receivers[0].PackageName != "com.android.storagemanager" {
		t.Errorf("%+v", got)
	}
	b, _ := json.Marshal(got)
	if want := `{"com.android.storagemanager.automatic.SHOW_NOTIFICATION":[`; string(b[:len(want)]) != want {
		t.Errorf("json order: %s", b)
	}
	// Actions indented by 4 or 7 spaces instead of 6 still parse.
	mis := "Receiver Resolver Table:\n  Non-Data Actions:\n    a.B:\n        1f x.y/.R\n       c.D:\n         2e z.w/.Q (2 filters)\n\n"
	got, _ = ParseReceivers(LinesOf(mis))
	if len(got) != 2 || got[1].Intent != "c.D" || got[1].Receivers[0].Receiver != "z.w/.Q" {
		t.Errorf("mis-indented: %+v", got)
	}
}

func TestParseAppops(t *testing.T) {
	got, err := ParseAppops(fixture(t, "dumpsys_appops.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 13 {
		t.Fatalf("R=%d want 13", len(got))
	}
	p0 := got[0]
	if p0.PackageName != "com.android.phone" || p0.UID != "0" || len(p0.Permissions) != 1 ||
		p0.Permissions[0].Name != "MANAGE_IPSEC_TUNNELS" || p0.Permissions[0].Access != "allow" {
		t.Errorf("[0] %+v", p0)
	}
	if got[6].PackageName != "com.sec.factory.camera" || len(got[6].Permissions[1].Entries) != 1 {
		t.Errorf("[6] %+v", got[6])
	}
	e := got[6].Permissions[1].Entries[0]
	if e.Access != "Access" || e.Type != "pers-s" || e.Timestamp != "2022-03-29 18:37:30.315000" {
		t.Errorf("entry %+v", e)
	}
	if len(got[11].Permissions) != 4 {
		t.Errorf("[11] has %d permissions", len(got[11].Permissions))
	}
}

func TestParseBatteryDaily(t *testing.T) {
	got, err := ParseBatteryDaily(fixture(t, "dumpsys_battery.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].PackageName != "com.facebook.services" || got[0].Occurrences != 6 ||
		got[0].PeriodStart != "2022-08-16 15:56:39" || got[0].Action != "update" {
		t.Errorf("%+v", got)
	}
	tests := []struct {
		name    string
		text    string
		actions []string
	}{
		{"uninstall then downgrade",
			"  Daily from 2022-08-16-00-00-00 to 2022-08-17-00-00-00:\n    Update a vers=0\n    Update b vers=5\n" +
				"  Daily from 2022-08-17-00-00-00 to 2022-08-18-00-00-00:\n    Update b vers=3\n",
			[]string{"uninstall", "update", "downgrade"}},
		{"newest first update",
			"  Daily from 2022-08-17-00-00-00 to 2022-08-18-00-00-00:\n    Update b vers=5\n" +
				"  Daily from 2022-08-16-00-00-00 to 2022-08-17-00-00-00:\n    Update b vers=3\n",
			[]string{"update", "update"}},
		{"newest first downgrade",
			"  Daily from 2022-08-17-00-00-00 to 2022-08-18-00-00-00:\n    Update b vers=3\n" +
				"  Daily from 2022-08-16-00-00-00 to 2022-08-17-00-00-00:\n    Update b vers=5\n",
			[]string{"downgrade", "update"}},
		{"reinstall after uninstall",
			"  Daily from 2022-08-16-00-00-00 to 2022-08-17-00-00-00:\n    Update b vers=5\n" +
				"  Daily from 2022-08-17-00-00-00 to 2022-08-18-00-00-00:\n    Update b vers=0\n" +
				"  Daily from 2022-08-18-00-00-00 to 2022-08-19-00-00-00:\n    Update b vers=2\n",
			[]string{"update", "uninstall", "update"}},
		{"bad lines are skipped",
			"  Daily from 2022-08-16-00-00-00 to 2022-08-17-00-00-00:\n    Update\n    Update b\n    Update c vers=x\n",
			[]string{"update"}},
	}
	for _, tc := range tests {
		got, _ := ParseBatteryDaily(LinesOf(tc.text))
		var acts []string
		for _, r := range got {
			acts = append(acts, r.Action)
		}
		if len(acts) != len(tc.actions) {
			t.Errorf("%s: %v", tc.name, acts)
			continue
		}
		for i := range acts {
			if acts[i] != tc.actions[i] {
				t.Errorf("%s: %v want %v", tc.name, acts, tc.actions)
				break
			}
		}
	}
}

func TestParseBatteryHistory(t *testing.T) {
	got, err := ParseBatteryHistory(fixture(t, "dumpsys_battery.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ event, uid, pkg string }{
		{"start_job", "u0a94", "com.samsung.android.app.reminder"},
		{"end_job", "u0a94", "com.samsung.android.app.reminder"},
		{"start_top", "u0a280", "com.whatsapp"},
		{"end_top", "u0a280", "com.whatsapp"},
		{"start_top", "u0a44", "com.sec.android.app.launcher"},
	}
	if len(got) != len(want) {
		t.Fatalf("R=%d %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].Event != w.event || got[i].UID != w.uid || got[i].PackageName != w.pkg {
			t.Errorf("[%d] %+v want %+v", i, got[i], w)
		}
	}
	abs, _ := ParseBatteryHistory(LinesOf("Battery History (1%):\n  08-17 01:15:45.123 (2) 100 +top=u0a1:\"x.y\"\n"))
	if len(abs) != 1 || abs[0].TimeElapsed != "08-17 01:15:45.123" {
		t.Errorf("absolute time: %+v", abs)
	}
}

func TestParseDBInfo(t *testing.T) {
	got, err := ParseDBInfo(fixture(t, "dumpsys_dbinfo.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[0].Action != "executeForCursorWindow" || got[0].SQL != "PRAGMA database_list;" ||
		got[0].Path != "/data/user/0/com.wssyncmldm/databases/idmsdk.db" || got[0].ISODate != "2023-07-27 12:21:44.097" || got[3].PID != "8817" {
		t.Errorf("%+v", got)
	}
	md := "Connection pool for /data/x.db:\n      Most recently executed operations:\n        0: [07-27 12:21:44.097] executeForLong took 0ms - succeeded, sql=\"PRAGMA page_size;\"\n"
	got, _ = ParseDBInfo(LinesOf(md))
	if len(got) != 1 || got[0].ISODate != "07-27 12:21:44.097" || got[0].Action != "executeForLong" {
		t.Errorf("month-day: %+v", got)
	}
}

func TestParsePackages(t *testing.T) {
	got, err := ParsePackages(fixture(t, "dumpsys_packages.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("R=%d", len(got))
	}
	p := got[0]
	if p.PackageName != "com.samsung.android.provider.filterprovider" || p.VersionName != "5.0.07" ||
		p.FirstInstall != "2008-12-31 16:00:00" || !p.System || p.UID != "1000" || p.VersionCode != "500700000" ||
		len(p.Permissions) != 4 || p.Installer != "" {
		t.Errorf("[0] %+v", p)
	}
	if got[1].PackageName != "com.sec.android.app.DataCreate" || len(got[1].RequestedPermissions) != 11 {
		t.Errorf("[1] %+v", got[1])
	}
	tests := []struct {
		name, text string
		system     bool
		first      string
		runtime    int
	}{
		{"system in pkgFlags", "    pkgFlags=[ SYSTEM HAS_CODE ]\n", true, "", 0},
		{"updated system app is not SYSTEM token", "    flags=[ UPDATED_SYSTEM_APP HAS_CODE ]\n", false, "", 0},
		{"no flags", "    flags=[ HAS_CODE ]\n", false, "", 0},
		{"user 0 wins", "    User 10: installed=true\n      firstInstallTime=2020-01-01 00:00:00\n      runtime permissions:\n        a: granted=true\n" +
			"    User 0: installed=true\n      firstInstallTime=2021-01-01 00:00:00\n      runtime permissions:\n        b: granted=true\n        c: granted=false\n",
			false, "2021-01-01 00:00:00", 2},
		{"first user otherwise", "    User 10: installed=true\n      firstInstallTime=2020-01-01 00:00:00\n" +
			"    User 11: installed=true\n      firstInstallTime=2021-01-01 00:00:00\n", false, "2020-01-01 00:00:00", 0},
	}
	for _, tc := range tests {
		got, _ := ParsePackages(LinesOf("Packages:\n  Package [x.y] (1):\n" + tc.text))
		if len(got) != 1 || got[0].System != tc.system || got[0].FirstInstall != tc.first || len(got[0].Permissions) != tc.runtime {
			t.Errorf("%s: %+v", tc.name, got)
		}
	}
}

func TestParsePlatformCompat(t *testing.T) {
	got, err := ParsePlatformCompat(fixture(t, "dumpsys_platform_compat.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].PackageName != "org.torproject.torbrowser" || got[1].PackageName != "org.article19.circulo.next" {
		t.Errorf("%+v", got)
	}
}

func TestParseADB(t *testing.T) {
	tests := []struct {
		file, user, fp string
		keystore       int
		wifi           bool
	}{
		{"dumpsys_adb.txt", "user@linux", "F0:A1:3D:8C:B3:F4:7B:09:9F:EE:8B:D8:38:2E:BD:C6", 0, false},
		{"dumpsys_adb_wifi.txt", "user@linux", "F0:A1:3D:8C:B3:F4:7B:09:9F:EE:8B:D8:38:2E:BD:C6", 0, true},
		{"dumpsys_adb_xml.txt", "user@laptop", "F0:0B:27:08:E3:68:7B:FA:4C:79:A2:B4:BF:0E:CF:70", 1, false},
	}
	for _, tc := range tests {
		st, err := ParseADB(fixture(t, tc.file))
		if err != nil || st == nil {
			t.Fatalf("%s: %v %v", tc.file, st, err)
		}
		if len(st.UserKeys) != 1 || st.UserKeys[0].User != tc.user || st.UserKeys[0].Fingerprint != tc.fp {
			t.Errorf("%s: user keys %+v", tc.file, st.UserKeys)
		}
		if len(st.Keystore) != tc.keystore || (st.ADBWifi != nil) != tc.wifi {
			t.Errorf("%s: keystore %+v wifi %v", tc.file, st.Keystore, st.ADBWifi)
		}
		if tc.wifi && st.ADBWifi["enabled"] != "false" {
			t.Errorf("%s: adb_wifi %v", tc.file, st.ADBWifi)
		}
	}
	st, _ := ParseADB(fixture(t, "dumpsys_adb_xml.txt"))
	if k := st.Keystore[0]; k.Fingerprint != "F0:0B:27:08:E3:68:7B:FA:4C:79:A2:B4:BF:0E:CF:70" || k.LastConnected == nil || *k.LastConnected != 1628501829898 {
		t.Errorf("xml keystore %+v", k)
	}
	if st, _ := ParseADB(LinesOf("Can't find service: adb\n")); st != nil {
		t.Errorf("missing service gave %+v", st)
	}
}

// The acquisition fixture's dumpsys.txt (a Samsung phone) repeats the
// "installed services: {" line; it must not become a service named "{".
func TestAccessibilityRepeatedBlockHeader(t *testing.T) {
	in := "  installed services: {\n  installed services: {\n    0 : com.a/.S\n    1 : com.b/.T\n  }\n"
	got, err := ParseAccessibility(NewLines(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].PackageName != "com.a" || got[1].Service != "com.b/.T" {
		t.Errorf("got %+v", got)
	}
}
