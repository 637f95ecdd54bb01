package ios

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// EXPECTED.md tests/ios_backup/test_global_preferences.py: R=16, T=0, A=1
// (INFORMATIONAL "Lockdown mode enabled"), results[0] ==
// {"entry": "WebKitShowLinkPreviews", "value": false}.
func TestGlobalPreferencesFixture(t *testing.T) {
	c := mustRunB(t, NewGlobalPreferences(), fixtureBackupB(t), nil)
	if len(c.Records) != 16 || len(c.Events) != 0 || len(c.Alerts) != 1 {
		t.Fatalf("R=%d T=%d A=%d, want 16 0 1", len(c.Records), len(c.Events), len(c.Alerts))
	}
	if a := c.Alerts[0]; a.Level != alert.Informational || a.Message != "Lockdown mode enabled" || a.Heuristic == nil {
		t.Errorf("alert = %+v", a)
	}
	if got := recordJSON(t, c.Records[0]); !reflect.DeepEqual(got, map[string]any{"entry": "WebKitShowLinkPreviews", "value": false}) {
		t.Errorf("results[0] = %v", got)
	}
	// The date value is written as MVT writes a datetime.
	for _, r := range c.Records {
		if p := r.(*globalPreference); p.Entry == "AKLastEmailListRequestDateKey" && p.Value != "2023-08-01 21:21:46.150919" {
			t.Errorf("date value = %v", p.Value)
		}
	}
}

// An XML plist with Lockdown Mode off gives the LOW alert, keys in order.
func TestGlobalPreferencesXMLDisabled(t *testing.T) {
	dir := t.TempDir()
	b, err := plist.Marshal(map[string]any{"LDMGlobalEnabled": false}, plist.XMLFormat)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "private/var/mobile/Library/Preferences/.GlobalPreferences.plist")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	c := mustRunB(t, NewGlobalPreferences(), dumpB{dir}, nil)
	if len(c.Records) != 1 || countLevel(c, alert.Low) != 1 || c.Alerts[0].Message != "Lockdown mode disabled" {
		t.Fatalf("records=%d alerts=%+v", len(c.Records), c.Alerts)
	}
}

func TestPlistTopKeysOrder(t *testing.T) {
	xmlDoc := `<?xml version="1.0"?><plist version="1.0"><dict><key>b</key><dict><key>inner</key><true/></dict><key>a</key><string>x</string></dict></plist>`
	got, err := plistTopKeys([]byte(xmlDoc))
	if err != nil || !reflect.DeepEqual(got, []string{"b", "a"}) {
		t.Fatalf("xml keys = %v, %v", got, err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "ios_backup", "0d", "0dc926a1810f7aee4e8f38793ed788701f93bf9d"))
	if err != nil {
		t.Fatal(err)
	}
	got, err = plistTopKeys(raw)
	if err != nil || len(got) != 16 || got[0] != "WebKitShowLinkPreviews" || got[15] != "ApplePasscodeKeyboards" {
		t.Fatalf("binary keys = %v, %v", got, err)
	}
}

// FuzzPlistTopKeys feeds crafted plists to the key-order reader: it must
// never panic nor read out of bounds.
func FuzzPlistTopKeys(f *testing.F) {
	if raw, err := os.ReadFile(filepath.Join("testdata", "ios_backup", "0d", "0dc926a1810f7aee4e8f38793ed788701f93bf9d")); err == nil {
		f.Add(raw)
	}
	f.Add([]byte(`<plist><dict><key>a</key><true/></dict></plist>`))
	f.Add([]byte("bplist00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		keys, err := plistTopKeys(b)
		if err == nil && len(keys) > len(b) {
			t.Fatalf("%d keys from %d bytes", len(keys), len(b))
		}
	})
}
