package ios

import (
	"testing"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// EXPECTED.md tests/ios_backup/test_safari_browserstate.py: R=1, T=1, A=0;
// with +domain en.wikipedia.org A=1 and tab_url
// "https://en.wikipedia.org/wiki/NSO_Group".
func TestSafariBrowserStateFixture(t *testing.T) {
	b := fixtureBackupB(t)
	c := mustRunB(t, NewSafariBrowserState(), b, fixtureIndexB(t))
	if len(c.Records) != 1 || len(c.Events) != 1 || len(c.Alerts) != 0 {
		t.Fatalf("R=%d T=%d A=%d, want 1 1 0", len(c.Records), len(c.Events), len(c.Alerts))
	}
	r := recordJSON(t, c.Records[0])
	if r["tab_url"] != "https://en.wikipedia.org/wiki/NSO_Group" || r["tab_title"] != "NSO is bad" ||
		r["safari_browser_state_db"] != "3a/3a47b0981ed7c10f3e2800aa66bac96a3b5db28e" {
		t.Errorf("record = %v", r)
	}
	idx := indexWithB(t, "[domain-name:value = 'en.wikipedia.org']")
	c = mustRunB(t, NewSafariBrowserState(), b, idx)
	if len(c.Alerts) != 1 || len(c.Records) != 1 || c.Alerts[0].Level != alert.Critical {
		t.Fatalf("alerts = %+v", c.Alerts)
	}
	if re := recheckAllB(t, NewSafariBrowserState(), c, idx); len(re.Alerts) != 1 {
		t.Errorf("recheck: %d alerts", len(re.Alerts))
	}
}

// safariSessionBlob builds a tab's session_data: 4 header bytes + a plist.
func safariSessionBlob(t testing.TB, urls ...string) []byte {
	var entries []any
	for _, u := range urls {
		entries = append(entries, map[string]any{"SessionHistoryEntryURL": u, "SessionHistoryEntryOriginalURL": u, "SessionHistoryEntryData": []byte("abc")})
	}
	b, err := plist.Marshal(map[string]any{"SessionHistory": map[string]any{"SessionHistoryEntries": entries}}, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte{0, 0, 0, 2}, b...)
}

// Two profiles in a filesystem dump; a page in a tab's history matches.
func TestSafariBrowserStateProfilesAndSession(t *testing.T) {
	dir := t.TempDir()
	schema := []string{
		`CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, title TEXT, url TEXT, user_visible_url TEXT, last_viewed_time REAL)`,
		`CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, tab_uuid TEXT NOT NULL UNIQUE, session_data BLOB)`,
		`INSERT INTO tabs VALUES (1, 'u1', 'Home', 'https://safe.test/', 'https://safe.test/', 654598606.5)`,
	}
	blob := safariSessionBlob(t, "https://safe.test/", "https://www.example.org/x")
	makeDBB(t, dir, "private/var/mobile/Library/Safari/BrowserState.db", append(schema,
		`INSERT INTO tab_sessions VALUES (1, 'u1', x'`+hexB(blob)+`')`)...)
	makeDBB(t, dir, "private/var/mobile/Library/Safari/Profiles/ABC/BrowserState.db", append(schema,
		`INSERT INTO tab_sessions VALUES (1, 'u1', x'00')`)...)
	c := mustRunB(t, NewSafariBrowserState(), dumpB{dir}, fixtureIndexB(t))
	if len(c.Records) != 2 || countLevel(c, alert.Critical) != 1 {
		t.Fatalf("R=%d alerts=%+v", len(c.Records), c.Alerts)
	}
	tab := c.Records[0].(*safariTab)
	if len(tab.SessionData) != 2 || tab.SessionData[1].DataLength != 3 || *tab.SessionData[1].EntryURL != "https://www.example.org/x" {
		t.Errorf("session = %+v", tab.SessionData)
	}
	if c.Records[0].(*safariTab).DB == c.Records[1].(*safariTab).DB {
		t.Errorf("the two profiles share a DB path")
	}
}

func FuzzParseSafariSession(f *testing.F) {
	f.Add(safariSessionBlob(f, "https://a.test/"))
	f.Add([]byte{0, 0, 0, 2, '<', 'p'})
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, _ := parseSafariSession(b)
		if len(entries) > len(b) {
			t.Fatalf("%d entries from %d bytes", len(entries), len(b))
		}
	})
}
