package bugreport

import (
	"context"

	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// PlatformCompat lists packages remembered by the platform_compat service
// (apps that were installed, some since removed).
type PlatformCompat struct{}

// Describe implements module.Module.
func (PlatformCompat) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_platform_compat",
		MVTName:     "DumpsysPlatformCompat",
		Description: "Packages named in compatibility overrides, which outlive uninstalled apps, from dumpsys platform_compat",
		Artifact:    "Apps named in compatibility settings, even once removed",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

func (PlatformCompat) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "platform_compat", func(l *dumpsys.Lines, _ string) error {
		recs, err := dumpsys.ParsePlatformCompat(l)
		for i := range recs {
			out.Record(recs[i])
			appIDAlert(in.IOCs, out, recs[i].PackageName, "", recs[i])
		}
		return err
	})
}

// Recheck implements module.Rechecker.
func (PlatformCompat) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var r dumpsys.UninstalledPackage
	if err := unmarshal(raw, &r); err != nil {
		return err
	}
	appIDAlert(idx, out, r.PackageName, "", r)
	return nil
}
