package ios

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// chromeFaviconSchema is Chromium's Favicons layout.
var chromeFaviconSchema = []string{
	`CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)`,
	`CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY, page_url LONGVARCHAR NOT NULL, icon_id INTEGER, page_url_type INTEGER NOT NULL DEFAULT 0)`,
	`CREATE TABLE favicons(id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, icon_type INTEGER DEFAULT 1)`,
	`CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY, icon_id INTEGER NOT NULL, last_updated INTEGER DEFAULT 0, image_data BLOB, width INTEGER DEFAULT 0, height INTEGER DEFAULT 0, last_requested INTEGER NOT NULL DEFAULT 0)`,
}

// Three pages with their icons. The second mapping's bitmap was never
// updated (last_updated 0), so its date is last_requested, which sorts it
// first. The page URL of one record and the icon URL of another match.
func TestChromeFaviconBackup(t *testing.T) {
	db := sqliteBytes(t, append(chromeFaviconSchema,
		`INSERT INTO favicons VALUES (1, 'https://news.test/favicon.ico', 1), (2, 'https://cdn.example.org/i.png', 1), (3, 'https://evil.test/f.ico', 1)`,
		`INSERT INTO favicon_bitmaps (id, icon_id, last_updated, image_data, width, height, last_requested) VALUES
			(1, 1, 13300000001500000, x'89504e47', 16, 16, 0),
			(2, 2, 0, x'89504e47', 16, 16, 13299990000000000),
			(3, 3, 13300000100250000, x'89504e47', 16, 16, 13300000100250000)`,
		`INSERT INTO icon_mapping (id, page_url, icon_id) VALUES (1, 'https://news.test/today', 1), (2, 'https://blog.test/post', 2), (3, 'http://example.com/thisisbad', 3)`,
	)...)
	bk := backupC2(t, nil, c2File{"AppDomain-com.google.chrome.ios", chromeProfileDir + "Favicons", db})
	idx := indexA(t)
	c := mustRunC2(t, NewChromeFavicon(), bk, idx)
	if len(c.Records) != 3 {
		t.Fatalf("R=%d, want 3", len(c.Records))
	}
	want := `{"url":"https://blog.test/post","icon_url":"https://cdn.example.org/i.png","timestamp":13299990000000000,"isodate":"2022-06-18 01:40:00.000000"}`
	if got := mustJSON(t, c.Records[0]); got != want {
		t.Errorf("record 0:\n got %s\nwant %s", got, want)
	}
	wantEvents := []string{
		"2022-06-18 01:40:00.000000|ChromeFavicon|new_favicon|https://cdn.example.org/i.png from https://blog.test/post",
		"2022-06-18 04:26:41.500000|ChromeFavicon|new_favicon|https://news.test/favicon.ico from https://news.test/today",
		"2022-06-18 04:28:20.250000|ChromeFavicon|new_favicon|https://evil.test/f.ico from http://example.com/thisisbad",
	}
	if d := cmp.Diff(wantEvents, eventsC2(c)); d != "" {
		t.Errorf("timeline (-want +got):\n%s", d)
	}
	wantAlerts := []string{
		`CRITICAL|Found a known suspicious domain https://cdn.example.org/i.png matching indicator "example.org" from "TestMalware"|2022-06-18 01:40:00.000000|domains:example.org`,
		`CRITICAL|Found a known suspicious domain http://example.com/thisisbad matching indicator "http://example.com/thisisbad" from "TestMalware"|2022-06-18 04:28:20.250000|urls:http://example.com/thisisbad`,
	}
	if d := cmp.Diff(wantAlerts, alertsC2(t, c)); d != "" {
		t.Errorf("alerts (-want +got):\n%s", d)
	}
	if re := recheckC2(t, NewChromeFavicon(), c, idx); cmp.Diff(alertsC2(t, c), alertsC2(t, re)) != "" {
		t.Errorf("recheck gives %v", alertsC2(t, re))
	}
	if c := mustRunC2(t, NewChromeFavicon(), bk, nil); len(c.Alerts) != 0 {
		t.Errorf("no IOCs: A=%d", len(c.Alerts))
	}
}

// Older Chrome versions have no last_requested column; a dump is found by
// its container path; the fixture has no Favicons; an unknown layout names
// the tables.
func TestChromeFaviconVariants(t *testing.T) {
	db := sqliteBytes(t,
		`CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY, page_url LONGVARCHAR NOT NULL, icon_id INTEGER)`,
		`CREATE TABLE favicons(id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, icon_type INTEGER DEFAULT 1)`,
		`CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY, icon_id INTEGER NOT NULL, last_updated INTEGER DEFAULT 0, image_data BLOB)`,
		`INSERT INTO favicons VALUES (1, 'https://a.test/i.ico', 1)`,
		`INSERT INTO favicon_bitmaps VALUES (1, 1, 13300000000000000, NULL), (2, 1, 0, NULL)`,
		`INSERT INTO icon_mapping VALUES (1, 'https://a.test/', 1)`)
	d := dumpA(t, map[string][]byte{"private/var/mobile/Containers/Data/Application/X/" + chromeProfileDir + "Favicons": db})
	c := mustRunC2(t, NewChromeFavicon(), d, nil)
	// Two bitmaps of one icon give two records, as MVT's join does; the one
	// with no date has no timeline event.
	if len(c.Records) != 2 || len(c.Events) != 1 || mustJSON(t, c.Records[0]) !=
		`{"url":"https://a.test/","icon_url":"https://a.test/i.ico","timestamp":0,"isodate":""}` {
		t.Errorf("old schema: R=%d T=%d first=%s", len(c.Records), len(c.Events), mustJSON(t, c.Records[0]))
	}
	if _, err := runC2(t, NewChromeFavicon(), fixtureBackupA(t), nil); !isNoData(err) || !strings.Contains(err.Error(), "Favicons") {
		t.Errorf("fixture: err = %v", err)
	}
	bad := dumpA(t, map[string][]byte{"private/var/mobile/Containers/Data/Application/X/" + chromeProfileDir + "Favicons": sqliteBytes(t, `CREATE TABLE thumbnails (id)`)})
	if _, err := runC2(t, NewChromeFavicon(), bad, nil); err == nil || !strings.Contains(err.Error(), "tables found: thumbnails") {
		t.Errorf("unknown schema: err = %v", err)
	}
}
