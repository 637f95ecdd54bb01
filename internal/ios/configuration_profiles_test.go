package ios

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

const (
	mdmProfileUUID = "8B5E2C6A-3F1D-4D2B-9E77-0C4A1B2D3E4F"
	notifProfileID = "com.example.quiet"
)

// profileStubsC1 are two profile stubs as iOS writes them: an MDM profile
// (binary plist, with an install date and a signer certificate) and a
// notification-settings profile (XML, no install date).
func profileStubsC1(t testing.TB) (mdm, quiet []byte) {
	mdm = plistC1(t, map[string]any{
		"PayloadUUID":        mdmProfileUUID,
		"PayloadIdentifier":  "com.example.mdm",
		"PayloadDisplayName": "Example MDM",
		"PayloadDescription": "Device management",
		"PayloadType":        "Configuration",
		"PayloadVersion":     1,
		"InstallDate":        time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC),
		"SignerCerts":        []any{[]byte{0x30, 0x82, 0x01, 0xff}},
		"PayloadContent": []any{map[string]any{
			"PayloadType": "com.apple.mdm", "PayloadUUID": "11111111-2222-3333-4444-555555555555",
			"ServerURL": "https://mdm.example.net/server",
		}},
	}, plist.BinaryFormat)
	quiet = plistC1(t, map[string]any{
		"PayloadUUID":        "0F0E0D0C-0B0A-0908-0706-050403020100",
		"PayloadIdentifier":  notifProfileID,
		"PayloadDisplayName": "Quiet",
		"PayloadType":        "Configuration",
		"PayloadContent": []any{
			map[string]any{"PayloadType": "com.apple.wifi.managed"},
			map[string]any{"PayloadType": "com.apple.notificationsettings", "NotificationSettings": []any{
				map[string]any{"BundleIdentifier": "com.apple.MobileSMS", "NotificationsEnabled": false}}},
		},
	}, plist.XMLFormat)
	return mdm, quiet
}

func profileBackupC1(t *testing.T, extra ...backupFileC1) *source.IOSBackup {
	mdm, quiet := profileStubsC1(t)
	files := []backupFileC1{
		{configProfilesDomain, "Library/ConfigurationProfiles/profile-a1b2c3.stub", mdm},
		{configProfilesDomain, "Library/ConfigurationProfiles/profile-d4e5f6.stub", quiet},
		// Same domain, not a profile; another domain, profile-like name.
		{configProfilesDomain, "Library/ConfigurationProfiles/ProfileTruth.plist", plistC1(t, map[string]any{"PayloadUUID": "x"}, plist.XMLFormat)},
		{"HomeDomain", "Library/Preferences/profile-lookalike.plist", mdm},
	}
	return backupC1(t, append(files, extra...)...)
}

func TestConfigurationProfiles(t *testing.T) {
	// MVT's fixture lists the container but holds no profile stub.
	if _, err := runA(t, NewConfigurationProfiles(), fixtureBackupA(t), nil); !isNoData(err) || !strings.Contains(err.Error(), "profile-*") {
		t.Fatalf("fixture: err = %v, want no data naming the profiles", err)
	}

	bk := profileBackupC1(t)
	c := mustRunC1(t, NewConfigurationProfiles(), bk, nil)
	if len(c.Records) != 2 || len(c.Events) != 1 {
		t.Fatalf("R=%d T=%d, want 2/1", len(c.Records), len(c.Events))
	}
	rec := recordJSON(t, c.Records[0])
	p, _ := rec["plist"].(map[string]any)
	want := map[string]any{
		"file_id":       source.FileID(configProfilesDomain, "Library/ConfigurationProfiles/profile-a1b2c3.stub"),
		"relative_path": "Library/ConfigurationProfiles/profile-a1b2c3.stub",
		"domain":        configProfilesDomain,
		"install_date":  "2021-03-04 05:06:07.000000",
	}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("%s = %v, want %v", k, rec[k], v)
		}
	}
	if p["PayloadUUID"] != mdmProfileUUID || p["InstallDate"] != "2021-03-04 05:06:07" ||
		cmp.Diff(p["SignerCerts"], []any{"MIIB/w=="}) != "" {
		t.Errorf("plist = %v", p)
	}
	ev := c.Events[0]
	if ev.Timestamp != "2021-03-04 05:06:07.000000" || ev.Module != "ConfigurationProfiles" || ev.Event != "configuration_profile_install" ||
		ev.Data != "Configuration installed: "+mdmProfileUUID+" - Example MDM: Device management" {
		t.Errorf("timeline = %+v", ev)
	}
	// Without indicators only the notification heuristic fires (MVT needs
	// indicators loaded for it; see configProfileCheck).
	wantNoIOC := []string{`MEDIUM Found a potentially suspicious configuration profile "Quiet" with payload type com.apple.notificationsettings`}
	if diff := cmp.Diff(wantNoIOC, messagesC1(c)); diff != "" {
		t.Errorf("alerts without indicators (-want +got):\n%s", diff)
	}
	if h := c.Alerts[0].Heuristic; h == nil || h.ID != "ios.configuration_profiles.notification_settings" || c.Alerts[0].Indicator != nil {
		t.Errorf("heuristic alert = %+v", c.Alerts[0])
	}

	for _, tc := range []struct {
		name, pattern string
		want          []string
	}{
		{"uuid (case-insensitive)", "[configuration-profile:id = '" + strings.ToLower(mdmProfileUUID) + "']", []string{
			`CRITICAL Found a known malicious configuration profile "Example MDM" with UUID "` + mdmProfileUUID + `"`,
			`MEDIUM Found a potentially suspicious configuration profile "Quiet" with payload type com.apple.notificationsettings`,
		}},
		// A match replaces the heuristic alert for that profile, as in MVT.
		{"identifier", "[configuration-profile:id = '" + notifProfileID + "']", []string{
			`CRITICAL Found a known malicious configuration profile "Quiet" with identifier "` + notifProfileID + `"`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := indexA(t, tc.pattern)
			c := mustRunC1(t, NewConfigurationProfiles(), bk, idx)
			if diff := cmp.Diff(tc.want, messagesC1(c)); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			crit := c.AlertsAt(alert.Critical)
			if len(crit) != 1 || crit[0].Indicator == nil || crit[0].Indicator.Type != "ios_profile_ids" || crit[0].Indicator.Name != "TestMalware" {
				t.Fatalf("critical = %+v", crit)
			}
			if diff := cmp.Diff(tc.want, recheckC1(t, NewConfigurationProfiles(), c, idx)); diff != "" {
				t.Errorf("recheck (-want +got):\n%s", diff)
			}
		})
	}
}

// A stub that is not a plist fails the module naming it, after the
// readable ones were reported.
func TestConfigurationProfilesCorrupt(t *testing.T) {
	bk := profileBackupC1(t, backupFileC1{configProfilesDomain, "Library/ConfigurationProfiles/profile-zzz.stub", []byte("not a plist")})
	c, err := runA(t, NewConfigurationProfiles(), bk, nil)
	if err == nil || !strings.Contains(err.Error(), "profile-zzz.stub") || isNoData(err) {
		t.Fatalf("err = %v, want an error naming the stub", err)
	}
	if len(c.Records) != 2 {
		t.Errorf("R=%d, want the 2 readable profiles", len(c.Records))
	}
}

func FuzzParseConfigProfile(f *testing.F) {
	mdm, quiet := profileStubsC1(f)
	f.Add(mdm)
	f.Add(quiet)
	f.Add([]byte(`<plist><dict><key>PayloadContent</key><string>x</string></dict></plist>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseConfigProfile(b)
		if err != nil {
			return
		}
		rec := &configProfileRecord{Plist: plistJSONBase64(p, 0).(map[string]any), InstallDate: plistTimeText(p["InstallDate"])}
		mustJSON(t, rec)
		configProfileCheck(nil, rec, rec.Plist, rec.InstallDate, discardC1{})
	})
}
