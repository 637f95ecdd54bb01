package bugreport

import (
	"context"

	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// BatteryHistory lists app jobs, alarms and foreground changes from the
// battery history of dumpsys batterystats.
type BatteryHistory struct{}

// Describe implements module.Module.
func (BatteryHistory) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_battery_history",
		MVTName:     "DumpsysBatteryHistory",
		Description: "App jobs, alarm wake-ups and foreground changes, from the battery history of dumpsys batterystats",
		Artifact:    "App jobs, alarms and wake-ups (battery history)",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

func (BatteryHistory) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "batterystats", func(l *dumpsys.Lines, _ string) error {
		recs, err := dumpsys.ParseBatteryHistory(l)
		for i := range recs {
			out.Record(recs[i])
			appIDAlert(in.IOCs, out, recs[i].PackageName, "", recs[i])
		}
		return err
	})
}

// Recheck implements module.Rechecker.
func (BatteryHistory) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var r dumpsys.BatteryHistoryEvent
	if err := unmarshal(raw, &r); err != nil {
		return err
	}
	appIDAlert(idx, out, r.PackageName, "", r)
	return nil
}
