package bugreport

import "github.com/spyglass-forensics/spyglass/internal/module"

// Modules returns every bugreport module, in MVT's order.
func Modules() []module.Module {
	return []module.Module{
		Accessibility{}, Activities{}, Appops{}, BatteryDaily{}, BatteryHistory{},
		DBInfo{}, GetProp{}, Packages{}, PlatformCompat{}, Receivers{}, ADBState{},
		Timestamps{}, Tombstones{},
	}
}
