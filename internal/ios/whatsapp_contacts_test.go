package ios

import "testing"

// EXPECTED.md tests/ios_backup/test_whatsapp_contacts.py: R=2, T=5, A=0,
// with Alice's and Bob's values; a missing DB gives no records.
func TestWhatsappContactsFixture(t *testing.T) {
	c := mustRunB(t, NewWhatsappContacts(), fixtureBackupB(t), fixtureIndexB(t))
	if len(c.Records) != 2 || len(c.Events) != 5 || len(c.Alerts) != 0 {
		t.Fatalf("R=%d T=%d A=%d, want 2 5 0", len(c.Records), len(c.Events), len(c.Alerts))
	}
	by := map[string]map[string]any{}
	for _, r := range c.Records {
		m := recordJSON(t, r)
		by[m["full_name"].(string)] = m
	}
	a := by["Alice Example"]
	for k, v := range map[string]any{"phone_number": "+14155550100", "whatsapp_id": "14155550100@s.whatsapp.net",
		"lid": "100000000000001@lid", "user_name": "alice.example", "disappearing_mode_duration": 86400.0,
		"disappearing_mode_is_on": true, "disappearing_mode_label": "24 hours",
		"disappearing_mode_timestamp": "2025-07-23 21:46:40.000000", "about_timestamp": "2025-07-12 08:00:00.000000",
		"about_expiration_timestamp": "2025-08-16 01:20:00.000000", "last_updated": "2025-08-04 11:33:20.000000"} {
		if a[k] != v {
			t.Errorf("alice %s = %v, want %v", k, a[k], v)
		}
	}
	var bob map[string]any
	for n, m := range by {
		if n != "Alice Example" {
			bob = m
		}
	}
	if bob == nil || bob["lid"] != nil || bob["disappearing_mode_duration"] != nil || bob["disappearing_mode_is_on"] != false || bob["disappearing_mode_label"] != "off" {
		t.Errorf("bob = %v", bob)
	}
	if _, err := runB(t, NewWhatsappContacts(), dumpB{t.TempDir()}, nil); !isNoDataErr(err) {
		t.Errorf("missing DB: err = %v", err)
	}
}
