package cli

import (
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
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

// -l lists the modules without needing the evidence, as MVT's does: every
// module that runs on a backup, each with its sentence.
func TestListModules(t *testing.T) {
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-backup", "-l"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	mods := ios.ModulesFor(module.IOSBackup)
	if n := strings.Count(stdout.String(), "\n"); n != len(mods) {
		t.Errorf("%d modules listed, want %d:\n%s", n, len(mods), stdout)
	}
	for _, m := range mods {
		d := m.Describe()
		if !strings.Contains(stdout.String(), d.Slug) || !strings.Contains(stdout.String(), d.Description) {
			t.Errorf("-l lacks %s and its sentence", d.Slug)
		}
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
