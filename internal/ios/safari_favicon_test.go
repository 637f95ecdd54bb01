package ios

import (
	"context"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// faviconsDB builds Safari's Favicons.db (iOS 15 layout).
func faviconsDB(t *testing.T, withRejected bool, stmts ...string) []byte {
	base := []string{
		`CREATE TABLE icon_info (uuid TEXT NOT NULL PRIMARY KEY, url TEXT NOT NULL, timestamp REAL NOT NULL,
			width INTEGER NOT NULL DEFAULT 0, height INTEGER NOT NULL DEFAULT 0, has_generated_representations INTEGER NOT NULL DEFAULT 0)`,
		`CREATE TABLE page_url (uuid TEXT NOT NULL, url TEXT NOT NULL PRIMARY KEY)`,
	}
	if withRejected {
		base = append(base, `CREATE TABLE rejected_resources (page_url TEXT NOT NULL, icon_url TEXT NOT NULL, timestamp REAL NOT NULL, PRIMARY KEY (page_url, icon_url))`)
	}
	return sqliteBytes(t, append(base, stmts...)...)
}

func TestSafariFavicon(t *testing.T) {
	src := dumpA(t, map[string][]byte{
		"private/var/mobile/Library/Image Cache/Favicons/Favicons.db": faviconsDB(t, true,
			`INSERT INTO icon_info(uuid, url, timestamp) VALUES ('A1', 'https://www.example.net/favicon.ico', 652000000.5),
				('B2', 'https://static.example.org/icon.png', 651000000)`,
			`INSERT INTO page_url VALUES ('A1', 'https://www.example.net/'), ('B2', 'https://news.example.com/story')`,
			`INSERT INTO rejected_resources VALUES ('http://example.com/thisisbad', 'http://example.com/favicon.ico', 653000000)`),
		// An app's own cache, from before rejected_resources existed.
		"private/var/mobile/Containers/Data/Application/77AA/Library/Image Cache/Favicons/Favicons.db": faviconsDB(t, false,
			`INSERT INTO icon_info(uuid, url, timestamp) VALUES ('C3', 'https://in.app.example/i.png', 600000000)`,
			`INSERT INTO page_url VALUES ('C3', 'https://in.app.example/')`),
	})
	m := NewSafariFavicon()
	c, err := runA(t, m, src, indexA(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Records {
		got = append(got, mustJSON(t, r))
	}
	const app = "private/var/mobile/Containers/Data/Application/77AA/Library/Image Cache/Favicons/Favicons.db"
	const safari = "private/var/mobile/Library/Image Cache/Favicons/Favicons.db"
	want := []string{
		`{"url":"https://in.app.example/","icon_url":"https://in.app.example/i.png","timestamp":600000000,"isodate":"2020-01-06 10:40:00.000000","type":"valid","safari_favicon_db_path":"` + app + `"}`,
		`{"url":"https://news.example.com/story","icon_url":"https://static.example.org/icon.png","timestamp":651000000,"isodate":"2021-08-18 17:20:00.000000","type":"valid","safari_favicon_db_path":"` + safari + `"}`,
		`{"url":"https://www.example.net/","icon_url":"https://www.example.net/favicon.ico","timestamp":652000000.5,"isodate":"2021-08-30 07:06:40.500000","type":"valid","safari_favicon_db_path":"` + safari + `"}`,
		`{"url":"http://example.com/thisisbad","icon_url":"http://example.com/favicon.ico","timestamp":653000000,"isodate":"2021-09-10 20:53:20.000000","type":"rejected","safari_favicon_db_path":"` + safari + `"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s", strings.Join(got, "\n"))
	}
	wantEv := module.TimelineEvent{Timestamp: "2021-09-10 20:53:20.000000", Module: "SafariFavicon", Event: "safari_favicon",
		Data: "Safari favicon from http://example.com/thisisbad with icon URL http://example.com/favicon.ico (rejected)"}
	if len(c.Events) != 4 || c.Events[3] != wantEv {
		t.Errorf("timeline %+v", c.Events)
	}
	// The page URL (indicator) on the rejected icon; the icon URL (domain
	// example.org) on the news page.
	var alerts []string
	for _, a := range c.Alerts {
		if a.Level != alert.Critical || a.Indicator == nil {
			t.Errorf("alert %+v", a)
			continue
		}
		alerts = append(alerts, a.Indicator.Value)
	}
	if strings.Join(alerts, "|") != "example.org|http://example.com/thisisbad" {
		t.Errorf("alerts %v", alerts)
	}
	var rc module.Collector
	if err := m.Recheck(context.Background(), indexA(t), []byte(want[1]), &rc); err != nil || len(rc.Alerts) != 1 {
		t.Errorf("recheck: %v %+v", err, rc.Alerts)
	}
}

func TestSafariFaviconErrors(t *testing.T) {
	if _, err := runA(t, NewSafariFavicon(), dumpA(t, map[string][]byte{"x": nil}), nil); !isNoData(err) || !strings.Contains(err.Error(), "Favicons.db") {
		t.Errorf("absent: %v", err)
	}
	src := dumpA(t, map[string][]byte{"private/var/mobile/Library/Image Cache/Favicons/Favicons.db": sqliteBytes(t, `CREATE TABLE icons(x)`)})
	if _, err := runA(t, NewSafariFavicon(), src, nil); err == nil || isNoData(err) || !strings.Contains(err.Error(), "icons") {
		t.Errorf("unknown schema: %v", err)
	}
}
