package ios

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// chromeHistorySchema is Chrome for iOS's History layout (urls, visits and
// the visit_time index), as Chromium creates it.
var chromeHistorySchema = []string{
	`CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)`,
	`CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title LONGVARCHAR, visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL, last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL)`,
	`CREATE TABLE visits(id INTEGER PRIMARY KEY AUTOINCREMENT, url INTEGER NOT NULL, visit_time INTEGER NOT NULL, from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL, segment_id INTEGER, visit_duration INTEGER DEFAULT 0 NOT NULL, incremented_omnibox_typed_score BOOLEAN DEFAULT FALSE NOT NULL, opener_visit INTEGER)`,
	`CREATE INDEX visits_url_index ON visits (url)`,
	`CREATE INDEX visits_time_index ON visits (visit_time)`,
}

func chromeHistoryBytes(t *testing.T) []byte {
	return sqliteBytes(t, append(chromeHistorySchema,
		`INSERT INTO urls (id, url, title, last_visit_time) VALUES (1, 'https://news.test/', 'News', 13300000000000000),
			(2, 'http://short.test/a', 'Short', 13300000001500000), (3, 'https://badbadbad.example.org/landing', 'Landing', 13300000100250000)`,
		// Inserted out of time order: records come sorted by visit_time.
		`INSERT INTO visits (id, url, visit_time, from_visit, transition) VALUES (3, 3, 13300000100250000, 2, 805306368)`,
		`INSERT INTO visits (id, url, visit_time, from_visit, transition) VALUES (1, 1, 13300000000000000, 0, 805306369)`,
		`INSERT INTO visits (id, url, visit_time, from_visit, transition) VALUES (2, 2, 13300000001500000, 0, 805306368)`,
	)...)
}

// A backup with Chrome's History: 3 visits in time order, the visit to a
// page of example.org (a domain indicator of MVT's test set) is CRITICAL.
func TestChromeHistoryBackup(t *testing.T) {
	bk := backupC2(t, nil, c2File{"AppDomain-com.google.chrome.ios", chromeProfileDir + "History", chromeHistoryBytes(t)})
	idx := indexA(t)
	c := mustRunC2(t, NewChromeHistory(), bk, idx)
	if len(c.Records) != 3 || len(c.Events) != 3 {
		t.Fatalf("R=%d T=%d, want 3/3", len(c.Records), len(c.Events))
	}
	want := `{"id":1,"url":"https://news.test/","visit_id":1,"timestamp":13300000000000000,"isodate":"2022-06-18 04:26:40.000000","redirect_source":0}`
	if got := mustJSON(t, c.Records[0]); got != want {
		t.Errorf("record 0:\n got %s\nwant %s", got, want)
	}
	wantEvents := []string{
		"2022-06-18 04:26:40.000000|ChromeHistory|visit|1 - https://news.test/ (visit ID: 1, redirect source: 0)",
		"2022-06-18 04:26:41.500000|ChromeHistory|visit|2 - http://short.test/a (visit ID: 2, redirect source: 0)",
		"2022-06-18 04:28:20.250000|ChromeHistory|visit|3 - https://badbadbad.example.org/landing (visit ID: 3, redirect source: 2)",
	}
	if d := cmp.Diff(wantEvents, eventsC2(c)); d != "" {
		t.Errorf("timeline (-want +got):\n%s", d)
	}
	wantAlerts := []string{`CRITICAL|Found a known suspicious domain https://badbadbad.example.org/landing matching indicator "example.org" from "TestMalware"|2022-06-18 04:28:20.250000|domains:example.org`}
	if d := cmp.Diff(wantAlerts, alertsC2(t, c)); d != "" {
		t.Errorf("alerts (-want +got):\n%s", d)
	}
	if c.Alerts[0].Event != c.Records[2] {
		t.Errorf("the alert's event is not the visit record")
	}
	// Without indicators: same records, no alert.
	if c := mustRunC2(t, NewChromeHistory(), bk, nil); len(c.Records) != 3 || len(c.Alerts) != 0 {
		t.Errorf("no IOCs: R=%d A=%d", len(c.Records), len(c.Alerts))
	}
	// A URL indicator matches too, and check-iocs on chrome_history.json
	// finds the same alerts.
	idx = indexA(t, "[url:value = 'http://short.test/a']")
	c = mustRunC2(t, NewChromeHistory(), bk, idx)
	if len(c.Alerts) != 2 {
		t.Fatalf("with url indicator: %v", alertsC2(t, c))
	}
	if re := recheckC2(t, NewChromeHistory(), c, idx); cmp.Diff(alertsC2(t, c), alertsC2(t, re)) != "" {
		t.Errorf("recheck gives %v, run gave %v", alertsC2(t, re), alertsC2(t, c))
	}
}

// The same database in a filesystem dump, found in the app's container.
func TestChromeHistoryDump(t *testing.T) {
	d := dumpA(t, map[string][]byte{
		"private/var/mobile/Containers/Data/Application/0A1B/" + chromeProfileDir + "History": chromeHistoryBytes(t),
	})
	c := mustRunC2(t, NewChromeHistory(), d, indexA(t))
	if len(c.Records) != 3 || len(c.Events) != 3 || len(c.Alerts) != 1 {
		t.Errorf("R=%d T=%d A=%d, want 3/3/1", len(c.Records), len(c.Events), len(c.Alerts))
	}
}

// Schema variants and failures: an old visits table without from_visit
// still reads (redirect_source null); an unknown layout is an error that
// lists the tables; a corrupt file is an error naming it; the MVT fixture
// has no Chrome history (no data).
func TestChromeHistoryVariantsAndErrors(t *testing.T) {
	old := sqliteBytes(t,
		`CREATE TABLE urls(id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR, last_visit_time INTEGER NOT NULL)`,
		`CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT NULL, transition INTEGER)`,
		`INSERT INTO urls VALUES (1, 'https://old.test/', 'Old', 0)`,
		`INSERT INTO visits VALUES (1, 1, 13299990000000000, 0)`,
		`INSERT INTO visits VALUES (2, 1, 0, 0)`)
	bk := backupC2(t, nil, c2File{"AppDomain-com.google.chrome.ios", chromeProfileDir + "History", old})
	c := mustRunC2(t, NewChromeHistory(), bk, nil)
	if len(c.Records) != 2 || len(c.Events) != 1 {
		t.Fatalf("old schema: R=%d T=%d, want 2/1 (a 0 time has no timeline event)", len(c.Records), len(c.Events))
	}
	want := `{"id":1,"url":"https://old.test/","visit_id":2,"timestamp":0,"isodate":"","redirect_source":null}`
	if got := mustJSON(t, c.Records[0]); got != want {
		t.Errorf("old schema record:\n got %s\nwant %s", got, want)
	}

	other := sqliteBytes(t, `CREATE TABLE downloads (id INTEGER)`, `CREATE TABLE meta (key TEXT)`)
	bk = backupC2(t, nil, c2File{"AppDomain-com.google.chrome.ios", chromeProfileDir + "History", other})
	if _, err := runC2(t, NewChromeHistory(), bk, nil); err == nil || !strings.Contains(err.Error(), "tables found: downloads, meta") ||
		!strings.Contains(err.Error(), "History") {
		t.Errorf("unknown schema: err = %v", err)
	}

	bk = backupC2(t, nil, c2File{"AppDomain-com.google.chrome.ios", chromeProfileDir + "History", []byte(strings.Repeat("not sqlite", 200))})
	if _, err := runC2(t, NewChromeHistory(), bk, nil); err == nil || !strings.Contains(err.Error(), chromeProfileDir+"History") {
		t.Errorf("corrupt: err = %v", err)
	}

	_, err := runC2(t, NewChromeHistory(), fixtureBackupA(t), nil)
	if !isNoData(err) || !strings.Contains(err.Error(), "Chrome History") {
		t.Errorf("fixture: err = %v, want no data naming Chrome History", err)
	}
}
