package bugreport

import (
	"context"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Packages lists installed packages with their permissions (dumpsys
// package).
type Packages struct{}

// Describe implements module.Module.
func (Packages) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_packages",
		MVTName:     "DumpsysPackages",
		Description: "Installed packages with versions, install times, installer and permissions, from dumpsys package",
		Artifact:    "Installed apps and their permissions (dumpsys package)",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var heurRootPackage = alert.Heuristic{
	ID:    "android.packages.root_package",
	Title: "Rooting app installed",
	Why: "Apps that root the phone or hide root (SuperSU, Magisk, Xposed…) remove Android's protections; " +
		"spyware installed by someone with physical access often needs them. Some owners root on purpose.",
	Action: "Ask whether the owner rooted the phone; if not, treat the phone as compromised.",
}

// dangerousPermissionThreshold is where MVT starts logging a package's
// count of dangerous permissions.
const dangerousPermissionThreshold = 10

func (m Packages) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "package", func(l *dumpsys.Lines, file string) error {
		recs, err := dumpsys.ParsePackages(l)
		for i := range recs {
			r := &recs[i]
			out.Record(r)
			for _, ev := range []struct{ event, ts string }{
				{"package_install", r.Timestamp}, {"package_first_install", r.FirstInstall}, {"package_last_update", r.LastUpdateTime},
			} {
				if ev.ts != "" {
					out.Timeline(module.TimelineEvent{Timestamp: ev.ts, Module: "DumpsysPackages", Event: ev.event,
						Data: fmt.Sprintf("Install or update of package %s", r.PackageName)})
				}
			}
			if n := dangerousGranted(r); n >= dangerousPermissionThreshold && in.Log != nil {
				in.Log.Info("package holds many dangerous permissions", "package", r.PackageName, "count", n, "file", file)
			}
			m.check(in.IOCs, r, out)
		}
		return err
	})
}

func (Packages) check(idx *ioc.Index, r *dumpsys.Package, out module.Emitter) {
	if IsRootPackage(r.PackageName) {
		out.Alert(alert.Alert{Level: alert.Medium,
			Message: fmt.Sprintf("Found an installed package related to rooting/jailbreaking: %q", r.PackageName),
			Event:   r, Heuristic: &heurRootPackage})
		return
	}
	appIDAlert(idx, out, r.PackageName, "", r)
}

// dangerousGranted counts granted runtime permissions (the "dangerous"
// protection level is what runtime permissions are).
func dangerousGranted(r *dumpsys.Package) int {
	n := 0
	for _, p := range r.Permissions {
		if p.Type == "runtime" && p.Granted != nil && *p.Granted {
			n++
		}
	}
	return n
}

// Recheck implements module.Rechecker.
func (m Packages) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var r dumpsys.Package
	if err := unmarshal(raw, &r); err != nil {
		return err
	}
	m.check(idx, &r, out)
	return nil
}
