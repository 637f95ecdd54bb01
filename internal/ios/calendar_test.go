package ios

import (
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// EXPECTED.md tests/ios_backup/test_calendar.py: R=1, T=4, A=0, summary
// "Super interesting meeting"; with +email user@example.org A=1.
func TestCalendarFixture(t *testing.T) {
	b := fixtureBackupB(t)
	c := mustRunB(t, NewCalendar(), b, fixtureIndexB(t))
	if len(c.Records) != 1 || len(c.Events) != 4 || len(c.Alerts) != 0 {
		t.Fatalf("R=%d T=%d A=%d, want 1 4 0", len(c.Records), len(c.Events), len(c.Alerts))
	}
	r := recordJSON(t, c.Records[0])
	if r["summary"] != "Super interesting meeting" || r["id"] != 1.0 || r["participant_email"] != "user@example.org" ||
		r["start_date"] != "2023-04-18 09:15:00.000000" {
		t.Errorf("record = %v", r)
	}
	c = mustRunB(t, NewCalendar(), b, indexWithB(t, "[email-addr:value = 'user@example.org']"))
	if len(c.Alerts) != 1 || c.Alerts[0].Level != alert.Critical {
		t.Fatalf("alerts = %+v", c.Alerts)
	}
	if re := recheckAllB(t, NewCalendar(), c, indexWithB(t, "[email-addr:value = 'user@example.org']")); len(re.Alerts) != 1 {
		t.Errorf("recheck: %d alerts", len(re.Alerts))
	}
}

// QuaDream's invitation shape, and a calendar without Participant columns
// beyond the required ones.
func TestCalendarQuadream(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Library/Calendar/Calendar.sqlitedb",
		`CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY, summary TEXT, description TEXT, start_date REAL, organizer_id INTEGER, UUID TEXT)`,
		`CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY, UUID TEXT, email TEXT)`,
		`INSERT INTO CalendarItem VALUES (1, 'Meeting', 'Notes', 640000000, 0, 'U1')`)
	c := mustRunB(t, NewCalendar(), dumpB{dir}, nil)
	if len(c.Records) != 1 || len(c.Events) != 1 || countLevel(c, alert.High) != 1 {
		t.Fatalf("R=%d T=%d alerts=%+v", len(c.Records), len(c.Events), c.Alerts)
	}
}
