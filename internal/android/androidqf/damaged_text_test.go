package androidqf

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// A text artifact with content but not one line in the expected form fails
// its module with a sentence naming the file; a blank one is "no data"; the
// other settings namespaces are still read.
func TestDamagedTextArtifacts(t *testing.T) {
	zeros := strings.Repeat("\x00", 2048)
	tests := []struct {
		m     module.Module
		files map[string]string
		name  string // the file the failure names; "" = no data
		recs  int
	}{
		{GetProp{}, map[string]string{"getprop.txt": zeros}, "getprop.txt", 0},
		{GetProp{}, map[string]string{"getprop.txt": "\n \n"}, "", 0},
		{Processes{}, map[string]string{"ps.txt": "USER PID\n" + zeros}, "ps.txt", 0},
		{Processes{}, map[string]string{"ps.txt": ""}, "", 0},
		{Settings{}, map[string]string{"settings_global.txt": zeros, "settings_secure.txt": "install_non_market_apps=1\n"}, "settings_global.txt", 0},
	}
	for _, tc := range tests {
		a := dirAcq(t, tc.files)
		c := &module.Collector{Module: tc.m.Describe().Slug}
		err := tc.m.Run(context.Background(), &module.Input{Source: a, IOCs: indicators(t)}, c)
		switch {
		case tc.name == "":
			if !errors.Is(err, module.ErrNoData) {
				t.Errorf("%s on %v: err %v, want no data", tc.m.Describe().Slug, keys(tc.files), err)
			}
		case err == nil || errors.Is(err, module.ErrNoData) || !strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), "damaged"):
			t.Errorf("%s on %v: err %v, want a failure naming %s as damaged", tc.m.Describe().Slug, keys(tc.files), err, tc.name)
		}
		if len(c.Records) != tc.recs {
			t.Errorf("%s: %d records, want %d", tc.m.Describe().Slug, len(c.Records), tc.recs)
		}
		if res, ok := c.Single.(SettingsResult); ok {
			// The readable namespace is kept and checked.
			if _, bad := res["global"]; bad || res["secure"]["install_non_market_apps"] != "1" || len(c.Alerts) != 1 {
				t.Errorf("settings kept %v with %d alerts, want secure only and its alert", res, len(c.Alerts))
			}
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
