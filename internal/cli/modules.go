package cli

import (
	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// allModules lists every module of every command once, for check-iocs.
func allModules() []module.Module {
	seen := map[string]bool{}
	var out []module.Module
	for _, group := range [][]module.Module{
		ios.BackupModules(),
		ios.FSModules(),
	} {
		for _, m := range group {
			if !seen[m.Name()] {
				seen[m.Name()] = true
				out = append(out, m)
			}
		}
	}
	return out
}
