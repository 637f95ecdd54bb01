package bugreport

import (
	"context"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// BatteryDaily lists package installs, updates, removals and downgrades
// from the daily statistics of dumpsys batterystats.
type BatteryDaily struct{}

// Describe implements module.Module.
func (BatteryDaily) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dumpsys_battery_daily",
		MVTName:     "DumpsysBatteryDaily",
		Description: "Package updates, uninstalls and downgrades per day, from dumpsys batterystats",
		Artifact:    "App installs, updates and removals per day (batterystats)",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var (
	heurUninstall = alert.Heuristic{
		ID:    "android.battery_daily.uninstall",
		Title: "App uninstalled",
		Why: "Battery statistics remember apps after they are removed. Spyware is often removed by its operator " +
			"to cover its tracks; most removals are the owner's.",
		Action: "Ask whether the owner removed this app; look it up if the name is unfamiliar.",
	}
	heurDowngrade = alert.Heuristic{
		ID:    "android.battery_daily.downgrade",
		Title: "App downgraded",
		Why: "Installing an older version of an app can reintroduce a known vulnerability that an exploit then uses. " +
			"Downgrades are rare in normal use (sometimes a beta left, or a vendor rollback).",
		Action: "Check which version was installed and whether it has known vulnerabilities.",
	}
)

func (m BatteryDaily) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "batterystats", func(l *dumpsys.Lines, _ string) error {
		recs, err := dumpsys.ParseBatteryDaily(l)
		for i := range recs {
			r := &recs[i]
			out.Record(r)
			out.Timeline(module.TimelineEvent{Timestamp: r.PeriodStart, Module: "DumpsysBatteryDaily", Event: "battery_daily", Data: dailyText(r)})
			switch r.Action {
			case "uninstall":
				out.Alert(alert.Alert{Level: alert.Medium, Message: fmt.Sprintf("Detected uninstall of package %s (vers 0)", r.PackageName),
					EventTime: r.PeriodStart, Event: r, Heuristic: &heurUninstall})
			case "downgrade":
				out.Alert(alert.Alert{Level: alert.Medium,
					Message:   fmt.Sprintf("Detected downgrade of package %s from vers %d to vers %v", r.PackageName, *r.PreviousVersionCode, r.VersionCode),
					EventTime: r.PeriodStart, Event: r, Heuristic: &heurDowngrade})
			}
			appIDAlert(in.IOCs, out, r.PackageName, "", r)
		}
		return err
	})
}

func dailyText(r *dumpsys.BatteryDailyUpdate) string {
	switch {
	case r.IsUninstall():
		return fmt.Sprintf("Recorded uninstall of package %s (vers 0)", r.PackageName)
	case r.Action == "downgrade" && r.PreviousVersionCode != nil:
		return fmt.Sprintf("Recorded downgrade of package %s from vers %d to vers %v", r.PackageName, *r.PreviousVersionCode, r.VersionCode)
	}
	return fmt.Sprintf("Recorded update of package %s with vers %v", r.PackageName, r.VersionCode)
}

// Recheck implements module.Rechecker (indicator checks only: the
// heuristics need the whole history and ran when the record was made).
func (BatteryDaily) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var r dumpsys.BatteryDailyUpdate
	if err := unmarshal(raw, &r); err != nil {
		return err
	}
	appIDAlert(idx, out, r.PackageName, "", r)
	return nil
}
