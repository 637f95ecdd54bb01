package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

var globalPreferencesPlist = source.IOSQuery{
	DomainPaths: []string{"HomeDomain-Library/Preferences/.GlobalPreferences.plist"},
	FSGlobs:     []string{"private/var/mobile/Library/Preferences/.GlobalPreferences.plist"},
}

// globalPreference is one key of .GlobalPreferences.plist.
type globalPreference struct {
	Entry string `json:"entry"`
	Value any    `json:"value"`
}

var (
	heuristicLockdownEnabled = &alert.Heuristic{
		ID:    "ios.global_preferences.lockdown_mode_enabled",
		Title: "Lockdown Mode is on",
		Why: "Lockdown Mode is Apple's hardened setting for people at risk of targeted attacks; it " +
			"blocks most known zero-click exploits. It is good news, and a sign the owner felt at risk.",
		Action: "Keep it on.",
	}
	heuristicLockdownDisabled = &alert.Heuristic{
		ID:    "ios.global_preferences.lockdown_mode_disabled",
		Title: "Lockdown Mode is off",
		Why: "Lockdown Mode was set up on this phone at some point but is now off. Most people never use " +
			"it; for someone at risk of targeted spyware, turning it on closes many attack paths.",
		Action: "If the owner is at risk, turn Lockdown Mode on (Settings > Privacy & Security).",
	}
)

// GlobalPreferences reads the system-wide preferences and reports whether
// Lockdown Mode is on.
type GlobalPreferences struct{}

// NewGlobalPreferences returns the global_preferences module.
func NewGlobalPreferences() *GlobalPreferences { return &GlobalPreferences{} }

// Describe implements module.Module.
func (*GlobalPreferences) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "global_preferences",
		MVTName:     "GlobalPreferences",
		Description: "System-wide preferences in .GlobalPreferences.plist, including Lockdown Mode",
		Artifact:    "Global system preferences, including Lockdown Mode",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *GlobalPreferences) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, globalPreferencesPlist, ".GlobalPreferences.plist (HomeDomain Library/Preferences)")
	if err != nil {
		return err
	}
	b, err := readFile(in, f)
	if err != nil {
		return err
	}
	var d map[string]any
	if err := decodePlist(b, &d); err != nil {
		return fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	keys, err := plistTopKeys(b)
	if err != nil || len(keys) != len(d) {
		// The decoder accepted the file, so only the order is lost.
		logger(in).Debug("plist key order unavailable; keys sorted", "file", fileLabel(f), "err", err)
		keys = keys[:0]
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
	}
	for _, k := range keys {
		v, ok := d[k]
		if !ok {
			continue
		}
		rec := &globalPreference{Entry: k, Value: plistJSONValue(v, 0)}
		out.Record(rec)
		globalPreferenceCheck(rec, out)
	}
	return nil
}

func globalPreferenceCheck(rec *globalPreference, out module.Emitter) {
	if rec.Entry != "LDMGlobalEnabled" {
		return
	}
	if truthy(rec.Value) {
		out.Alert(heuristicAlert(alert.Informational, "Lockdown mode enabled", "", rec, heuristicLockdownEnabled))
	} else {
		out.Alert(heuristicAlert(alert.Low, "Lockdown mode disabled", "", rec, heuristicLockdownDisabled))
	}
}

// truthy follows Python's truth rules for the plist values MVT tests.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0
	case int64:
		return x != 0
	case uint64:
		return x != 0
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// plistJSONValue makes a decoded plist value JSON-friendly the way MVT's
// encoder does: dates as Python's str(datetime), data as UTF-8 text.
func plistJSONValue(v any, depth int) any {
	if depth > 64 {
		return nil
	}
	switch x := v.(type) {
	case time.Time:
		return pyDatetimeText(x)
	case []byte:
		return bytesText(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plistJSONValue(e, depth+1)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plistJSONValue(e, depth+1)
		}
		return out
	case float64:
		if x != x || x > 1e308 || x < -1e308 {
			return nil
		}
	}
	return v
}

// Recheck implements module.Rechecker: the Lockdown Mode check needs no
// indicator but is re-run so a results folder gives the same alerts.
func (m *GlobalPreferences) Recheck(_ context.Context, _ *ioc.Index, raw []byte, out module.Emitter) error {
	var rec globalPreference
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("global_preferences record: %w", err)
	}
	globalPreferenceCheck(&rec, out)
	return nil
}
