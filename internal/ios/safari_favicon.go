package ios

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var safariFaviconDB = source.IOSQuery{
	FSGlobs: []string{
		"private/var/mobile/Library/Image Cache/Favicons/Favicons.db",
		"private/var/mobile/Containers/Data/Application/*/Library/Image Cache/Favicons/Favicons.db",
	},
}

// safariFavicon is one page with the icon Safari fetched for it, with MVT's
// field names. Type is "valid" (page_url ⋈ icon_info) or "rejected" (an
// icon Safari refused to keep): both prove the page was loaded, even after
// the history was cleared.
type safariFavicon struct {
	URL                 string `json:"url"`
	IconURL             string `json:"icon_url"`
	Timestamp           any    `json:"timestamp"`
	Isodate             string `json:"isodate"`
	Type                string `json:"type"`
	SafariFaviconDBPath string `json:"safari_favicon_db_path"`
}

// SafariFavicon reads Safari's favicon cache and checks page and icon URLs.
type SafariFavicon struct{}

// NewSafariFavicon returns the safari_favicon module.
func NewSafariFavicon() *SafariFavicon { return &SafariFavicon{} }

// Describe implements module.Module.
func (*SafariFavicon) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "safari_favicon",
		MVTName:     "SafariFavicon",
		Description: "Safari favicon cache (Favicons.db): pages and the icons fetched or rejected for them",
		Artifact:    "Safari's icon cache: pages visited (Favicons.db)",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var safariFaviconVariants = []sqlitedb.Variant{
	{Name: "page_url, icon_info, rejected_resources", Requires: []string{"page_url.url", "page_url.uuid", "icon_info.url",
		"icon_info.uuid", "icon_info.timestamp", "rejected_resources.page_url", "rejected_resources.icon_url", "rejected_resources.timestamp"}},
	{Name: "page_url, icon_info", Requires: []string{"page_url.url", "page_url.uuid", "icon_info.url", "icon_info.uuid", "icon_info.timestamp"}},
}

// Run implements module.Module.
func (m *SafariFavicon) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, safariFaviconDB, "Safari Favicons.db (Library/Image Cache/Favicons)")
	if err != nil {
		return err
	}
	return readEach(files, func(f source.IOSFile) error { return m.readDB(ctx, in, f, out) })
}

func (m *SafariFavicon) readDB(ctx context.Context, in *module.Input, f source.IOSFile, out module.Emitter) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := pickSchema(in, db, f, safariFaviconVariants...)
	if err != nil {
		return err
	}
	// MVT lists the valid icons, then the rejected ones, each by date.
	queries := []struct{ kind, q string }{{"valid", `SELECT page_url.url AS url, icon_info.url AS icon_url, icon_info.timestamp AS ts
		FROM page_url JOIN icon_info ON page_url.uuid = icon_info.uuid ORDER BY icon_info.timestamp`}}
	if v.Name == safariFaviconVariants[0].Name {
		queries = append(queries, struct{ kind, q string }{"rejected", `SELECT page_url AS url, icon_url, timestamp AS ts
			FROM rejected_resources ORDER BY timestamp`})
	}
	for _, q := range queries {
		err := streamRows(ctx, db, f, q.q, func(r *sqlRow) error {
			rec := &safariFavicon{URL: r.str("url"), IconURL: r.str("icon_url"), Timestamp: r.get("ts"),
				Type: q.kind, SafariFaviconDBPath: f.Path}
			rec.Isodate = macTimeMVT(rec.Timestamp)
			out.Record(rec)
			if rec.Isodate != "" {
				out.Timeline(module.TimelineEvent{Timestamp: rec.Isodate, Module: "SafariFavicon", Event: "safari_favicon",
					Data: fmt.Sprintf("Safari favicon from %s with icon URL %s (%s)", rec.URL, rec.IconURL, rec.Type)})
			}
			urlCheck(in.IOCs, rec, rec.Isodate, out, rec.URL, rec.IconURL)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Recheck implements module.Rechecker on one record of safari_favicon.json.
func (m *SafariFavicon) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		URL     string `json:"url"`
		IconURL string `json:"icon_url"`
		Isodate string `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("safari_favicon record: %w", err)
	}
	urlCheck(idx, json.RawMessage(raw), rec.Isodate, out, rec.URL, rec.IconURL)
	return nil
}
