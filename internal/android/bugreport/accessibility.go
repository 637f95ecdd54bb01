package bugreport

import (
	"context"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Accessibility lists accessibility services (dumpsys accessibility).
type Accessibility struct{}

// Describe implements module.Module.
func (Accessibility) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_accessibility",
		MVTName:     "DumpsysAccessibility",
		Description: "Accessibility services (screen readers and anything else that can see and drive the screen) from dumpsys accessibility",
		Artifact:    "Accessibility services: apps that can see and drive the screen",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var heurAccessibility = alert.Heuristic{
	ID:    "android.accessibility.service",
	Title: "Accessibility service installed",
	Why: "An accessibility service can read everything on the screen and act for the user, which is how most " +
		"stalkerware spies on messages. Many are legitimate (screen readers, password managers, vendor tools).",
	Action: "Check that each listed service belongs to an app the owner knowingly installed and uses.",
}

func (a Accessibility) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "accessibility", func(l *dumpsys.Lines, _ string) error {
		recs, err := dumpsys.ParseAccessibility(l)
		for i := range recs {
			out.Record(recs[i])
			a.check(in.IOCs, &recs[i], out)
		}
		return err
	})
}

func (Accessibility) check(idx *ioc.Index, r *dumpsys.AccessibilityService, out module.Emitter) {
	if appIDAlert(idx, out, r.PackageName, "", r) {
		return
	}
	out.Alert(alert.Alert{
		Level:     alert.Medium,
		Message:   fmt.Sprintf("Found an installed accessibility service %q (package %s)", r.Service, r.PackageName),
		Event:     r,
		Heuristic: &heurAccessibility,
	})
}

// Recheck implements module.Rechecker.
func (a Accessibility) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var r dumpsys.AccessibilityService
	if err := unmarshal(raw, &r); err != nil {
		return err
	}
	a.check(idx, &r, out)
	return nil
}
