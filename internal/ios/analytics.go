package ios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// The keychain's analytics databases (trust and keychain event reports)
// hold one plist per event: the process, the host, the build of iOS.
var analyticsDBs = source.IOSQuery{
	FSGlobs: []string{"private/var/Keychains/Analytics/*.db"},
}

const analyticsWhat = "keychain analytics databases (private/var/Keychains/Analytics/*.db)"

// analyticsTables are the event tables, in MVT's order; older databases
// have no all_events.
var analyticsTables = []string{"hard_failures", "soft_failures", "all_events"}

var analyticsVariants = []sqlitedb.Variant{
	{Name: "hard_failures, soft_failures, all_events", Requires: []string{"hard_failures.timestamp", "hard_failures.data",
		"soft_failures.timestamp", "soft_failures.data", "all_events.timestamp", "all_events.data"}},
	{Name: "hard_failures, soft_failures", Requires: []string{"hard_failures.timestamp", "hard_failures.data",
		"soft_failures.timestamp", "soft_failures.data"}},
}

// analyticsEvent is one decoded event: the plist's keys in their order,
// then isodate and artifact (the database's file name), as MVT writes them.
type analyticsEvent = orderedMap

// readAnalytics calls fn for every event of every analytics database, in
// date order within each database. A database that cannot be read is
// reported after the others.
func readAnalytics(ctx context.Context, in *module.Input, fn func(ev *analyticsEvent, artifact string)) error {
	files, err := findAll(in, analyticsDBs, analyticsWhat)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		if err := readAnalyticsDB(ctx, in, f, fn); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func readAnalyticsDB(ctx context.Context, in *module.Input, f source.IOSFile, fn func(*analyticsEvent, string)) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := pickSchema(in, db, f, analyticsVariants...)
	if err != nil {
		return err
	}
	tables := analyticsTables
	if v.Name != analyticsVariants[0].Name {
		tables = tables[:2]
	}
	q := ""
	for i, t := range tables {
		if i > 0 {
			q += " UNION "
		}
		q += "SELECT timestamp, data FROM " + t
	}
	// MVT sorts by the ISO date text; the Apple times sort the same way.
	q += " ORDER BY 1"
	artifact := path.Base(f.Path)
	bad := 0
	err = streamRows(ctx, db, f, q, func(r *sqlRow) error {
		ev := &analyticsEvent{}
		if blob, ok := r.get("data").([]byte); ok && len(blob) > 0 {
			var d map[string]any
			if err := decodePlist(blob, &d); err != nil {
				bad++ // one corrupt event must not hide the others
			} else {
				for _, k := range plistKeysInOrder(blob, d) {
					orderedSet(ev, k, plistJSONBase64(d[k], 0))
				}
			}
		}
		orderedSet(ev, "isodate", macTimeMVT(r.get("timestamp")))
		orderedSet(ev, "artifact", artifact)
		fn(ev, artifact)
		return nil
	})
	if bad > 0 {
		logger(in).Warn("analytics events whose plist could not be decoded", "file", fileLabel(f), "count", bad)
	}
	return err
}

// Analytics reads the keychain analytics events and checks every text
// value against process and URL indicators.
type Analytics struct{}

// NewAnalytics returns the analytics module.
func NewAnalytics() *Analytics { return &Analytics{} }

// Describe implements module.Module.
func (*Analytics) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "analytics",
		MVTName:     "Analytics",
		Description: "Keychain analytics events (private/var/Keychains/Analytics/*.db): processes and hosts",
		Artifact:    "Keychain analytics events: processes and hosts",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *Analytics) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return readAnalytics(ctx, in, func(ev *analyticsEvent, artifact string) {
		out.Record(ev)
		when, _ := ev.get("isodate").(string)
		if when == "" {
			analyticsCheck(in.IOCs, ev, ev.keys, ev.vals, when, out)
			return
		}
		data, _ := json.Marshal(ev)
		out.Timeline(module.TimelineEvent{Timestamp: when, Module: "Analytics", Event: artifact, Data: string(data)})
		analyticsCheck(in.IOCs, ev, ev.keys, ev.vals, when, out)
	})
}

// analyticsCheck matches each top-level text value as a process name, else
// as a URL (CRITICAL), one alert per matching value as in MVT.
func analyticsCheck(idx *ioc.Index, rec any, keys []string, vals []any, when string, out module.Emitter) {
	if idx == nil {
		return
	}
	for i, v := range vals {
		s, ok := v.(string)
		if !ok || s == "" || keys[i] == "isodate" || keys[i] == "artifact" {
			continue
		}
		if m := idx.CheckProcess(s); m != nil {
			out.Alert(iocAlert(alert.Critical, matchMessage(s, m), when, rec, m))
			continue
		}
		if m := idx.CheckURL(s); m != nil {
			out.Alert(iocAlert(alert.Critical, matchMessage(s, m), when, rec, m))
		}
	}
}

// Recheck implements module.Rechecker on one record of analytics.json.
func (m *Analytics) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("analytics record: %w", err)
	}
	keys := sortedKeys(rec)
	vals := make([]any, len(keys))
	for i, k := range keys {
		vals[i] = rec[k]
	}
	when, _ := rec["isodate"].(string)
	analyticsCheck(idx, json.RawMessage(raw), keys, vals, when, out)
	return nil
}
