package ios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func timelineHas(evs []string, want string) bool {
	for _, e := range evs {
		if e == want {
			return true
		}
	}
	return false
}

func TestInteractionCFixture(t *testing.T) {
	c, err := runA(t, NewInteractionC(), fixtureBackupA(t), indexA(t))
	if err != nil {
		t.Fatal(err)
	}
	// EXPECTED.md test_interactionc.py: R=3, no alerts.
	if len(c.Records) != 3 || len(c.Alerts) != 0 {
		t.Fatalf("R=%d A=%d, want 3/0", len(c.Records), len(c.Alerts))
	}
	in := c.Records[0].(*sqlRow)
	if in.str("sender_identifier") != "100000000000001@lid" || in.str("sender_resolved_phone") != "+14155550100" || in.str("sender_resolved_name") != "Alice Example" {
		t.Errorf("incoming WhatsApp record: %s", mustJSON(t, in))
	}
	outRec := c.Records[1].(*sqlRow)
	if outRec.str("recipient_identifier") != "+14155550100" || outRec.str("recipient_resolved_name") != "Alice Example" || outRec.str("recipient_resolved_phone") != "+14155550100" {
		t.Errorf("outgoing WhatsApp record: %s", mustJSON(t, outRec))
	}
	sms := c.Records[2].(*sqlRow)
	if sms.str("bundle_id") != "com.apple.MobileSMS" || sms.str("sender_display_name") != "Bob Example" || sms.get("sender_resolved_name") != nil {
		t.Errorf("SMS record: %s", mustJSON(t, sms))
	}
	var lines []string
	creation := 0
	for _, e := range c.Events {
		lines = append(lines, e.Data)
		if e.Module != "InteractionC" {
			t.Errorf("event module %q", e.Module)
		}
		if e.Event == "interactions_creation_date" {
			creation++
			if e.Timestamp != "2025-12-09 12:26:40.000000" || !strings.HasPrefix(e.Data, "Interaction record created 90 days after the event: ") {
				t.Errorf("creation event %+v", e)
			}
		}
		if e.Event == "first_incoming_sender_date" && (e.Timestamp != "2025-09-03 13:46:40.000000" || e.Data != "First incoming interaction from Bob Example (+14155550101)") {
			t.Errorf("first incoming event %+v", e)
		}
	}
	if creation != 1 {
		t.Errorf("%d interactions_creation_date events, want 1", creation)
	}
	for _, want := range []string{
		"[net.whatsapp.WhatsApp] INCOMING from Alice Example (+14155550100) to local user",
		"[net.whatsapp.WhatsApp] OUTGOING from local user to Alice Example (+14155550100)",
		"[com.apple.MobileSMS] INCOMING from Bob Example (+14155550101) to local user",
		"Last incoming interaction from Bob Example (+14155550101)",
	} {
		if !timelineHas(lines, want) {
			t.Errorf("timeline lacks %q; have %q", want, lines)
		}
	}
}

// Without WhatsApp's address book the LID and number are shown raw.
func TestInteractionCWithoutContacts(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "ios_backup", "1f", "1f5a521220a3ad80ebfdc196978df8e7a2e49dee"))
	if err != nil {
		t.Fatal(err)
	}
	d := dumpA(t, map[string][]byte{"private/var/mobile/Library/CoreDuet/People/interactionC.db": b})
	c, err := runA(t, NewInteractionC(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range c.Events {
		lines = append(lines, e.Data)
	}
	if len(c.Records) != 3 {
		t.Errorf("R=%d, want 3", len(c.Records))
	}
	for _, want := range []string{
		"[net.whatsapp.WhatsApp] INCOMING from 100000000000001@lid to local user",
		"[net.whatsapp.WhatsApp] OUTGOING from local user to +14155550100",
	} {
		if !timelineHas(lines, want) {
			t.Errorf("timeline lacks %q; have %q", want, lines)
		}
	}
}

// An old schema without attachments or recipients still reads.
func TestInteractionCOldSchema(t *testing.T) {
	db := sqliteBytes(t,
		`CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSENDER INTEGER, ZSTARTDATE REAL, ZENDDATE REAL, ZBUNDLEID TEXT, ZDIRECTION INTEGER, ZMECHANISM INTEGER)`,
		`CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, ZDISPLAYNAME TEXT, ZIDENTIFIER TEXT)`,
		`INSERT INTO ZCONTACTS VALUES (1, 'Carol', 'carol@example.net')`,
		`INSERT INTO ZINTERACTIONS VALUES (1, 1, 600000000, 600000060, 'com.apple.mobilemail', 0, 1)`,
	)
	d := dumpA(t, map[string][]byte{"private/var/mobile/Library/CoreDuet/People/interactionC.db": db})
	c, err := runA(t, NewInteractionC(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records) != 1 || len(c.Events) != 2 {
		t.Fatalf("R=%d T=%d, want 1/2", len(c.Records), len(c.Events))
	}
	if c.Events[0].Data != "[com.apple.mobilemail] INCOMING from Carol (carol@example.net) to local user" || c.Events[0].Timestamp != "2020-01-06 10:40:00.000000" {
		t.Errorf("event %+v", c.Events[0])
	}
	bad := sqliteBytes(t, `CREATE TABLE ZOTHER (x)`)
	d = dumpA(t, map[string][]byte{"private/var/mobile/Library/CoreDuet/People/interactionC.db": bad})
	if _, err := runA(t, NewInteractionC(), d, nil); err == nil || !strings.Contains(err.Error(), "tables found: ZOTHER") {
		t.Errorf("unknown schema: err = %v", err)
	}
}
