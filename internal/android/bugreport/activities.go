package bugreport

import (
	"context"

	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Activities lists the apps that answer intent actions (the package
// section's activity resolver table).
type Activities struct{}

// Describe implements module.Module.
func (Activities) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_activities",
		MVTName:     "DumpsysActivities",
		Description: "Apps registered to handle intent actions, from the activity resolver table of dumpsys package",
		Artifact:    "Apps registered to handle actions (dumpsys package)",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

func (m Activities) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "package", func(l *dumpsys.Lines, _ string) error {
		recs, err := dumpsys.ParseActivities(l)
		for i := range recs {
			out.Record(recs[i])
			appIDAlert(in.IOCs, out, recs[i].PackageName, "", recs[i])
		}
		return err
	})
}

// Recheck implements module.Rechecker.
func (Activities) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var r dumpsys.Activity
	if err := unmarshal(raw, &r); err != nil {
		return err
	}
	appIDAlert(idx, out, r.PackageName, "", r)
	return nil
}
