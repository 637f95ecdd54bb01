package ios

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// firefoxBrowserSchema is Firefox for iOS's browser.db layout (history,
// visits, favicons), as its BrowserSchema creates it.
var firefoxBrowserSchema = []string{
	`CREATE TABLE domains (id INTEGER PRIMARY KEY AUTOINCREMENT, domain TEXT NOT NULL UNIQUE, showOnTopSites TINYINT NOT NULL DEFAULT 1)`,
	`CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE, url TEXT UNIQUE, title TEXT NOT NULL, server_modified INTEGER, local_modified INTEGER, is_deleted TINYINT NOT NULL, should_upload TINYINT NOT NULL, domain_id INTEGER REFERENCES domains(id) ON DELETE CASCADE, CONSTRAINT urlOrDeleted CHECK (url IS NOT NULL OR is_deleted = 1))`,
	`CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, date REAL NOT NULL, type INTEGER NOT NULL, is_local TINYINT NOT NULL, UNIQUE (siteID, date, type))`,
	`CREATE TABLE favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, width INTEGER, height INTEGER, type INTEGER NOT NULL, date REAL NOT NULL)`,
	`CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, faviconID INTEGER NOT NULL REFERENCES favicons(id) ON DELETE CASCADE, UNIQUE (siteID, faviconID))`,
}

// firefoxBrowserBytes holds two pages, three visits (dates in µs) and the
// favicons of both pages (dates in seconds).
func firefoxBrowserBytes(t *testing.T) []byte {
	return sqliteBytes(t, append(firefoxBrowserSchema,
		`INSERT INTO history (id, guid, url, title, is_deleted, should_upload) VALUES
			(1, 'g1', 'https://news.test/', 'News', 0, 1), (2, 'g2', 'https://badbadbad.example.org/x', 'X', 0, 1)`,
		`INSERT INTO visits (id, siteID, date, type, is_local) VALUES
			(1, 1, 1655526400123456, 1, 1), (2, 2, 1655526460000000, 2, 1), (3, 1, 1655526520500000, 1, 0)`,
		`INSERT INTO favicons (id, url, width, height, type, date) VALUES
			(1, 'https://news.test/favicon.ico', 32, 32, 1, 1700000000.25), (2, 'http://example.com/thisisbad', 16, 16, 0, 1700000100)`,
		`INSERT INTO favicon_sites (id, siteID, faviconID) VALUES (1, 1, 1), (2, 1, 2)`,
	)...)
}

func TestFirefoxHistoryBackup(t *testing.T) {
	bk := backupC2(t, nil, c2File{firefoxGroup, "profile.profile/browser.db", firefoxBrowserBytes(t)})
	idx := indexA(t)
	c := mustRunC2(t, NewFirefoxHistory(), bk, idx)
	if len(c.Records) != 3 {
		t.Fatalf("R=%d, want 3", len(c.Records))
	}
	want := `{"id":1,"isodate":"2022-06-18 04:26:40.123456","url":"https://news.test/","title":"News","is_local":1,"type":1}`
	if got := mustJSON(t, c.Records[0]); got != want {
		t.Errorf("record 0:\n got %s\nwant %s", got, want)
	}
	wantEvents := []string{
		"2022-06-18 04:26:40.123456|FirefoxHistory|firefox_history|Firefox visit with ID 1 to URL: https://news.test/",
		"2022-06-18 04:27:40.000000|FirefoxHistory|firefox_history|Firefox visit with ID 2 to URL: https://badbadbad.example.org/x",
		"2022-06-18 04:28:40.500000|FirefoxHistory|firefox_history|Firefox visit with ID 3 to URL: https://news.test/",
	}
	if d := cmp.Diff(wantEvents, eventsC2(c)); d != "" {
		t.Errorf("timeline (-want +got):\n%s", d)
	}
	wantAlerts := []string{`CRITICAL|Found a known suspicious domain https://badbadbad.example.org/x matching indicator "example.org" from "TestMalware"|2022-06-18 04:27:40.000000|domains:example.org`}
	if d := cmp.Diff(wantAlerts, alertsC2(t, c)); d != "" {
		t.Errorf("alerts (-want +got):\n%s", d)
	}
	if re := recheckC2(t, NewFirefoxHistory(), c, idx); cmp.Diff(wantAlerts, alertsC2(t, re)) != "" {
		t.Errorf("recheck gives %v", alertsC2(t, re))
	}
}

// places.db (Firefox for iOS since 2021, Mozilla's shared history store)
// in a filesystem dump, beside an older browser.db: both are read, and the
// places dates (milliseconds) land on the same clock as browser.db's (µs).
func TestFirefoxHistoryPlacesDump(t *testing.T) {
	places := sqliteBytes(t,
		`CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, title LONGVARCHAR, url_hash INTEGER NOT NULL DEFAULT 0, description TEXT, preview_image_url TEXT, frecency INTEGER NOT NULL DEFAULT -1, hidden INTEGER NOT NULL DEFAULT 0, visit_count_local INTEGER NOT NULL DEFAULT 0, visit_count_remote INTEGER NOT NULL DEFAULT 0, last_visit_date_local INTEGER NOT NULL DEFAULT 0, last_visit_date_remote INTEGER NOT NULL DEFAULT 0, guid TEXT NOT NULL UNIQUE, foreign_count INTEGER NOT NULL DEFAULT 0, sync_status INTEGER NOT NULL DEFAULT 0, sync_change_counter INTEGER NOT NULL DEFAULT 0, site_id INTEGER)`,
		`CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, is_local INTEGER NOT NULL, from_visit INTEGER, place_id INTEGER NOT NULL, visit_date INTEGER NOT NULL, visit_type INTEGER NOT NULL)`,
		`INSERT INTO moz_places (id, url, title, guid) VALUES (1, 'http://example.com/thisisbad', NULL, 'p1')`,
		`INSERT INTO moz_historyvisits VALUES (7, 1, NULL, 1, 1700000000250, 1)`)
	group := "private/var/mobile/Containers/Shared/AppGroup/5E6F/profile.profile/"
	d := dumpA(t, map[string][]byte{group + "browser.db": firefoxBrowserBytes(t), group + "places.db": places})
	c := mustRunC2(t, NewFirefoxHistory(), d, indexA(t))
	if len(c.Records) != 4 || len(c.Events) != 4 || len(c.Alerts) != 2 {
		t.Fatalf("R=%d T=%d A=%v", len(c.Records), len(c.Events), alertsC2(t, c))
	}
	want := `{"id":7,"isodate":"2023-11-14 22:13:20.250000","url":"http://example.com/thisisbad","title":null,"is_local":1,"type":1}`
	if got := mustJSON(t, c.Records[3]); got != want {
		t.Errorf("places record:\n got %s\nwant %s", got, want)
	}
	if a := c.Alerts[1]; a.Indicator.Type != "urls" || a.EventTime != "2023-11-14 22:13:20.250000" {
		t.Errorf("places alert = %+v", a)
	}
}

func TestFirefoxHistoryErrors(t *testing.T) {
	if _, err := runC2(t, NewFirefoxHistory(), fixtureBackupA(t), nil); !isNoData(err) || !strings.Contains(err.Error(), "browser.db") {
		t.Errorf("fixture: err = %v", err)
	}
	bk := backupC2(t, nil, c2File{firefoxGroup, "profile.profile/browser.db", sqliteBytes(t, `CREATE TABLE tabs (id)`, `CREATE TABLE clients (guid)`)})
	if _, err := runC2(t, NewFirefoxHistory(), bk, nil); err == nil || !strings.Contains(err.Error(), "tables found: clients, tabs") {
		t.Errorf("unknown schema: err = %v", err)
	}
	// A corrupt places.db fails the module, but browser.db is still read
	// and checked.
	bk = backupC2(t, nil, c2File{firefoxGroup, "profile.profile/browser.db", firefoxBrowserBytes(t)},
		c2File{firefoxGroup, "profile.profile/places.db", []byte(strings.Repeat("x", 4096))})
	c, err := runC2(t, NewFirefoxHistory(), bk, indexA(t))
	if err == nil || !strings.Contains(err.Error(), "profile.profile/places.db") || len(c.Records) != 3 || len(c.Alerts) != 1 {
		t.Errorf("corrupt places.db: err = %v R=%d A=%d", err, len(c.Records), len(c.Alerts))
	}
}

// firefoxTime tells the three clocks apart by magnitude.
func TestFirefoxTime(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{int64(1655526400123456), "2022-06-18 04:26:40.123456"}, // µs (browser.db visits)
		{float64(1655526400123456), "2022-06-18 04:26:40.123456"},
		{int64(1655526400123), "2022-06-18 04:26:40.123000"}, // ms (places.db)
		{1655526400.5, "2022-06-18 04:26:40.500000"},         // s (favicons)
		{nil, ""}, {int64(0), ""}, {int64(-5), ""}, {"junk", ""},
		{int64(9e18), ""}, // beyond year 9999 in any unit
	} {
		if got := firefoxTime(tc.in); got != tc.want {
			t.Errorf("firefoxTime(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// walDBBytes builds a WAL-mode database whose last rows are only in the
// -wal file (no checkpoint), as a phone leaves Firefox's browser.db when
// the app is running, and returns the main file and the WAL.
func walDBBytes(t *testing.T, schema []string, walOnly ...string) (db, wal []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "browser.db")
	conn, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	for _, s := range append([]string{`PRAGMA journal_mode=WAL`}, schema...) {
		if _, err := conn.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if _, err := conn.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`PRAGMA wal_autocheckpoint=0`); err != nil {
		t.Fatal(err)
	}
	for _, s := range walOnly {
		if _, err := conn.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	// Copied while the connection is open, so nothing is checkpointed.
	if db, err = os.ReadFile(p); err != nil {
		t.Fatal(err)
	}
	if wal, err = os.ReadFile(p + "-wal"); err != nil || len(wal) == 0 {
		t.Fatalf("no WAL content: %v", err)
	}
	return db, wal
}

// A visit committed only to browser.db-wal (a separate backup entry) is
// read and checked; the backup folder is left exactly as it was.
func TestFirefoxHistoryWAL(t *testing.T) {
	db, wal := walDBBytes(t, append(firefoxBrowserSchema,
		`INSERT INTO history (id, guid, url, title, is_deleted, should_upload) VALUES (1, 'g1', 'https://news.test/', 'News', 0, 1)`,
		`INSERT INTO visits (id, siteID, date, type, is_local) VALUES (1, 1, 1655526400123456, 1, 1)`),
		`INSERT INTO history (id, guid, url, title, is_deleted, should_upload) VALUES (2, 'g2', 'https://badbadbad.example.org/wal', 'W', 0, 1)`,
		`INSERT INTO visits (id, siteID, date, type, is_local) VALUES (2, 2, 1655526460000000, 2, 1)`)
	bk := backupC2(t, nil,
		c2File{firefoxGroup, "profile.profile/browser.db", db},
		c2File{firefoxGroup, "profile.profile/browser.db-wal", wal})
	before := folderDigestC2(t, bk.Dir)
	c := mustRunC2(t, NewFirefoxHistory(), bk, indexA(t))
	if len(c.Records) != 2 || len(c.Alerts) != 1 || c.Records[1].(*firefoxVisit).URL != "https://badbadbad.example.org/wal" {
		t.Fatalf("R=%d A=%v", len(c.Records), alertsC2(t, c))
	}
	if after := folderDigestC2(t, bk.Dir); cmp.Diff(before, after) != "" {
		t.Errorf("backup folder changed (-before +after):\n%s", cmp.Diff(before, after))
	}
}

// folderDigestC2 maps every file under dir to its SHA-256.
func folderDigestC2(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[p] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
