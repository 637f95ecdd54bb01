// Package android holds the one list of Android modules; each evidence
// kind's modules live in a package of their own below (androidqf,
// bugreport, backup, intrusionlogs), with dumpsys's section parsers shared
// by bugreports and AndroidQF acquisitions.
package android

import (
	"github.com/spyglass-forensics/spyglass/internal/android/androidqf"
	"github.com/spyglass-forensics/spyglass/internal/android/backup"
	"github.com/spyglass-forensics/spyglass/internal/android/bugreport"
	"github.com/spyglass-forensics/spyglass/internal/android/intrusionlogs"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Modules is every Android module, once, in MVT's order. Adding a module
// means adding it to its package's list, which this one joins.
func Modules() []module.Module {
	var mods []module.Module
	mods = append(mods, androidqf.Modules()...)
	mods = append(mods, bugreport.Modules()...)
	mods = append(mods, backup.Modules()...)
	return append(mods, intrusionlogs.Modules()...)
}

// ModulesFor is the modules that run on one kind of evidence, in order.
// For an AndroidQF acquisition that is its own modules and the dumpsys
// modules, which read its dumpsys.txt; the evidence nested in it (a
// bugreport, backup.ab, intrusion logs) runs the modules of that kind.
func ModulesFor(e module.Evidence) []module.Module { return module.ForEvidence(Modules(), e) }
