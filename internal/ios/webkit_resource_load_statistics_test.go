package ios

import (
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// EXPECTED.md tests/ios_backup/test_webkit_resource_load_statistics.py:
// R=2, T=2, A=0; google.com has most_recent_user_interaction_time > 0 and
// its _isodate; gstatic.com has -1.0 and no _isodate; no web-push key.
func TestWebkitResourceLoadStatisticsFixture(t *testing.T) {
	b := fixtureBackupB(t)
	c := mustRunB(t, NewWebkitResourceLoadStatistics(), b, fixtureIndexB(t))
	if len(c.Records) != 2 || len(c.Events) != 2 || len(c.Alerts) != 0 {
		t.Fatalf("R=%d T=%d A=%d, want 2 2 0", len(c.Records), len(c.Events), len(c.Alerts))
	}
	byDomain := map[string]map[string]any{}
	for _, r := range c.Records {
		m := recordJSON(t, r)
		byDomain[m["registrable_domain"].(string)] = m
		if _, ok := m["most_recent_web_push_interaction_time"]; ok {
			t.Errorf("web push key present: %v", m)
		}
		if m["domain"] != "AppDomain-com.google.chrome.ios" || m["path"] != webkitObservationsRel {
			t.Errorf("domain/path = %v %v", m["domain"], m["path"])
		}
	}
	g, s := byDomain["google.com"], byDomain["gstatic.com"]
	if v, _ := g["most_recent_user_interaction_time"].(float64); v <= 0 {
		t.Errorf("google.com = %v", g)
	}
	if _, ok := g["most_recent_user_interaction_time_isodate"]; !ok || g["had_user_interaction"] != true {
		t.Errorf("google.com = %v", g)
	}
	if _, ok := s["most_recent_user_interaction_time_isodate"]; ok || s["most_recent_user_interaction_time"] != -1.0 {
		t.Errorf("gstatic.com = %v", s)
	}
	if c.Events[0].Data != "Webkit resource loaded from google.com by app in domain AppDomain-com.google.chrome.ios" {
		t.Errorf("event = %+v", c.Events[0])
	}
}

// The full timestamp schema in a dump: R=1 with the user time 1634560030.0
// and its isodate, the web-push time -1.0 without one; example.org matches.
func TestWebkitResourceLoadStatisticsFullSchema(t *testing.T) {
	dir := t.TempDir()
	makeDBB(t, dir, "private/var/mobile/Containers/Data/Application/APP/"+webkitObservationsRel,
		`CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT NOT NULL, lastSeen REAL NOT NULL, hadUserInteraction INTEGER NOT NULL, mostRecentUserInteractionTime REAL NOT NULL, mostRecentWebPushInteractionTime REAL NOT NULL)`,
		`INSERT INTO ObservedDomains VALUES (1, 'example.org', 1634560250.0, 1, 1634560030.0, -1.0)`)
	c := mustRunB(t, NewWebkitResourceLoadStatistics(), dumpB{dir}, fixtureIndexB(t))
	if len(c.Records) != 1 || countLevel(c, alert.Critical) != 1 {
		t.Fatalf("R=%d alerts=%+v", len(c.Records), c.Alerts)
	}
	m := recordJSON(t, c.Records[0])
	if m["most_recent_user_interaction_time"] != 1634560030.0 || m["most_recent_user_interaction_time_isodate"] != "2021-10-18 12:27:10.000000" ||
		m["most_recent_web_push_interaction_time"] != -1.0 || m["domain"] != "" {
		t.Errorf("record = %v", m)
	}
	if _, ok := m["most_recent_web_push_interaction_time_isodate"]; ok {
		t.Errorf("web push isodate present")
	}
	if re := recheckAllB(t, NewWebkitResourceLoadStatistics(), c, fixtureIndexB(t)); len(re.Alerts) != 1 {
		t.Errorf("recheck: %d alerts", len(re.Alerts))
	}
}
