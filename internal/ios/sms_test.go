package ios

import (
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// EXPECTED.md tests/ios_backup/test_sms.py: R=1, T=2, one urls.json entry,
// A=0 without indicators; with the test indicators example.org matches the
// message's link (CRITICAL, the conformance list).
func TestSMSFixture(t *testing.T) {
	b := fixtureBackupB(t)
	c := mustRunB(t, NewSMS(), b, nil)
	if len(c.Records) != 1 || len(c.Events) != 2 || len(c.Alerts) != 0 {
		t.Fatalf("R=%d T=%d A=%d, want 1 2 0", len(c.Records), len(c.Events), len(c.Alerts))
	}
	want := module.URL{URL: "https://badbadbad.example.org/", Timestamp: "2019-08-29 23:13:30.000000", Source: "sms"}
	if len(c.URLs) != 1 || c.URLs[0].URL != want.URL || c.URLs[0].Timestamp != want.Timestamp ||
		c.URLs[0].Source != want.Source || c.URLs[0].ExpandedURL != nil {
		t.Fatalf("urls = %+v, want [%+v]", c.URLs, want)
	}
	rec := recordJSON(t, c.Records[0])
	for k, v := range map[string]any{
		"text":         "Please click here https://badbadbad.example.org/",
		"phone_number": "apple",
		"direction":    "received",
		"isodate":      "2019-08-29 23:13:30.000000",
		"guid":         "FDC6EC94-9D5A-434D-90FA-BF170E10A311",
	} {
		if rec[k] != v {
			t.Errorf("%s = %v, want %v", k, rec[k], v)
		}
	}
	if l, _ := rec["links"].([]any); len(l) != 1 || l[0] != "https://badbadbad.example.org/" {
		t.Errorf("links = %v", rec["links"])
	}
	if c.Events[0].Module != "SMS" || c.Events[0].Event != "sms_received" || c.Events[1].Event != "sms_read" {
		t.Errorf("events = %+v", c.Events)
	}

	c = mustRunB(t, NewSMS(), b, fixtureIndexB(t))
	crit := c.AlertsAt(alert.Critical)
	if len(c.Alerts) != 1 || len(crit) != 1 {
		t.Fatalf("alerts = %+v, want 1 CRITICAL", c.Alerts)
	}
	a := crit[0]
	if a.Indicator == nil || a.Indicator.Value != "example.org" || a.Indicator.Name != "TestMalware" {
		t.Errorf("indicator = %+v", a.Indicator)
	}
	wantMsg := `Found a known suspicious domain https://badbadbad.example.org/ matching indicator "example.org" from "TestMalware"`
	if a.Message != wantMsg {
		t.Errorf("message = %q, want %q", a.Message, wantMsg)
	}
	if a.Event != c.Records[0] {
		t.Errorf("the alert's event is not the record")
	}

	re := recheckAllB(t, NewSMS(), c, fixtureIndexB(t))
	if len(re.Alerts) != 1 || re.Alerts[0].Level != alert.Critical {
		t.Errorf("recheck alerts = %+v", re.Alerts)
	}
}

const smsSchemaB = `CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, handle_id INTEGER DEFAULT 0, attributedBody BLOB, service TEXT, account TEXT, date INTEGER, date_read INTEGER, is_from_me INTEGER DEFAULT 0);`

// A synthetic sms.db in a filesystem dump: the Apple threat notification
// (HIGH), a message without a handle (kept, unlike MVT), a binary column
// written base64 and an indicator URL matched exactly.
func TestSMSDumpHeuristicsAndVariants(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Library/SMS/sms.db", smsSchemaB,
		`INSERT INTO handle VALUES (1, '+15555550123', 'us', 'iMessage', NULL, NULL)`,
		`INSERT INTO message VALUES (1, 'G1', 'ALERT: Apple detected a targeted mercenary spyware attack against your iPhone. More at https://support.apple.com/x', 1, x'00ff', 'iMessage', 'e:', 700000000, 0, 0)`,
		`INSERT INTO message VALUES (2, 'G2', 'see http://example.com/thisisbad and HTTPS://ok.test/a', 0, NULL, 'SMS', NULL, 700000001000000000, 700000002000000000, 1)`,
		`INSERT INTO message VALUES (3, 'G3', NULL, 1, NULL, 'SMS', NULL, NULL, NULL, 0)`,
	)
	c := mustRunB(t, NewSMS(), dumpB{dir}, fixtureIndexB(t))
	if len(c.Records) != 3 {
		t.Fatalf("R=%d, want 3 (the message without a handle is kept)", len(c.Records))
	}
	// 3 received events, 1 read event.
	if len(c.Events) != 4 {
		t.Errorf("T=%d, want 4: %+v", len(c.Events), c.Events)
	}
	high := c.AlertsAt(alert.High)
	if len(high) != 1 || high[0].Heuristic == nil || high[0].Heuristic.ID != "ios.sms.apple_threat_notification" {
		t.Errorf("HIGH alerts = %+v", high)
	}
	crit := c.AlertsAt(alert.Critical)
	if len(crit) != 1 || crit[0].Indicator.Type != "urls" || crit[0].Indicator.Value != "http://example.com/thisisbad" {
		t.Errorf("CRITICAL alerts = %+v", crit)
	}
	r0 := recordJSON(t, c.Records[0])
	if r0["attributedBody"] != "AP8=" {
		t.Errorf("attributedBody = %v, want base64", r0["attributedBody"])
	}
	r1 := recordJSON(t, c.Records[1])
	if r1["phone_number"] != nil || r1["direction"] != "sent" || r1["isodate"] != "2023-03-08 20:26:41.000000" {
		t.Errorf("record 2 = %v", r1)
	}
	if l := r1["links"].([]any); len(l) != 2 || l[1] != "HTTPS://ok.test/a" {
		t.Errorf("links = %v", l)
	}
	r2 := recordJSON(t, c.Records[2])
	if r2["text"] != "" || r2["isodate"] != "" {
		t.Errorf("record 3 = %v", r2)
	}
	if len(c.URLs) != 3 {
		t.Errorf("urls = %+v", c.URLs)
	}
}

func TestSMSUnknownSchemaAndAbsent(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Library/SMS/sms.db", `CREATE TABLE chats (x)`)
	_, err := runB(t, NewSMS(), dumpB{dir}, nil)
	if err == nil || isNoDataErr(err) || !strings.Contains(err.Error(), "chats") {
		t.Fatalf("err = %v, want an unknown-schema error listing the tables", err)
	}
	_, err = runB(t, NewSMS(), dumpB{t.TempDir()}, nil)
	if !isNoDataErr(err) {
		t.Fatalf("err = %v, want no data", err)
	}
}

// A link written without http:// is checked too (MVT checks only http(s)
// links): the alert names it as such, while the record's links stay MVT's.
func TestSMSBareLinkMatchesIndicator(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Library/SMS/sms.db", smsSchemaB,
		`INSERT INTO message VALUES (1, 'G1', 'Your parcel is held: example.org/track?id=1 reply STOP', 0, NULL, 'SMS', NULL, 700000000, 0, 0)`,
		`INSERT INTO message VALUES (2, 'G2', 'see https://ok.test/a then www.example.org/x.', 0, NULL, 'SMS', NULL, 700000001, 0, 0)`,
		`INSERT INTO message VALUES (3, 'G3', 'Meet at 5.30. Bring v1.2 and notes.txt', 0, NULL, 'SMS', NULL, 700000002, 0, 0)`,
	)
	c := mustRunB(t, NewSMS(), dumpB{dir}, fixtureIndexB(t))
	crit := c.AlertsAt(alert.Critical)
	if len(crit) != 2 {
		t.Fatalf("CRITICAL alerts = %+v, want 2", crit)
	}
	if !strings.Contains(crit[0].Message, "example.org/track?id=1 (a link written without http://)") || crit[0].Indicator.Value != "example.org" {
		t.Errorf("alert 1 = %q %+v", crit[0].Message, crit[0].Indicator)
	}
	if !strings.Contains(crit[1].Message, "www.example.org/x (a link written without http://)") {
		t.Errorf("alert 2 = %q", crit[1].Message)
	}
	if l := recordJSON(t, c.Records[0])["links"].([]any); len(l) != 0 {
		t.Errorf("links = %v: MVT's links field has only http(s) links", l)
	}
	if re := recheckAllB(t, NewSMS(), c, fixtureIndexB(t)); countLevel(re, alert.Critical) != 2 {
		t.Errorf("recheck alerts = %+v", re.Alerts)
	}
}
