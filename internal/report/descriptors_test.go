package report

import (
	"github.com/spyglass-forensics/spyglass/internal/android"
	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// platformDescriptors are what the CLI passes for a folder: the
// descriptors of its platform's modules, both platforms' when unknown.
func platformDescriptors(platform string) []module.Descriptor {
	var mods []module.Module
	if platform != "android" {
		mods = append(mods, ios.Modules()...)
	}
	if platform != "ios" {
		mods = append(mods, android.Modules()...)
	}
	out := make([]module.Descriptor, len(mods))
	for i, m := range mods {
		out[i] = m.Describe()
	}
	return out
}
