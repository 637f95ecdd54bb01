package cli

import (
	"github.com/spyglass-forensics/spyglass/internal/android"
	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/netcap"
)

// platformModules lists every module of one platform's commands once, for
// check-iocs. The platforms are kept apart because both have an "sms"
// module whose records differ.
func platformModules(platform string) []module.Module {
	groups := [][]module.Module{ios.ModulesFor(module.IOSBackup), ios.ModulesFor(module.IOSFilesystem)}
	if platform == "android" {
		groups = [][]module.Module{android.Modules(), nestedBugreportModules()}
	}
	groups = append(groups, netcap.Modules(), netcap.LogModules()) // network results: no platform of their own
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

// descriptors lists what the modules of a platform say about themselves,
// for the report of a results folder ("" when the platform is unknown:
// both, a slug that both have merging their sensitive fields).
func descriptors(platform string) []module.Descriptor {
	var mods []module.Module
	if platform != "android" {
		mods = append(mods, platformModules("ios")...)
	}
	if platform != "ios" {
		mods = append(mods, platformModules("android")...)
	}
	out := make([]module.Descriptor, len(mods))
	for i, m := range mods {
		out[i] = m.Describe()
	}
	return out
}
