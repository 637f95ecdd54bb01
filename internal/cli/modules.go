package cli

import (
	"github.com/spyglass-forensics/spyglass/internal/android"
	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// platformModules lists every module of one platform's commands once, for
// check-iocs. The platforms are kept apart because both have an "sms"
// module whose records differ.
func platformModules(platform string) []module.Module {
	groups := [][]module.Module{ios.ModulesFor(module.IOSBackup), ios.ModulesFor(module.IOSFilesystem)}
	if platform == "android" {
		groups = [][]module.Module{android.Modules(), nestedBugreportModules()}
	}
	seen := map[string]bool{}
	var out []module.Module
	for _, group := range groups {
		for _, m := range group {
			if !seen[m.Describe().Slug] {
				seen[m.Describe().Slug] = true
				out = append(out, m)
			}
		}
	}
	return out
}
