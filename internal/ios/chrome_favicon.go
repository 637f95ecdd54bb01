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

var chromeFaviconDB = source.IOSQuery{
	DomainPaths:   []string{"AppDomain-com.google.chrome.ios-" + chromeProfileDir + "Favicons"},
	RelativePaths: []string{chromeProfileDir + "Favicons"},
	FSGlobs:       []string{"private/var/mobile/Containers/Data/Application/*/" + chromeProfileDir + "Favicons"},
}

// chromeFavicon is one page with the icon Chrome fetched for it, with MVT's
// field names. An icon is fetched when the page is loaded, so this records
// visits even after the history was cleared.
type chromeFavicon struct {
	URL       string `json:"url"`
	IconURL   string `json:"icon_url"`
	Timestamp any    `json:"timestamp"`
	Isodate   string `json:"isodate"`
}

// ChromeFavicon reads Chrome for iOS's favicon cache (page URL → icon URL)
// and checks both URLs against the indicators.
type ChromeFavicon struct{}

// NewChromeFavicon returns the chrome_favicon module.
func NewChromeFavicon() *ChromeFavicon { return &ChromeFavicon{} }

// Describe implements module.Module.
func (*ChromeFavicon) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "chrome_favicon",
		MVTName:     "ChromeFavicon",
		Description: "Chrome for iOS favicon cache: pages and the icons fetched for them",
		Artifact:    "Chrome's icon cache: pages visited",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var chromeFaviconVariants = []sqlitedb.Variant{
	{Name: "icon_mapping, favicons, favicon_bitmaps", Requires: []string{"icon_mapping.id", "icon_mapping.page_url", "icon_mapping.icon_id",
		"favicons.id", "favicons.url", "favicon_bitmaps.icon_id", "favicon_bitmaps.last_updated"}},
}

// Run implements module.Module.
func (m *ChromeFavicon) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, chromeFaviconDB, "Chrome Favicons (AppDomain-com.google.chrome.ios "+chromeProfileDir+"Favicons)")
	if err != nil {
		return err
	}
	return readEach(files, func(f source.IOSFile) error { return m.readDB(ctx, in, f, out) })
}

func (m *ChromeFavicon) readDB(ctx context.Context, in *module.Input, f source.IOSFile, out module.Emitter) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	s, _, err := readSchema(in, db, f, chromeFaviconVariants...)
	if err != nil {
		return err
	}
	// last_requested appeared in later Chrome versions; without it the
	// bitmap's last update is the only date.
	requested := "NULL"
	if s.Has("favicon_bitmaps.last_requested") {
		requested = "favicon_bitmaps.last_requested"
	}
	// MVT takes last_updated, or last_requested when it is 0, and sorts the
	// records by that date; SQLite sorts here so that rows stream.
	q := `SELECT icon_mapping.page_url AS page_url, favicons.url AS icon_url,
			CASE WHEN IFNULL(favicon_bitmaps.last_updated, 0) = 0 THEN ` + requested + ` ELSE favicon_bitmaps.last_updated END AS ts
		FROM icon_mapping
		JOIN favicon_bitmaps ON icon_mapping.icon_id = favicon_bitmaps.icon_id
		JOIN favicons ON icon_mapping.icon_id = favicons.id
		ORDER BY ts, icon_mapping.id`
	n := 0
	err = streamRows(ctx, db, f, q, func(r *sqlRow) error {
		rec := &chromeFavicon{URL: r.str("page_url"), IconURL: r.str("icon_url"), Timestamp: r.get("ts")}
		if rec.Timestamp == nil {
			rec.Timestamp = int64(0)
		}
		rec.Isodate = chromeTimeMVT(rec.Timestamp)
		out.Record(rec)
		if rec.Isodate != "" {
			out.Timeline(module.TimelineEvent{Timestamp: rec.Isodate, Module: "ChromeFavicon", Event: "new_favicon",
				Data: rec.IconURL + " from " + rec.URL})
		}
		urlCheck(in.IOCs, rec, rec.Isodate, out, rec.URL, rec.IconURL)
		n++
		return nil
	})
	logger(in).Debug("extracted Chrome favicons", "file", fileLabel(f), "count", n)
	return err
}

// Recheck implements module.Rechecker on one record of chrome_favicon.json.
func (m *ChromeFavicon) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		URL     string `json:"url"`
		IconURL string `json:"icon_url"`
		Isodate string `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("chrome_favicon record: %w", err)
	}
	urlCheck(idx, json.RawMessage(raw), rec.Isodate, out, rec.URL, rec.IconURL)
	return nil
}
