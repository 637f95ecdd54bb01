package ios

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Both favicons of news.test: the icon URL of the second is a URL
// indicator (CRITICAL); a favicon whose page URL matches alerts too.
func TestFirefoxFaviconBackup(t *testing.T) {
	bk := backupC2(t, nil, c2File{firefoxGroup, "profile.profile/browser.db", firefoxBrowserBytes(t)})
	idx := indexA(t)
	c := mustRunC2(t, NewFirefoxFavicon(), bk, idx)
	if len(c.Records) != 2 {
		t.Fatalf("R=%d, want 2", len(c.Records))
	}
	want := `{"id":1,"url":"https://news.test/favicon.ico","width":32,"height":32,"type":1,"isodate":"2023-11-14 22:13:20.250000","history_id":1,"history_url":"https://news.test/"}`
	if got := mustJSON(t, c.Records[0]); got != want {
		t.Errorf("record 0:\n got %s\nwant %s", got, want)
	}
	wantEvents := []string{
		"2023-11-14 22:13:20.250000|FirefoxFavicon|firefox_history|Firefox favicon https://news.test/favicon.ico when visiting https://news.test/",
		"2023-11-14 22:15:00.000000|FirefoxFavicon|firefox_history|Firefox favicon http://example.com/thisisbad when visiting https://news.test/",
	}
	if d := cmp.Diff(wantEvents, eventsC2(c)); d != "" {
		t.Errorf("timeline (-want +got):\n%s", d)
	}
	wantAlerts := []string{`CRITICAL|Found a known suspicious domain http://example.com/thisisbad matching indicator "http://example.com/thisisbad" from "TestMalware"|2023-11-14 22:15:00.000000|urls:http://example.com/thisisbad`}
	if d := cmp.Diff(wantAlerts, alertsC2(t, c)); d != "" {
		t.Errorf("alerts (-want +got):\n%s", d)
	}
	// The page URL is checked as well (one alert per favicon).
	idx = indexA(t, "[domain-name:value = 'news.test']")
	c = mustRunC2(t, NewFirefoxFavicon(), bk, idx)
	got := alertsC2(t, c)
	if len(got) != 2 || !strings.Contains(got[0], "https://news.test/favicon.ico") || !strings.Contains(got[1], "http://example.com/thisisbad") {
		t.Errorf("alerts = %v", got)
	}
	if re := recheckC2(t, NewFirefoxFavicon(), c, idx); cmp.Diff(got, alertsC2(t, re)) != "" {
		t.Errorf("recheck gives %v", alertsC2(t, re))
	}
}

// places.db has no favicons and is not read; a browser.db without the
// favicon tables is an unknown layout; the fixture has none.
func TestFirefoxFaviconErrors(t *testing.T) {
	if _, err := runC2(t, NewFirefoxFavicon(), fixtureBackupA(t), nil); !isNoData(err) {
		t.Errorf("fixture: err = %v", err)
	}
	d := dumpA(t, map[string][]byte{"private/var/mobile/profile.profile/places.db": sqliteBytes(t, `CREATE TABLE moz_places (id)`)})
	if _, err := runC2(t, NewFirefoxFavicon(), d, nil); !isNoData(err) {
		t.Errorf("places only: err = %v", err)
	}
	d = dumpA(t, map[string][]byte{"private/var/mobile/profile.profile/browser.db": sqliteBytes(t, firefoxBrowserSchema[:3]...)})
	if _, err := runC2(t, NewFirefoxFavicon(), d, nil); err == nil || !strings.Contains(err.Error(), "tables found: domains, history, sqlite_sequence, visits") {
		t.Errorf("no favicon tables: err = %v", err)
	}
}
