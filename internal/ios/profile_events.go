package ios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

var profileEventsPlist = source.IOSQuery{
	DomainPaths:   []string{configProfilesDomain + "-Library/ConfigurationProfiles/MCProfileEvents.plist"},
	RelativePaths: []string{"Library/ConfigurationProfiles/MCProfileEvents.plist"},
	FSGlobs: []string{
		"private/var/containers/Shared/SystemGroup/*/Library/ConfigurationProfiles/MCProfileEvents.plist",
		"private/var/mobile/Library/ConfigurationProfiles/MCProfileEvents.plist",
	},
}

// errNoProfileEvents means the plist decoded but has no ProfileEvents list.
var errNoProfileEvents = errors.New("no ProfileEvents list")

var heuristicProfileEvent = &alert.Heuristic{
	ID:    "ios.profile_events.profile_operation",
	Title: "Configuration profile installed or removed",
	Why: "Configuration profiles can route the phone's traffic through a VPN or proxy, trust a new " +
		"root certificate or enrol the phone in remote management, all of which let someone else " +
		"watch or change what it does. Most profiles come from an employer, a school or a carrier.",
	Action: "Check that the owner knows the profile and the process that installed it; remove " +
		"profiles nobody can explain (Settings > General > VPN & Device Management).",
}

// ProfileEvents reads the history of configuration profile installs and
// removals (MCProfileEvents.plist).
type ProfileEvents struct{}

// NewProfileEvents returns the profile_events module.
func NewProfileEvents() *ProfileEvents { return &ProfileEvents{} }

// Describe implements module.Module.
func (*ProfileEvents) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "profile_events",
		MVTName:     "ProfileEvents",
		Description: "History of configuration profile installs and removals (MCProfileEvents.plist)",
		Artifact:    "Configuration profile installations and removals",
		Evidence:    iosBackup,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *ProfileEvents) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAllByID(in, profileEventsPlist, "MCProfileEvents.plist (Library/ConfigurationProfiles)")
	if err != nil {
		return err
	}
	var errs []error
	found := 0
	for _, f := range files {
		b, err := readFile(in, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs, err := parseProfileEvents(b)
		if errors.Is(err, errNoProfileEvents) {
			logger(in).Info("no profile events recorded", "file", fileLabel(f), "detail", err)
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fileLabel(f), err))
			continue
		}
		found++
		for _, rec := range recs {
			ev := profileEventFields(rec)
			out.Record(rec)
			out.Timeline(module.TimelineEvent{Timestamp: ev.timestamp, Module: "ProfileEvents", Event: "profile_operation",
				Data: fmt.Sprintf("Process %s started operation %s of profile %s", ev.process, ev.operation, ev.profileID)})
			profileEventCheck(in.IOCs, rec, ev, out)
		}
		logger(in).Debug("extracted profile events", "file", fileLabel(f), "count", len(recs))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if found == 0 {
		return module.NoData("profile events in MCProfileEvents.plist (the file has no ProfileEvents list)")
	}
	return nil
}

// parseProfileEvents decodes MCProfileEvents.plist: {"ProfileEvents": [
// {"<profile id>": {"timestamp": date, "operation": "install", "process":
// "…"}}, …]}. Each record starts with MVT's four keys; the event's other
// keys follow, lower-cased as MVT writes them.
//
// Deliberate difference: MVT reads only the first key of each event dict;
// every key is read here (one record each), so a second profile id in the
// same event is not skipped.
func parseProfileEvents(b []byte) ([]*orderedMap, error) {
	var d map[string]any
	if err := decodePlist(b, &d); err != nil {
		return nil, err
	}
	raw, ok := d["ProfileEvents"]
	if !ok {
		return nil, fmt.Errorf("%w; keys found: %s", errNoProfileEvents, strings.Join(sortedKeys(d), ", "))
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("ProfileEvents is a %T, not a list", raw)
	}
	out := []*orderedMap{}
	for _, it := range list {
		ev, ok := it.(map[string]any)
		if !ok {
			continue
		}
		for _, id := range sortedKeys(ev) {
			rec := &orderedMap{keys: []string{"profile_id", "timestamp", "operation", "process"}, vals: []any{id, "", "", ""}}
			detail, _ := ev[id].(map[string]any)
			for _, k := range sortedKeys(detail) {
				lk := strings.ToLower(k)
				if lk == "timestamp" {
					orderedSet(rec, lk, plistTimeText(detail[k]))
					continue
				}
				orderedSet(rec, lk, plistJSONValue(detail[k], 0))
			}
			out = append(out, rec)
		}
	}
	return out, nil
}

// profileEvent holds the fields the checks and the timeline use, as text.
type profileEvent struct {
	profileID, timestamp, operation, process string
	// processName is the process when it is a string, for the indicator.
	processName string
}

func profileEventFields(rec *orderedMap) profileEvent {
	proc := rec.get("process")
	ps, _ := proc.(string)
	return profileEvent{
		profileID: pyText(rec.get("profile_id")), timestamp: valueText(rec.get("timestamp")),
		operation: pyText(rec.get("operation")), process: pyText(proc), processName: ps,
	}
}

// profileEventCheck reports every profile operation (LOW, as MVT does), then
// matches the process (CRITICAL) or, failing that, the profile id
// (CRITICAL) against the indicators. MVT leaves event_time empty for the
// indicator alerts; the event's time is given here.
func profileEventCheck(idx *ioc.Index, rec any, ev profileEvent, out module.Emitter) {
	out.Alert(heuristicAlert(alert.Low,
		fmt.Sprintf("On %s process %q started operation %q of profile %q", ev.timestamp, ev.process, ev.operation, ev.profileID),
		ev.timestamp, rec, heuristicProfileEvent))
	if ev.processName != "" {
		if m := idx.CheckProcess(ev.processName); m != nil {
			out.Alert(iocAlert(alert.Critical, matchMessage(ev.processName, m), ev.timestamp, rec, m))
			return
		}
	}
	if m := idx.CheckProfile(ev.profileID); m != nil {
		out.Alert(iocAlert(alert.Critical, profileMatchMessage(ev.profileID, m), ev.timestamp, rec, m))
	}
}

// profileMatchMessage words a configuration-profile indicator match like
// the other indicator alerts.
func profileMatchMessage(id string, m *ioc.Match) string {
	return fmt.Sprintf("Found a known suspicious configuration profile %s matching indicator %q from %q", id, m.Value, m.Collection)
}

// Recheck implements module.Rechecker on one record of profile_events.json.
func (m *ProfileEvents) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("profile_events record: %w", err)
	}
	rec := &orderedMap{}
	for _, k := range []string{"profile_id", "timestamp", "operation", "process"} {
		orderedSet(rec, k, fields[k])
	}
	profileEventCheck(idx, json.RawMessage(raw), profileEventFields(rec), out)
	return nil
}
