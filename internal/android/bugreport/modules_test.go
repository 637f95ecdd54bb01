package bugreport

import (
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// The dumpsys-section modules on the fixture section files, with MVT's
// expected counts (tests/android/test_artifact_dumpsys_*.py). The fixture
// files hold one section each, so they are served as a whole dumpsys text
// with a DUMP OF SERVICE header added where the file has none.
func TestSectionModules(t *testing.T) {
	tests := []struct {
		name    string
		m       module.Module
		file    string
		extra   []string // app ids added to the test indicators
		records int
		alerts  map[alert.Level]int
	}{
		{"accessibility old", Accessibility{}, "dumpsys_accessibility.txt", nil, 4, map[alert.Level]int{alert.Medium: 4}},
		{"accessibility old ioc", Accessibility{}, "dumpsys_accessibility.txt", []string{"com.sec.android.app.camera"}, 4, map[alert.Level]int{alert.Medium: 3, alert.Critical: 1}},
		{"accessibility v14", Accessibility{}, "dumpsys_accessibility_v14_or_later.txt", nil, 1, map[alert.Level]int{alert.Medium: 1}},
		{"activities", Activities{}, "dumpsys_packages.txt", nil, 4, map[alert.Level]int{}},
		{"activities ioc", Activities{}, "dumpsys_packages.txt", []string{"com.google.android.gms"}, 4, map[alert.Level]int{alert.Critical: 1}},
		{"appops", Appops{}, "dumpsys_appops.txt", nil, 13, map[alert.Level]int{alert.Medium: 2}},
		{"appops ioc", Appops{}, "dumpsys_appops.txt", []string{"com.facebook.katana"}, 13, map[alert.Level]int{alert.Critical: 1, alert.Medium: 2}},
		{"battery daily", BatteryDaily{}, "dumpsys_battery.txt", nil, 3, map[alert.Level]int{}},
		{"battery daily ioc", BatteryDaily{}, "dumpsys_battery.txt", []string{"com.facebook.system"}, 3, map[alert.Level]int{alert.Critical: 1}},
		{"battery history", BatteryHistory{}, "dumpsys_battery.txt", nil, 5, map[alert.Level]int{}},
		{"battery history ioc", BatteryHistory{}, "dumpsys_battery.txt", []string{"com.samsung.android.app.reminder"}, 5, map[alert.Level]int{alert.Critical: 2}},
		{"dbinfo", DBInfo{}, "dumpsys_dbinfo.txt", nil, 5, map[alert.Level]int{}},
		{"dbinfo ioc", DBInfo{}, "dumpsys_dbinfo.txt", []string{"com.wssyncmldm"}, 5, map[alert.Level]int{alert.Critical: 5}},
		{"packages", Packages{}, "dumpsys_packages.txt", nil, 2, map[alert.Level]int{}},
		{"packages ioc", Packages{}, "dumpsys_packages.txt", []string{"com.sec.android.app.DataCreate"}, 2, map[alert.Level]int{alert.Critical: 1}},
		{"platform compat ioc", PlatformCompat{}, "dumpsys_platform_compat.txt", []string{"org.torproject.torbrowser", "org.article19.circulo.next"}, 2, map[alert.Level]int{alert.Critical: 2}},
		{"receivers ioc", Receivers{}, "dumpsys_packages.txt", []string{"com.android.storagemanager"}, 0, map[alert.Level]int{alert.Critical: 1}},
		{"receivers prefix ioc", Receivers{}, "dumpsys_packages.txt", []string{"com.android.storage"}, 0, map[alert.Level]int{}},
	}
	section := map[string]string{
		"dumpsys_accessibility.txt": "accessibility", "dumpsys_accessibility_v14_or_later.txt": "accessibility",
		"dumpsys_packages.txt": "package", "dumpsys_appops.txt": "appops", "dumpsys_battery.txt": "batterystats",
		"dumpsys_dbinfo.txt": "dbinfo", "dumpsys_platform_compat.txt": "platform_compat",
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := headedProvider{file: tc.file, service: section[tc.file]}
			c := mustRun(t, tc.m, src, indicators(t, tc.extra...))
			if len(c.Records) != tc.records {
				t.Errorf("R=%d want %d", len(c.Records), tc.records)
			}
			got := levels(c)
			if len(got) != len(tc.alerts) {
				t.Errorf("alerts %v want %v", got, tc.alerts)
			}
			for l, n := range tc.alerts {
				if got[l] != n {
					t.Errorf("alerts %v want %v", got, tc.alerts)
				}
			}
		})
	}
}

func TestReceiversRecord(t *testing.T) {
	c := mustRun(t, Receivers{}, headedProvider{file: "dumpsys_packages.txt", service: "package"}, nil)
	r, ok := c.Single.(dumpsys.Receivers)
	if !ok || len(r) != 4 || r[0].Intent != "com.android.storagemanager.automatic.SHOW_NOTIFICATION" {
		t.Errorf("%#v", c.Single)
	}
}

// The bugreport folder with the test indicators
// (tests/android_bugreport/test_bugreport.py and the conformance
// numbers): appops 12 records, 16 timeline events, 1 MEDIUM; packages 2;
// platform_compat 2; tombstones 2 with 2 MEDIUM; get_prop 0.
func TestBugreportConformance(t *testing.T) {
	b, err := source.OpenBugreport("testdata/bugreport")
	if err != nil {
		t.Fatal(err)
	}
	idx := indicators(t)
	tests := []struct {
		m        module.Module
		records  int
		timeline int
		alerts   map[alert.Level]int
		noData   bool
	}{
		{Appops{}, 12, 16, map[alert.Level]int{alert.Medium: 1}, false},
		{Packages{}, 2, 6, map[alert.Level]int{}, false},
		{PlatformCompat{}, 2, 0, map[alert.Level]int{}, false},
		{Tombstones{}, 2, 2, map[alert.Level]int{alert.Medium: 2}, false},
		{GetProp{}, 0, 0, map[alert.Level]int{}, false},
		{Accessibility{}, 0, 0, nil, true},
		{DBInfo{}, 0, 0, nil, true},
	}
	total := map[alert.Level]int{}
	for _, tc := range tests {
		c, err := run(t, tc.m, b, idx)
		if tc.noData {
			if !isNoData(err) {
				t.Errorf("%s: err %v, want no data", tc.m.Describe().Slug, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.m.Describe().Slug, err)
		}
		if len(c.Records) != tc.records || len(c.Events) != tc.timeline {
			t.Errorf("%s: R=%d T=%d want %d/%d", tc.m.Describe().Slug, len(c.Records), len(c.Events), tc.records, tc.timeline)
		}
		for l, n := range levels(c) {
			total[l] += n
			if tc.alerts[l] != n {
				t.Errorf("%s: alerts %v want %v", tc.m.Describe().Slug, levels(c), tc.alerts)
			}
		}
	}
	if len(total) != 1 || total[alert.Medium] != 3 {
		t.Errorf("bugreport alerts %v, want 3 MEDIUM", total)
	}
	c := mustRun(t, Packages{}, b, idx)
	p0, p1 := c.Records[0].(*dumpsys.Package), c.Records[1].(*dumpsys.Package)
	if p0.PackageName != "com.samsung.android.provider.filterprovider" || p0.Installer != "" || len(p0.Permissions) != 4 {
		t.Errorf("[0] %s installer %q perms %d", p0.PackageName, p0.Installer, len(p0.Permissions))
	}
	if p1.PackageName != "com.instagram.android" || p1.Installer != "com.android.vending" || len(p1.Permissions) != 32 {
		t.Errorf("[1] %s installer %q perms %d", p1.PackageName, p1.Installer, len(p1.Permissions))
	}
	c = mustRun(t, Tombstones{}, b, idx)
	if c.Records[1].(*Tombstone).PID != 3559 {
		t.Errorf("tombstone[1] %+v", c.Records[1])
	}
	// The fixture dumpstate has no receiver table (MVT's receivers check
	// there uses a synthetic record); exact matching is tested in
	// TestSectionModules ("receivers prefix ioc").
	if n := len(Modules()); n != 13 {
		t.Errorf("%d bugreport modules", n)
	}
}
