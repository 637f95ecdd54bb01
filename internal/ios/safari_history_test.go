package ios

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

const safariHistorySchemaB = `CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, domain_expansion TEXT NULL, visit_count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE, visit_time REAL NOT NULL, title TEXT NULL, load_successful BOOLEAN NOT NULL DEFAULT 1, redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE, redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE, origin INTEGER NOT NULL DEFAULT 0);
CREATE INDEX history_visits__last_visit ON history_visits (visit_time);`

// EXPECTED.md tests/ios_backup/test_safari_history.py: the fixture's
// History.db (1a0e7afc…) is absent → no records (spyglass: module.NoData).
func TestSafariHistoryFixtureAbsent(t *testing.T) {
	c, err := runB(t, NewSafariHistory(), fixtureBackupB(t), nil)
	if !isNoDataErr(err) || len(c.Records) != 0 || len(c.Alerts) != 0 {
		t.Fatalf("err=%v R=%d A=%d", err, len(c.Records), len(c.Alerts))
	}
}

// Default and profile History.db in a dump: R=2 with distinct DB paths; the
// profile DB's visit matches +domain profile.example.net (A=1). Then the
// redirect checks: ids are scoped per DB, and an http:// visit redirected to
// another domain in 250 ms gives MEDIUM, while a same-domain upgrade does not.
func TestSafariHistoryProfilesAndRedirects(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Library/Safari/History.db", safariHistorySchemaB,
		`INSERT INTO history_items (id, url) VALUES (1, 'https://default.example.net/visited-page')`,
		`INSERT INTO history_visits (id, history_item, visit_time, redirect_destination) VALUES (1, 1, 700000000.0, 2)`)
	makeDBB(t, dir, "private/var/mobile/Containers/Data/Application/APP/Library/Safari/Profiles/P1/History.db", safariHistorySchemaB,
		`INSERT INTO history_items (id, url) VALUES (1, 'https://profile.example.net/visited-page')`,
		`INSERT INTO history_visits (id, history_item, visit_time) VALUES (1, 1, 700000001.0)`)
	// The default DB's visit 1 points at destination 2, which exists only in
	// the profile DB: no redirect may be found across databases.
	idx := indexWithB(t, "[domain-name:value = 'profile.example.net']")
	c := mustRunB(t, NewSafariHistory(), dumpB{dir}, idx)
	if len(c.Records) != 2 || len(c.Events) != 2 || len(c.Alerts) != 1 || c.Alerts[0].Level != alert.Critical {
		t.Fatalf("R=%d T=%d alerts=%+v", len(c.Records), len(c.Events), c.Alerts)
	}
	v0, v1 := c.Records[0].(*safariVisit), c.Records[1].(*safariVisit)
	if v0.DB == v1.DB || *v1.URL != "https://profile.example.net/visited-page" || c.Alerts[0].Event != c.Records[1] {
		t.Errorf("records = %+v %+v", v0, v1)
	}
	if re := recheckAllB(t, NewSafariHistory(), c, idx); len(re.Alerts) != 1 {
		t.Errorf("recheck: %d alerts", len(re.Alerts))
	}

	dir = t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Library/Safari/History.db", safariHistorySchemaB,
		`INSERT INTO history_items (id, url) VALUES (1, 'http://news.test/'), (2, 'https://evil.test/landing'), (3, 'http://www.same.test/'), (4, 'https://same.test/')`,
		`INSERT INTO history_visits (id, history_item, visit_time, redirect_destination) VALUES (1, 1, 700000000.0, 2)`,
		`INSERT INTO history_visits (id, history_item, visit_time, redirect_source) VALUES (2, 2, 700000000.25, 1)`,
		`INSERT INTO history_visits (id, history_item, visit_time, redirect_destination) VALUES (3, 3, 700000100.0, 4)`,
		`INSERT INTO history_visits (id, history_item, visit_time, redirect_source) VALUES (4, 4, 700000100.1, 3)`)
	c = mustRunB(t, NewSafariHistory(), dumpB{dir}, nil)
	med := c.AlertsAt(alert.Medium)
	if len(c.Records) != 4 || len(med) != 1 || med[0].Message != "Redirect took less than a second! (250.0 milliseconds)" ||
		med[0].Heuristic.ID != "ios.safari_history.fast_http_redirect" {
		t.Fatalf("R=%d MEDIUM=%+v", len(c.Records), med)
	}
}

// Visits come in time order, and visits at the same instant in visit-id
// order whatever the query plan: here the item order (which the real
// history_visits__last_visit index follows) is the reverse of the id order.
func TestSafariHistoryOrderIsTimeThenVisitID(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Library/Safari/History.db",
		`CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE);
CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, history_item INTEGER NOT NULL, visit_time REAL NOT NULL, synthesized BOOLEAN NOT NULL DEFAULT 0, redirect_source INTEGER NULL UNIQUE, redirect_destination INTEGER NULL UNIQUE);
CREATE INDEX history_visits__last_visit ON history_visits (history_item, visit_time DESC, synthesized ASC);`,
		`INSERT INTO history_items (id, url) VALUES (1, 'https://a.test/'), (2, 'https://b.test/'), (3, 'https://c.test/')`,
		`INSERT INTO history_visits (id, history_item, visit_time) VALUES (1, 3, 700000005.0), (2, 2, 700000005.0), (3, 1, 700000005.0), (4, 1, 700000001.0)`)
	c := mustRunB(t, NewSafariHistory(), dumpB{dir}, nil)
	var got []string
	for _, r := range c.Records {
		got = append(got, pyText(r.(*safariVisit).VisitID))
	}
	if want := "4 1 2 3"; strings.Join(got, " ") != want {
		t.Errorf("visit order %v, want %s", got, want)
	}
}

// A broken History.db (here the default one, read first) fails the module
// only after the other databases are read: a planted file cannot hide a
// profile's history.
func TestSafariHistoryBrokenDBDoesNotHideTheOthers(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Containers/Data/Application/APP/Library/Safari/Profiles/P1/History.db", safariHistorySchemaB,
		`INSERT INTO history_items (id, url) VALUES (1, 'https://profile.example.net/')`,
		`INSERT INTO history_visits (id, history_item, visit_time) VALUES (1, 1, 700000000.0)`)
	broken := filepath.Join(dir, "private/var/mobile/Library/Safari/History.db")
	if err := os.MkdirAll(filepath.Dir(broken), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, bytes.Repeat([]byte("not a database "), 300), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := runB(t, NewSafariHistory(), dumpB{dir}, nil)
	if err == nil || !strings.Contains(err.Error(), "Library/Safari/History.db") {
		t.Errorf("err = %v, want the broken database named", err)
	}
	if len(c.Records) != 1 {
		t.Errorf("%d records, want the profile history's 1", len(c.Records))
	}
}
