package ios

import (
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// EXPECTED.md tests/ios_backup/test_tcc.py: R=11, T=11, A=0; results[0] is
// kTCCServiceUbiquity / com.apple.Preferences / "allowed"; with the test
// indicators A=1 on kTCCServiceLiverpool / Launch.
func TestTCCFixture(t *testing.T) {
	b := fixtureBackupB(t)
	c := mustRunB(t, NewTCC(), b, nil)
	if len(c.Records) != 11 || len(c.Events) != 11 || len(c.Alerts) != 0 {
		t.Fatalf("R=%d T=%d A=%d, want 11 11 0", len(c.Records), len(c.Events), len(c.Alerts))
	}
	r0 := recordJSON(t, c.Records[0])
	want := map[string]any{"service": "kTCCServiceUbiquity", "client": "com.apple.Preferences", "auth_value": "allowed",
		"client_type": "bundle_id", "auth_reason_desc": "unknown", "last_modified": "2020-08-12 13:13:16.000000"}
	for k, v := range want {
		if r0[k] != v {
			t.Errorf("%s = %v, want %v", k, r0[k], v)
		}
	}
	if _, ok := r0["allowed_value"]; ok {
		t.Errorf("v3 record has allowed_value")
	}
	if e := c.Events[0]; e.Module != "TCC" || e.Event != "AccessRequest" || e.Data != "Access to kTCCServiceUbiquity by com.apple.Preferences allowed" {
		t.Errorf("event = %+v", e)
	}

	c = mustRunB(t, NewTCC(), b, fixtureIndexB(t))
	crit := c.AlertsAt(alert.Critical)
	if len(c.Alerts) != 1 || len(crit) != 1 {
		t.Fatalf("alerts = %+v", c.Alerts)
	}
	ev := recordJSON(t, crit[0].Event)
	if ev["service"] != "kTCCServiceLiverpool" || ev["client"] != "Launch" || crit[0].Indicator.Type != "processes" {
		t.Errorf("alert = %+v", crit[0])
	}
	if re := recheckAllB(t, NewTCC(), c, fixtureIndexB(t)); len(re.Alerts) != 1 {
		t.Errorf("recheck gave %d alerts", len(re.Alerts))
	}
}

// The v2 and v1 layouts of older iOS versions.
func TestTCCOldSchemas(t *testing.T) {
	for _, tc := range []struct {
		name, schema, insert string
		events               int
	}{
		{"v2", `CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER, allowed INTEGER, prompt_count INTEGER, last_modified INTEGER)`,
			`INSERT INTO access VALUES ('kTCCServiceCamera', '/usr/bin/Launch', 1, 1, 2, 1600000000)`, 1},
		{"v1", `CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER, allowed INTEGER, prompt_count INTEGER)`,
			`INSERT INTO access VALUES ('kTCCServiceCamera', '/usr/bin/Launch', 1, 1, 2)`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			makeDBB(t, dir, "private/var/mobile/Library/TCC/TCC.db", tc.schema, tc.insert)
			c := mustRunB(t, NewTCC(), dumpB{dir}, fixtureIndexB(t))
			if len(c.Records) != 1 || len(c.Events) != tc.events || countLevel(c, alert.Critical) != 1 {
				t.Fatalf("R=%d T=%d alerts=%+v", len(c.Records), len(c.Events), c.Alerts)
			}
			r := recordJSON(t, c.Records[0])
			if r["allowed_value"] != "allowed" || r["client_type"] != "absolute_path" || r["prompt_count"] != 2.0 {
				t.Errorf("record = %v", r)
			}
		})
	}
}
