package ios

import (
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/plistsafe/plisttest"
)

// Every module that reads a plist file from the backup, given one nested a
// million levels deep (XML or binary), fails naming the file; the process
// lives. The decoder alone would overflow its stack, which kills the
// process (the bounds themselves are tested in internal/plistsafe).
func TestModulePlistsDeepNesting(t *testing.T) {
	for _, c := range []struct {
		mod          module.Module
		domain, rel  string
		key, mention string
	}{
		{NewLocationdClients(), "RootDomain", locationdRel, "a:", "clients.plist"},
		{NewIDStatusCache(), "HomeDomain", idStatusRel, "IDStatusCache", "idstatuscache.plist"},
		{NewOSAnalyticsADDaily(), "HomeDomain", adDailyRel, "netUsageBaseline", "addaily.plist"},
		{NewProfileEvents(), "HomeDomain", profileEventsRel, "ProfileEvents", "MCProfileEvents.plist"},
		{NewGlobalPreferences(), "HomeDomain", "Library/Preferences/.GlobalPreferences.plist", "LDMGlobalEnabled", ".GlobalPreferences.plist"},
	} {
		for form, doc := range map[string][]byte{
			"xml":    plisttest.DeepXML(c.key, 1_000_000),
			"binary": plisttest.DeepBinary(c.key, 1_000_000),
		} {
			t.Run(c.mod.Describe().Slug+"/"+form, func(t *testing.T) {
				bk := backupC1(t, backupFileC1{c.domain, c.rel, doc})
				_, err := runA(t, c.mod, bk, nil)
				if err == nil || !strings.Contains(err.Error(), c.mention) || !strings.Contains(err.Error(), "nested") {
					t.Errorf("err = %v", err)
				}
			})
		}
	}
}
