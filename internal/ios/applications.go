package ios

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// appMetadataFiles are the App Store receipts of a filesystem dump, one in
// each app's bundle container.
var appMetadataFiles = source.IOSQuery{
	FSGlobs: []string{"private/var/containers/Bundle/Application/*/iTunesMetadata.plist"},
}

// maxInfoPlistSize bounds a backup's Info.plist: with the Applications
// dictionary (metadata, icon and DRM blob of every app) it reaches tens of
// megabytes on a phone with many apps.
const maxInfoPlistSize = 256 << 20

// knownAppInstallers are the sourceApp values of apps installed by the App
// Store or by device management; MVT's list.
var knownAppInstallers = map[string]bool{
	"com.apple.AppStore":                      true,
	"com.apple.AppStore.ProductPageExtension": true,
	"com.apple.dmd":                           true,
	"dmd":                                     true,
}

var (
	heuristicAppWithoutBundleID = &alert.Heuristic{
		ID:    "ios.applications.no_bundle_id",
		Title: "App without an App Store identifier",
		Why: "Apps from the App Store carry store metadata that names their bundle identifier. An app " +
			"without it was installed some other way (a developer or enterprise certificate, an exploit), " +
			"which is how some spyware has been delivered.",
		Action: "Find the app on the phone (Settings > General > VPN & Device Management lists enterprise " +
			"profiles) and check that its owner knows why it is there.",
	}
	heuristicAppUnusualSource = &alert.Heuristic{
		ID:    "ios.applications.unusual_source",
		Title: "App installed from outside the App Store",
		Why: "The app's metadata says it was installed by something other than the App Store or device " +
			"management (MDM). Alternative marketplaces exist in the EU, but an unexpected installer can " +
			"also mean an app was pushed to the phone without its owner's knowledge.",
		Action: "Check that the owner installed this app and knows the installer named in the record.",
	}
)

// Applications lists the installed apps with their App Store metadata and
// checks their bundle identifiers and install sources.
type Applications struct{}

// NewApplications returns the applications module.
func NewApplications() *Applications { return &Applications{} }

// Describe implements module.Module.
func (*Applications) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "applications",
		MVTName:     "Applications",
		Description: "Installed apps and their App Store metadata (backup Info.plist or iTunesMetadata.plist), with install-source checks",
		Artifact:    "Installed apps and where they came from (App Store metadata)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *Applications) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	src, err := iosSource(in)
	if err != nil {
		return err
	}
	if src.IsBackup() {
		return m.runBackup(in, src.FS(), out)
	}
	files, err := findAll(in, appMetadataFiles, "iTunesMetadata.plist (private/var/containers/Bundle/Application/*/)")
	if err != nil {
		return err
	}
	// One unreadable receipt fails the module, but only after every other
	// app has been checked: a crafted file must not hide the rest.
	var errs []error
	for _, f := range files {
		b, err := readFile(in, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rec, err := appRecord("", b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fileLabel(f), err))
			continue
		}
		// MVT writes the file's path after the metadata, then the date.
		orderedSetC2(rec, "file_path", f.Path)
		setPurchaseDate(rec)
		emitApplication(in.IOCs, rec, out)
	}
	return errors.Join(errs...)
}

// runBackup reads the Applications dictionary of the backup's Info.plist.
func (m *Applications) runBackup(in *module.Input, fsys fs.FS, out module.Emitter) error {
	b, err := readInfoPlist(fsys)
	if err != nil {
		return err
	}
	recs, err := backupApplications(b, logger(in))
	if err != nil {
		return fmt.Errorf("Info.plist: %w", err)
	}
	if len(recs) == 0 {
		return module.NoData("no Applications dictionary in the backup's Info.plist (recent Finder and iTunes versions leave it out)")
	}
	for _, rec := range recs {
		emitApplication(in.IOCs, rec, out)
	}
	return nil
}

// backupApplications builds a record per app of Info.plist's Applications
// dictionary: bundle id → {iTunesMetadata (a plist inside a data value),
// PlaceholderIcon, ApplicationSINF}. A phone has a few hundred apps, so the
// records are built at once.
func backupApplications(b []byte, log *slog.Logger) ([]*orderedMap, error) {
	var info struct {
		Applications map[string]map[string]any `plist:"Applications"`
	}
	if err := decodePlist(b, &info); err != nil {
		return nil, err
	}
	// Go maps lose the plist's order; bundle ids sorted give a stable one.
	ids := make([]string, 0, len(info.Applications))
	for id := range info.Applications {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	recs := make([]*orderedMap, 0, len(ids))
	for _, id := range ids {
		app := info.Applications[id]
		meta, _ := app["iTunesMetadata"].([]byte)
		rec, err := appRecord(id, meta)
		if err != nil {
			// An app without readable store metadata is kept (it is what a
			// sideloaded app looks like) rather than failing every other app.
			log.Warn("app metadata unreadable", "app", id, "error", err)
			rec = &orderedMap{keys: []string{"name"}, vals: []any{id}}
		}
		setPurchaseDate(rec)
		if icon, ok := app["PlaceholderIcon"].([]byte); ok {
			sum := sha256.Sum256(icon)
			orderedSetC2(rec, "icon_sha256", hex.EncodeToString(sum[:]))
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// readInfoPlist reads the backup's Info.plist, bounded by maxInfoPlistSize.
func readInfoPlist(fsys fs.FS) ([]byte, error) {
	fh, err := fsys.Open("Info.plist")
	if err != nil {
		return nil, module.NoData("the backup's Info.plist")
	}
	defer fh.Close()
	// Refused from its stated size before anything is read, and read into
	// a buffer of that size: a crafted Info.plist costs no more memory than
	// a real one of the same size.
	b, err := readBounded(fh, maxInfoPlistSize)
	if err != nil {
		return nil, fmt.Errorf("Info.plist: %w", err)
	}
	return b, nil
}

// appRecord builds an app's record: "name" (the bundle id the backup files
// it under) when given, then every key of the iTunesMetadata plist in file
// order, values made JSON-friendly as MVT writes them. Empty metadata gives
// the name alone.
func appRecord(name string, meta []byte) (*orderedMap, error) {
	rec := &orderedMap{}
	if name != "" {
		orderedSetC2(rec, "name", name)
	}
	if len(meta) == 0 {
		return rec, nil
	}
	var d map[string]any
	if err := decodePlist(meta, &d); err != nil {
		return nil, fmt.Errorf("iTunesMetadata: %w", err)
	}
	keys, err := plistTopKeys(meta)
	if err != nil || len(keys) != len(d) {
		keys = sortedKeys(d)
	}
	for _, k := range keys {
		v, ok := d[k]
		if !ok {
			continue
		}
		orderedSetC2(rec, k, plistJSONValue(v, 0))
	}
	return rec, nil
}

// setPurchaseDate adds isodate from com.apple.iTunesStore.downloadInfo's
// purchaseDate ("2006-01-02T15:04:05Z"). MVT parses it as the analyst's
// local time; it is UTC, as its Z says.
func setPurchaseDate(rec *orderedMap) {
	dl, _ := rec.get("com.apple.iTunesStore.downloadInfo").(map[string]any)
	s, _ := dl["purchaseDate"].(string)
	// The second layout is a plist <date> value, which plistJSONValue has
	// already written as Python's str(datetime).
	for _, layout := range []string{"2006-01-02T15:04:05Z", "2006-01-02 15:04:05", "2006-01-02 15:04:05.999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			orderedSetC2(rec, "isodate", timeutil.Format(t))
			return
		}
	}
}

func emitApplication(idx *ioc.Index, rec *orderedMap, out module.Emitter) {
	out.Record(rec)
	when, _ := rec.get("isodate").(string)
	if when != "" {
		name := recText(rec.get("name"))
		if name == "" {
			name = recText(rec.get("itemName"))
		}
		out.Timeline(module.TimelineEvent{Timestamp: when, Module: "Applications", Event: "app_installed",
			Data: fmt.Sprintf("App %s version %s from %s installed from %s", name,
				recText(rec.get("bundleShortVersionString")), recText(rec.get("artistName")), recText(rec.get("sourceApp")))})
	}
	applicationCheck(idx, rec, rec.get("softwareVersionBundleId"), rec.get("name"), rec.get("sourceApp"), when, out)
}

// applicationCheck runs MVT's checks in MVT's order, stopping at the first
// that fires: no bundle id (HIGH), the bundle id as a process or an app id
// indicator (CRITICAL), an installer other than the App Store or MDM
// (MEDIUM).
//
// Deliberate differences: MVT runs the no-bundle-id check only when
// indicators are loaded (it needs none) and then crashes on such a record
// without them; and it checks nothing else about such an app, where
// spyglass also matches the name the backup files it under.
func applicationCheck(idx *ioc.Index, rec any, bundleID, name, sourceApp any, when string, out module.Emitter) {
	id, ok := bundleID.(string)
	if !ok || id == "" {
		n := recText(name)
		if m := appIDMatch(idx, n); m != nil {
			out.Alert(iocAlert(alert.Critical, fmt.Sprintf("Malicious application %s identified", n), when, rec, m))
		}
		out.Alert(heuristicAlert(alert.High, "Suspicious application identified without softwareVersionBundleId",
			when, rec, heuristicAppWithoutBundleID))
		return
	}
	if m := appIDMatch(idx, id); m != nil {
		out.Alert(iocAlert(alert.Critical, fmt.Sprintf("Malicious application %s identified", id), when, rec, m))
		return
	}
	if sourceApp == nil {
		return // MVT: a missing sourceApp counts as the App Store
	}
	if s, ok := sourceApp.(string); !ok || !knownAppInstallers[s] {
		out.Alert(heuristicAlert(alert.Medium, "Suspicious app not installed from the App Store or MDM: "+id,
			when, rec, heuristicAppUnusualSource))
	}
}

// appIDMatch checks a bundle id as a process name, then as an app id, as
// MVT does.
func appIDMatch(idx *ioc.Index, id string) *ioc.Match {
	if id == "" {
		return nil
	}
	if m := idx.CheckProcess(id); m != nil {
		return m
	}
	return idx.CheckAppID(id)
}

// recText renders a record value for a timeline description ("" when
// absent, as MVT's record.get with an empty default).
func recText(v any) string {
	if v == nil {
		return ""
	}
	return pyText(v)
}

// orderedSetC2 replaces key's value in m or appends the key.
func orderedSetC2(m *orderedMap, key string, v any) {
	for i, k := range m.keys {
		if k == key {
			m.vals[i] = v
			return
		}
	}
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
}

// Recheck implements module.Rechecker on one record of applications.json.
func (m *Applications) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("applications record: %w", err)
	}
	when, _ := rec["isodate"].(string)
	applicationCheck(idx, json.RawMessage(raw), rec["softwareVersionBundleId"], rec["name"], rec["sourceApp"], when, out)
	return nil
}
