package ios

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

func sessionLogPlist(t testing.TB) []byte {
	b, err := plist.Marshal(map[string]any{"browsingStatistics": []any{
		map[string]any{
			"PrevalentResourceOrigin":         "hop.test",
			"topFrameUniqueRedirectsFrom":     []any{map[string]any{"origin": "news.test"}},
			"topFrameUniqueRedirectsTo":       []any{map[string]any{"domain": "payload.example.org"}},
			"hadUserInteraction":              false,
			"lastSeen":                        time.Date(2021, 7, 18, 10, 0, 0, 0, time.UTC),
			"subresourceUnderTopFrameOrigins": []any{},
		},
		map[string]any{"PrevalentResourceOrigin": "quiet.test"},
	}}, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fixture has no session resource log; a synthetic one in a dump: the
// redirect destination matches example.org (CRITICAL) and the chain is
// spelled out (HIGH). Absent keys are written as "" as MVT does.
func TestWebkitSessionResourceLog(t *testing.T) {
	if _, err := runB(t, NewWebkitSessionResourceLog(), fixtureBackupB(t), nil); !isNoDataErr(err) {
		t.Fatalf("fixture: err = %v, want no data", err)
	}
	dir := t.TempDir()
	rel := "private/var/mobile/Library/WebClips/W1/Storage/full_browsing_session_resourceLog.plist"
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, sessionLogPlist(t), 0o644); err != nil {
		t.Fatal(err)
	}
	c := mustRunB(t, NewWebkitSessionResourceLog(), dumpB{dir}, fixtureIndexB(t))
	res, ok := c.Single.(map[string][]*sessionResourceEntry)
	if !ok || len(res[rel]) != 2 {
		t.Fatalf("results = %#v", c.Single)
	}
	e := res[rel][0]
	if e.Origin != "hop.test" || strPtrText(e.LastSeen) != "2021-07-18 10:00:00.000000" || e.SubframeUnderOrigin != "" {
		t.Errorf("entry = %+v", e)
	}
	crit, high := c.AlertsAt(alert.Critical), c.AlertsAt(alert.High)
	if len(crit) != 1 || crit[0].Indicator.Value != "example.org" || len(high) != 1 ||
		high[0].Message != `Found HTTP redirect between suspicious domains: SOURCE: "news.test" -> ORIGIN: "hop.test" -> DESTINATION: "payload.example.org"` {
		t.Fatalf("alerts = %+v", c.Alerts)
	}
}

func FuzzParseSessionResourceLog(f *testing.F) {
	f.Add(sessionLogPlist(f))
	f.Add([]byte(`<plist><dict><key>browsingStatistics</key><array><string>x</string></array></dict></plist>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := parseSessionResourceLog(b)
		if err == nil && len(entries) > len(b) {
			t.Fatalf("%d entries from %d bytes", len(entries), len(b))
		}
	})
}
