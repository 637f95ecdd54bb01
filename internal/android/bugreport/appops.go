package bugreport

import (
	"context"
	"fmt"
	"sort"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Appops lists the app operations each package performed (dumpsys appops).
type Appops struct{}

// Describe implements module.Module.
func (Appops) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_appops",
		MVTName:     "DumpsysAppops",
		Description: "App operations (permission uses with times) per package, from dumpsys appops",
		Artifact:    "App permission use, with times (appops)",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var (
	heurInstallPackages = alert.Heuristic{
		ID:    "android.appops.request_install_packages",
		Title: "App allowed to install other apps",
		Why: "REQUEST_INSTALL_PACKAGES lets an app install further apps outside the Play Store, a common way " +
			"to drop spyware. Browsers, file managers and app stores use it legitimately.",
		Action: "Check that the app is a store, browser or file manager the owner uses, and what it installed around that time.",
	}
	heurShell = alert.Heuristic{
		ID:    "android.appops.shell_package",
		Title: "Operation by the ADB shell",
		Why: "com.android.shell is the identity of commands run over USB debugging (ADB). Its operations mean " +
			"someone ran commands on the phone from a computer, which is normal for developers and forensic tools.",
		Action: "Ask whether the owner or a technician used USB debugging at those times.",
	}
)

// appopsTimelineModule is the name MVT writes in timeline.csv.
const appopsTimelineModule = "DumpsysAppops"

func (m Appops) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "appops", func(l *dumpsys.Lines, _ string) error {
		recs, err := dumpsys.ParseAppops(l)
		for i := range recs {
			r := &recs[i]
			out.Record(r)
			for _, p := range r.Permissions {
				for _, e := range p.Entries {
					if e.Timestamp != "" {
						out.Timeline(module.TimelineEvent{Timestamp: e.Timestamp, Module: appopsTimelineModule, Event: e.Access,
							Data: fmt.Sprintf("%s access to %s: %s", r.PackageName, p.Name, e.Access)})
					}
				}
			}
			m.check(in.IOCs, r, out)
		}
		return err
	})
}

func (Appops) check(idx *ioc.Index, r *dumpsys.AppopsPackage, out module.Emitter) {
	latest := ""
	for _, p := range r.Permissions {
		for _, e := range p.Entries {
			if e.Timestamp > latest {
				latest = e.Timestamp
			}
		}
	}
	if appIDAlert(idx, out, r.PackageName, latest, r) {
		return
	}
	for _, p := range r.Permissions {
		var h *alert.Heuristic
		switch {
		case p.Name == "REQUEST_INSTALL_PACKAGES":
			h = &heurInstallPackages
		case r.PackageName == "com.android.shell":
			h = &heurShell
		default:
			continue
		}
		entries := append([]dumpsys.AppopsEntry(nil), p.Entries...)
		if len(entries) == 0 {
			// No access recorded: still one alert for the permission itself.
			entries = []dumpsys.AppopsEntry{{Access: "Unknown"}}
		}
		sort.SliceStable(entries, func(a, b int) bool { return entries[a].Timestamp < entries[b].Timestamp })
		only := *r
		only.Permissions = []dumpsys.AppopsPermission{p}
		for _, e := range entries {
			msg := fmt.Sprintf("Package %q had risky permission %q set to %q at %s", r.PackageName, p.Name, e.Access, e.Timestamp)
			if h == &heurShell {
				msg = fmt.Sprintf("Risky package %q had %q permission set to %q at %s", r.PackageName, p.Name, e.Access, e.Timestamp)
			}
			out.Alert(alert.Alert{Level: alert.Medium, Message: msg, EventTime: e.Timestamp, Event: only, Heuristic: h})
		}
	}
}

// Recheck implements module.Rechecker.
func (m Appops) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var r dumpsys.AppopsPackage
	if err := unmarshal(raw, &r); err != nil {
		return err
	}
	m.check(idx, &r, out)
	return nil
}
