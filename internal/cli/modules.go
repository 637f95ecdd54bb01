package cli

import (
	"github.com/spyglass-forensics/spyglass/internal/android/androidqf"
	"github.com/spyglass-forensics/spyglass/internal/android/backup"
	"github.com/spyglass-forensics/spyglass/internal/android/bugreport"
	"github.com/spyglass-forensics/spyglass/internal/android/intrusionlogs"
	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/netcap"
)

// platformModules lists every module of one platform's commands once, for
// check-iocs. The platforms are kept apart because both have an "sms"
// module whose records differ.
func platformModules(platform string) []module.Module {
	groups := [][]module.Module{ios.BackupModules(), ios.FSModules()}
	if platform == "android" {
		groups = [][]module.Module{androidqf.Modules(), bugreport.Modules(), nestedBugreportModules(), backup.Modules(), intrusionlogs.Modules()}
	}
	groups = append(groups, netcap.Modules(), netcap.LogModules()) // network results: no platform of their own
	seen := map[string]bool{}
	var out []module.Module
	for _, group := range groups {
		for _, m := range group {
			if !seen[m.Name()] {
				seen[m.Name()] = true
				out = append(out, m)
			}
		}
	}
	return out
}
