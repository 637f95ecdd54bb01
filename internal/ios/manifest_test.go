package ios

import (
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

func TestManifestFixture(t *testing.T) {
	b := fixtureBackupA(t)
	tests := []struct {
		name    string
		extra   []string
		records int
		events  int
		alerts  int
	}{
		// EXPECTED.md test_manifest.py: R=3721, T=5881, A=0.
		{"test indicators", nil, 3721, 5881, 0},
		// Detection (+file_name com.apple.CoreBrightness.plist): A=1.
		{"+file name", []string{"[file:name = 'com.apple.CoreBrightness.plist']"}, 3721, 5881, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := runA(t, NewManifest(), b, indexA(t, tt.extra...))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Records) != tt.records || len(c.Events) != tt.events || len(c.Alerts) != tt.alerts {
				t.Errorf("R=%d T=%d A=%d, want R=%d T=%d A=%d", len(c.Records), len(c.Events), len(c.Alerts), tt.records, tt.events, tt.alerts)
			}
			for _, a := range c.Alerts {
				if a.Level != alert.High || a.Indicator == nil || !strings.HasSuffix(a.Event.(*manifestRecord).RelativePath, "com.apple.CoreBrightness.plist") {
					t.Errorf("alert = %+v", a)
				}
			}
		})
	}
	// CameraRollDomain entries exist (MVT queries the manifest by domain).
	c, _ := runA(t, NewManifest(), b, nil)
	n := 0
	for _, r := range c.Records {
		rec := r.(*manifestRecord)
		if rec.Domain == "CameraRollDomain" {
			n++
		}
	}
	if n == 0 {
		t.Error("no CameraRollDomain entry")
	}
	// One record with its full metadata, and its MACB events.
	for i, r := range c.Records {
		rec := r.(*manifestRecord)
		if rec.Modified == nil {
			continue
		}
		j := recordJSON(t, rec)
		for _, k := range []string{"file_id", "domain", "relative_path", "flags", "created", "modified", "status_changed", "mode", "owner", "size"} {
			if _, ok := j[k]; !ok {
				t.Errorf("record %d lacks %q: %v", i, k, j)
			}
		}
		if !strings.HasPrefix(*rec.Mode, "0o") || len(rec.Created) != 26 {
			t.Errorf("record %d: mode %q created %q", i, *rec.Mode, rec.Created)
		}
		break
	}
}

func TestManifestDomainMention(t *testing.T) {
	// A website data folder named after a domain indicator.
	db := sqliteBytes(t,
		`CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)`,
		`INSERT INTO Files VALUES ('00aa', 'AppDomain-com.apple.mobilesafari', 'Library/WebKit/WebsiteData/LocalStorage/https_badbadbad.example.org_0.localstorage', 1, NULL)`,
		`INSERT INTO Files VALUES ('00ab', 'HomeDomain', 'Library/Preferences/v1.5_file', 1, NULL)`,
	)
	d := dumpA(t, map[string][]byte{"Manifest.db": db})
	bk := backupView{IOS: d}
	c, err := runA(t, NewManifest(), bk, indexA(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records) != 2 || len(c.Events) != 0 || len(c.Alerts) != 1 {
		t.Fatalf("R=%d T=%d A=%d, want 2/0/1", len(c.Records), len(c.Events), len(c.Alerts))
	}
	a := c.Alerts[0]
	if a.Level != alert.High || !strings.Contains(a.Message, `Found mention of domain "example.org"`) {
		t.Errorf("alert = %+v", a)
	}
}

func TestManifestUnknownSchema(t *testing.T) {
	db := sqliteBytes(t, `CREATE TABLE Other (x)`)
	d := dumpA(t, map[string][]byte{"Manifest.db": db})
	_, err := runA(t, NewManifest(), backupView{IOS: d}, nil)
	if err == nil || !strings.Contains(err.Error(), "unknown schema: tables found: Other") {
		t.Errorf("err = %v", err)
	}
	_, err = runA(t, NewManifest(), d, nil)
	if !isNoData(err) {
		t.Errorf("on a dump: err = %v, want no data", err)
	}
}
