package ios

import (
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// The fixture's sms.db has no attachment table (EXPECTED.md): no data.
// A real-schema sms.db in a dump: a received /var/tmp/…-1 attachment
// (MEDIUM), a file-name indicator (HIGH), user_info written base64.
func TestSMSAttachments(t *testing.T) {
	if _, err := runB(t, NewSMSAttachments(), fixtureBackupB(t), nil); !isNoDataErr(err) {
		t.Fatalf("fixture: err = %v, want no data", err)
	}
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Library/SMS/sms.db", smsSchemaB,
		`CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0)`,
		`CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id))`,
		`INSERT INTO handle VALUES (1, '+15555550123', 'us', 'iMessage', NULL, NULL)`,
		`INSERT INTO message VALUES (1, 'G1', NULL, 1, NULL, 'iMessage', 'e:', 700000000000000000, 0, 0)`,
		`INSERT INTO attachment VALUES (1, 'A1', 700000000, 0, '/var/tmp/com.apple.messages/ABC-1', 'public.data', NULL, 5, 0, x'0102', 'ABC-1', 748, 0)`,
		`INSERT INTO attachment VALUES (2, 'A2', 700000001, 0, '~/Library/SMS/Attachments/txt', 'public.text', NULL, 5, 1, NULL, 'txt', 3, 0)`,
		`INSERT INTO attachment VALUES (3, 'A3', 700000002, 0, NULL, NULL, NULL, 5, 0, NULL, NULL, 0, 0)`,
		`INSERT INTO message_attachment_join VALUES (1, 1)`)
	idx := indexWithB(t, "[file:name = 'txt']")
	c := mustRunB(t, NewSMSAttachments(), dumpB{dir}, idx)
	if len(c.Records) != 3 || len(c.Events) != 3 || countLevel(c, alert.Medium) != 1 || countLevel(c, alert.High) != 1 {
		t.Fatalf("R=%d T=%d alerts=%+v", len(c.Records), len(c.Events), c.Alerts)
	}
	r0, r2 := recordJSON(t, c.Records[0]), recordJSON(t, c.Records[2])
	if r0["user_info"] != "AQI=" || r0["has_user_info"] != true || r0["direction"] != "received" || r0["service"] != "iMessage" ||
		r0["phone_number"] != "+15555550123" || r0["attachment_id"] != 1.0 {
		t.Errorf("record 1 = %v", r0)
	}
	if r2["filename"] != "NULL" || r2["service"] != "Unknown" {
		t.Errorf("record 3 = %v", r2)
	}
	if c.Events[0].Data != "iMessage: Attachment 'ABC-1' received from +15555550123 with 748 bytes (is_sticker: 0, has_user_info: True)" {
		t.Errorf("event = %q", c.Events[0].Data)
	}
	if re := recheckAllB(t, NewSMSAttachments(), c, idx); len(re.Alerts) != 2 {
		t.Errorf("recheck: %d alerts", len(re.Alerts))
	}
}
