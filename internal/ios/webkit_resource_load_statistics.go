package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

const webkitObservationsRel = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"

var webkitObservationsDBs = source.IOSQuery{
	RelativePaths: []string{webkitObservationsRel},
	FSGlobs: []string{
		"private/var/mobile/Containers/Data/Application/*/" + webkitObservationsRel,
		"private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db",
	},
}

// webkitOptionalTimes are ObservedDomains columns newer WebKit versions add:
// column → output key. A key is present only when its column is, and gets an
// "_isodate" companion when the time is set (> 0).
var webkitOptionalTimes = [][2]string{
	{"mostRecentUserInteractionTime", "most_recent_user_interaction_time"},
	{"mostRecentWebPushInteractionTime", "most_recent_web_push_interaction_time"},
}

// WebkitResourceLoadStatistics reads the sites WebKit saw (for tracking
// prevention) from each app's observations.db.
type WebkitResourceLoadStatistics struct{}

// NewWebkitResourceLoadStatistics returns the webkit_resource_load_statistics module.
func NewWebkitResourceLoadStatistics() *WebkitResourceLoadStatistics {
	return &WebkitResourceLoadStatistics{}
}

// Describe implements module.Module.
func (*WebkitResourceLoadStatistics) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "webkit_resource_load_statistics",
		MVTName:     "WebkitResourceLoadStatistics",
		Description: "Sites loaded by Safari and in-app browsers, from WebKit's observations.db",
		Artifact:    "Sites loaded by Safari and in-app browsers (WebKit statistics)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var webkitObservationsVariants = []sqlitedb.Variant{
	{Name: "ObservedDomains", Requires: []string{"ObservedDomains.domainID", "ObservedDomains.registrableDomain", "ObservedDomains.lastSeen", "ObservedDomains.hadUserInteraction"}},
}

// Run implements module.Module.
func (m *WebkitResourceLoadStatistics) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, webkitObservationsDBs, "WebKit observations.db")
	if err != nil {
		return err
	}
	return readEach(files, func(f source.IOSFile) error { return m.readDB(ctx, in, f, out) })
}

func (m *WebkitResourceLoadStatistics) readDB(ctx context.Context, in *module.Input, f source.IOSFile, out module.Emitter) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	schema, _, err := readSchema(in, db, f, webkitObservationsVariants...)
	if err != nil {
		return err
	}
	q := "SELECT domainID, registrableDomain, lastSeen, hadUserInteraction"
	var extra [][2]string
	for _, c := range webkitOptionalTimes {
		if schema.Has("ObservedDomains." + c[0]) {
			q += ", " + c[0]
			extra = append(extra, c)
		}
	}
	rows, err := db.QueryContext(ctx, q+" FROM ObservedDomains")
	if err != nil {
		return fmt.Errorf("%s: reading ObservedDomains: %w", fileLabel(f), err)
	}
	defer rows.Close()
	// In a backup MVT records the app's domain and the fixed relative path;
	// in a dump the domain is "" and the path is the file's.
	domain, path := f.Domain, f.RelativePath
	if !isBackupInput(in) {
		domain, path = "", f.Path
	}
	vals := make([]any, 4+len(extra))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("%s: reading ObservedDomains: %w", fileLabel(f), err)
		}
		r := &sqlRow{}
		r.set("domain_id", vals[0])
		r.set("registrable_domain", valueText(vals[1]))
		r.set("last_seen", vals[2])
		hadUI, _ := valueInt(vals[3])
		r.set("had_user_interaction", hadUI != 0)
		r.set("last_seen_isodate", unixTimeMVT(vals[2]))
		for i, c := range extra {
			v := vals[4+i]
			r.set(c[1], v)
			if t, ok := valueFloat(v); ok && t > 0 {
				r.set(c[1]+"_isodate", unixTimeMVT(v))
			}
		}
		r.set("domain", domain)
		r.set("path", path)
		out.Record(r)
		msg := "Webkit resource loaded from " + r.str("registrable_domain")
		if domain != "" {
			msg += " by app in domain " + domain
		}
		out.Timeline(module.TimelineEvent{Timestamp: r.str("last_seen_isodate"), Module: "WebkitResourceLoadStatistics", Event: "visit", Data: msg})
		urlCheck(in.IOCs, r, r.str("last_seen_isodate"), out, r.str("registrable_domain"))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: reading ObservedDomains: %w", fileLabel(f), err)
	}
	return nil
}

func isBackupInput(in *module.Input) bool {
	src, err := iosSource(in)
	return err == nil && src.IsBackup()
}

// Recheck implements module.Rechecker on one record of
// webkit_resource_load_statistics.json.
func (m *WebkitResourceLoadStatistics) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		Domain   string `json:"registrable_domain"`
		LastSeen string `json:"last_seen_isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("webkit_resource_load_statistics record: %w", err)
	}
	urlCheck(idx, json.RawMessage(raw), rec.LastSeen, out, rec.Domain)
	return nil
}

// sortedKeys is a helper for the session resource log's dict records.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
