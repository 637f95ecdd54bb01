package androidqf

import "github.com/spyglass-forensics/spyglass/internal/module"

// Modules returns the AndroidQF modules in MVT's order. The dumpsys-section,
// bugreport, backup and intrusion-log modules run on the acquisition's
// nested artifacts; the CLI wires those.
func Modules() []module.Module {
	return []module.Module{
		Packages{},
		Processes{},
		GetProp{},
		Settings{},
		Files{},
		LogTimestamps{},
		RootBinaries{},
		Mounts{},
	}
}
