package ios

import (
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// EXPECTED.md tests/ios_backup/test_whatsapp.py: 3 messages, 2 chat
// sessions, 1 LID pair; T=9 with MVT's descriptions; A=0 without
// indicators. With the test indicators, example.org matches the linked
// message (CRITICAL, the conformance list).
func TestWhatsappFixture(t *testing.T) {
	b := fixtureBackupB(t)
	c := mustRunB(t, NewWhatsapp(), b, nil)
	var messages, sessions, pairs []map[string]any
	for _, r := range c.Records {
		m := recordJSON(t, r)
		switch m["record_type"] {
		case "chat_session":
			sessions = append(sessions, m)
		case "lid_phone_number_pair":
			pairs = append(pairs, m)
		default:
			messages = append(messages, m)
		}
	}
	if len(messages) != 3 || len(sessions) != 2 || len(pairs) != 1 || len(c.Events) != 9 || len(c.Alerts) != 0 {
		t.Fatalf("messages=%d sessions=%d pairs=%d T=%d A=%d", len(messages), len(sessions), len(pairs), len(c.Events), len(c.Alerts))
	}
	if p := pairs[0]; p["lid"] != "100000000000001" || p["phone_number"] != "14155550100" || p["pair_timestamp"] != "2025-08-25 07:33:20.000000" {
		t.Errorf("pair = %v", p)
	}
	var linked int
	for _, m := range messages {
		if l, ok := m["links"].([]any); ok && len(l) > 0 {
			linked++
			if len(l) != 1 || l[0] != "https://example.org/news" {
				t.Errorf("links = %v", l)
			}
		}
	}
	if linked != 1 {
		t.Errorf("%d linked messages", linked)
	}
	byName := map[string]map[string]any{}
	for _, s := range sessions {
		byName[s["partner_name"].(string)] = s
	}
	alice, group := byName["Alice Example"], byName["Example Group"]
	if alice["contact_jid"] != "100000000000001@lid" || alice["partner_resolved_phone_number"] != "+14155550100" ||
		alice["first_stored_message_date"] != "2025-08-27 15:06:40.000000" || alice["last_message_date"] != "2025-08-28 18:53:20.000000" ||
		alice["group_creation_date"] != nil || alice["stored_message_count"] != 2.0 {
		t.Errorf("alice = %v", alice)
	}
	if group["group_creation_date"] != "2025-08-21 20:13:20.000000" || group["first_stored_message_date"] != "2025-08-29 22:40:00.000000" ||
		group["last_stored_message_date"] != "2025-08-29 22:40:00.000000" || group["last_message_date"] != "2025-08-31 02:26:40.000000" {
		t.Errorf("group = %v", group)
	}
	events := map[[2]string]string{}
	for _, e := range c.Events {
		if e.Module != "Whatsapp" {
			t.Errorf("event module %q", e.Module)
		}
		events[[2]string{e.Event, e.Timestamp}] = e.Data
	}
	for k, want := range map[[2]string]string{
		{"chat_first_message", "2025-08-27 15:06:40.000000"}: "First stored message in WhatsApp chat with 'Alice Example' (+14155550100)",
		{"chat_last_message", "2025-08-28 18:53:20.000000"}:  "Last message in WhatsApp chat with 'Alice Example' (+14155550100)",
		{"lid_pair_recorded", "2025-08-25 07:33:20.000000"}:  "WhatsApp associated LID 100000000000001 with phone number 14155550100",
		{"group_created", "2025-08-21 20:13:20.000000"}:      "WhatsApp group chat 'Example Group' (120000000000000001@g.us) was created",
	} {
		if events[k] != want {
			t.Errorf("%v = %q, want %q", k, events[k], want)
		}
	}
	for _, k := range [][2]string{{"chat_first_message", "2025-08-29 22:40:00.000000"}, {"chat_last_message", "2025-08-31 02:26:40.000000"}} {
		if _, ok := events[k]; !ok {
			t.Errorf("missing event %v", k)
		}
	}
	if len(c.URLs) != 1 || c.URLs[0].URL != "https://example.org/news" || c.URLs[0].Source != "whatsapp" {
		t.Errorf("urls = %+v", c.URLs)
	}

	c = mustRunB(t, NewWhatsapp(), b, fixtureIndexB(t))
	crit := c.AlertsAt(alert.Critical)
	if len(c.Alerts) != 1 || len(crit) != 1 || crit[0].Indicator.Value != "example.org" {
		t.Fatalf("alerts = %+v", c.Alerts)
	}
	if re := recheckAllB(t, NewWhatsapp(), c, fixtureIndexB(t)); len(re.Alerts) != 1 {
		t.Errorf("recheck: %d alerts", len(re.Alerts))
	}
}

// An older ChatStorage without media/data item tables or chat sessions
// still gives its messages; a media-server link is dropped.
func TestWhatsappMinimalSchema(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Containers/Shared/AppGroup/G1/ChatStorage.sqlite",
		`CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZFROMJID TEXT, ZTEXT TEXT, ZMESSAGEDATE REAL)`,
		`INSERT INTO ZWAMESSAGE VALUES (1, NULL, 'https://mmg.whatsapp.net/x https://t.example.org/a https://t.example.org/a', 700000000)`)
	c := mustRunB(t, NewWhatsapp(), dumpB{dir}, fixtureIndexB(t))
	if len(c.Records) != 1 || countLevel(c, alert.Critical) != 1 {
		t.Fatalf("R=%d alerts=%+v", len(c.Records), c.Alerts)
	}
	if l := recordJSON(t, c.Records[0])["links"].([]any); len(l) != 1 {
		t.Errorf("links = %v", l)
	}
	if c.Events[0].Data != "'https://mmg.whatsapp.net/x https://t.example.org/a https://t.example.org/a' from unknown - Embedded links: https://t.example.org/a" {
		t.Errorf("event = %q", c.Events[0].Data)
	}
}

// A WhatsApp message with a link written without http:// matches too, in
// the run and in check-iocs.
func TestWhatsappBareLinkMatchesIndicator(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Containers/Shared/AppGroup/G1/ChatStorage.sqlite",
		`CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZFROMJID TEXT, ZTEXT TEXT, ZMESSAGEDATE REAL)`,
		`INSERT INTO ZWAMESSAGE VALUES (1, NULL, 'log in at www.example.org/login now', 700000000)`,
		`INSERT INTO ZWAMESSAGE VALUES (2, NULL, 'the file is notes.txt, v1.2', 700000001)`)
	c := mustRunB(t, NewWhatsapp(), dumpB{dir}, fixtureIndexB(t))
	crit := c.AlertsAt(alert.Critical)
	if len(c.Records) != 2 || len(crit) != 1 || !strings.Contains(crit[0].Message, "www.example.org/login (a link written without http://)") {
		t.Fatalf("R=%d CRITICAL=%+v", len(c.Records), crit)
	}
	if re := recheckAllB(t, NewWhatsapp(), c, fixtureIndexB(t)); countLevel(re, alert.Critical) != 1 {
		t.Errorf("recheck alerts = %+v", re.Alerts)
	}
}
