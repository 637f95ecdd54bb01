package cli

import "testing"

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
