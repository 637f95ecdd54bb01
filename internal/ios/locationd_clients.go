package ios

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

var locationdClientsPlist = source.IOSQuery{
	DomainPaths: []string{"RootDomain-Library/Caches/locationd/clients.plist"},
	FSGlobs: []string{
		"private/var/mobile/Library/Caches/locationd/clients.plist",
		"private/var/root/Library/Caches/locationd/clients.plist",
	},
}

// locationdTimes are the client keys holding Apple absolute times, in MVT's
// order; each present one is a timeline event named after the key.
var locationdTimes = []string{
	"ConsumptionPeriodBegin",
	"ReceivingLocationInformationTimeStopped",
	"VisitTimeStopped",
	"LocationTimeStopped",
	"BackgroundLocationTimeStopped",
	"SignificantTimeStopped",
	"NonPersistentSignificantTimeStopped",
	"FenceTimeStopped",
	"BeaconRegionTimeStopped",
}

// LocationdClients reads locationd's list of the apps and system services
// that asked for the phone's location, with when they last used it.
type LocationdClients struct{}

// NewLocationdClients returns the locationd_clients module.
func NewLocationdClients() *LocationdClients { return &LocationdClients{} }

// Describe implements module.Module.
func (*LocationdClients) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "locationd_clients",
		MVTName:     "LocationdClients",
		Description: "Apps and services that used the phone's location (locationd clients.plist)",
		Artifact:    "Apps and services that used the location",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *LocationdClients) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAllByID(in, locationdClientsPlist, "locationd clients.plist (RootDomain Library/Caches/locationd)")
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		b, err := readFile(in, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs, err := parseLocationdClients(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fileLabel(f), err))
			continue
		}
		for _, r := range recs {
			out.Record(r)
			c := locationdFields(r)
			for _, k := range locationdTimes {
				if ts, ok := r.get(k).(string); ok {
					out.Timeline(module.TimelineEvent{Timestamp: ts, Module: "LocationdClients", Event: k,
						Data: fmt.Sprintf("%s from %s", k, c.pkg)})
				}
			}
			locationdCheck(in.IOCs, r, c, out)
		}
		logger(in).Debug("extracted locationd clients", "file", fileLabel(f), "count", len(recs))
	}
	return errors.Join(errs...)
}

// parseLocationdClients decodes clients.plist: {client key: {BundleId,
// BundlePath, Executable, Authorization, <time keys>…}}. Each client becomes
// one record: its keys (sorted; decoding loses their order), the time keys
// as ISO text, ClientStorageToken in base64, and "package", the client key
// without its trailing ':' (MVT's name). Top-level values that are not
// dicts (migration counters) are skipped.
func parseLocationdClients(b []byte) ([]*orderedMap, error) {
	var d map[string]any
	if err := decodePlist(b, &d); err != nil {
		return nil, err
	}
	isTime := map[string]bool{}
	for _, k := range locationdTimes {
		isTime[k] = true
	}
	recs := []*orderedMap{}
	for _, key := range plistKeysInOrder(b, d) {
		client, ok := d[key].(map[string]any)
		if !ok {
			continue
		}
		r := &orderedMap{}
		for _, k := range sortedKeys(client) {
			v := client[k]
			switch {
			case isTime[k]:
				orderedSet(r, k, plistTimeText(v))
			case k == "ClientStorageToken":
				if raw, ok := v.([]byte); ok {
					orderedSet(r, k, base64.StdEncoding.EncodeToString(raw))
				} else {
					orderedSet(r, k, plistJSONValue(v, 0))
				}
			default:
				orderedSet(r, k, plistJSONValue(v, 0))
			}
		}
		orderedSet(r, "package", strings.TrimRight(key, ":"))
		recs = append(recs, r)
	}
	return recs, nil
}

// locationdClient holds the values the checks read.
type locationdClient struct {
	pkg, bundleID, latest string
	// paths are BundlePath, Executable and Registered, in that order
	// ("" when absent or not text: Registered is sometimes a bool).
	paths [3]string
}

func locationdFields(r *orderedMap) locationdClient {
	str := func(k string) string { s, _ := r.get(k).(string); return s }
	c := locationdClient{pkg: str("package"), bundleID: str("BundleId"),
		paths: [3]string{str("BundlePath"), str("Executable"), str("Registered")}}
	for _, k := range locationdTimes {
		if ts := str(k); ts > c.latest {
			c.latest = ts
		}
	}
	return c
}

// locationdCheck matches, as MVT does and at its HIGH level: the client
// key's last path component and the bundle id as process names, then the
// bundle path, executable and registered path as file paths. The bundle id
// is also matched as an app id (an addition: app-id indicators name
// stalkerware by bundle id). Alerts carry the client's latest location
// time; MVT leaves event_time empty.
func locationdCheck(idx *ioc.Index, rec any, c locationdClient, out module.Emitter) {
	proc := c.pkg
	if i := strings.LastIndexByte(proc, '/'); i >= 0 {
		proc = proc[i+1:]
	}
	if m := idx.CheckProcess(proc); m != nil {
		out.Alert(iocAlert(alert.High, "Found a suspicious process name in LocationD entry "+c.pkg, c.latest, rec, m))
		return
	}
	if c.bundleID != "" {
		if m := idx.CheckProcess(c.bundleID); m != nil {
			out.Alert(iocAlert(alert.High, "Found a suspicious process name in LocationD entry "+c.pkg, c.latest, rec, m))
		} else if m := idx.CheckAppID(c.bundleID); m != nil {
			out.Alert(iocAlert(alert.High, "Found a suspicious app id in LocationD entry "+c.pkg, c.latest, rec, m))
		}
	}
	for _, p := range c.paths {
		if p == "" {
			continue
		}
		if m := idx.CheckFilePath(p); m != nil {
			out.Alert(iocAlert(alert.High, "Found a suspicious file path in LocationD entry "+p, c.latest, rec, m))
			return
		}
	}
}

// Recheck implements module.Rechecker on one record of
// locationd_clients.json.
func (m *LocationdClients) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("locationd_clients record: %w", err)
	}
	r := &orderedMap{}
	for _, k := range append([]string{"package", "BundleId", "BundlePath", "Executable", "Registered"}, locationdTimes...) {
		if v, ok := fields[k]; ok {
			orderedSet(r, k, v)
		}
	}
	locationdCheck(idx, json.RawMessage(raw), locationdFields(r), out)
	return nil
}
