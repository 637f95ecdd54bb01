package cli

import (
	"strings"
	"testing"
)

func TestSnakeCaseMatchesMVTSlugs(t *testing.T) {
	for in, want := range map[string]string{
		"SMS":                          "sms",
		"SMSAttachments":               "sms_attachments",
		"IDStatusCache":                "id_status_cache",
		"OSAnalyticsADDaily":           "os_analytics_ad_daily",
		"AQFGetProp":                   "aqf_get_prop",
		"InteractionC":                 "interaction_c",
		"SafariHistory":                "safari_history",
		"WebkitResourceLoadStatistics": "webkit_resource_load_statistics",
		"sms":                          "sms",
	} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsWithin(t *testing.T) {
	for _, c := range []struct {
		p, root string
		want    bool
	}{
		{"/e/backup", "/e/backup", true},
		{"/e/backup/out", "/e/backup", true},
		{"/e/backup-out", "/e/backup", false},
		{"/e", "/e/backup", false},
		{"/tmp/out", "/e/backup", false},
	} {
		if got := isWithin(c.p, c.root); got != c.want {
			t.Errorf("isWithin(%q, %q) = %v", c.p, c.root, got)
		}
	}
}

// -l lists the modules without needing the evidence, as MVT's does: all 28
// modules MVT runs on a backup.
func TestListModules(t *testing.T) {
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-backup", "-l"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stdout.String(), "\n"); n != 28 {
		t.Errorf("%d modules listed, want 28:\n%s", n, stdout)
	}
	app, _, _ = testApp(t)
	if code := run(t, app, "ios", "check-backup"); code != 2 {
		t.Errorf("missing evidence argument: exit %d, want 2", code)
	}
	app, _, _ = testApp(t)
	if code := run(t, app, "ios", "check-backup", "-m", "NoSuchModule", iosBackupFixture); code != 2 {
		t.Errorf("unknown module: exit %d, want 2", code)
	}
}
