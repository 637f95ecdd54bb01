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

// firefoxFavicon is one icon of browser.db with the page it was fetched
// for, with MVT's field names.
type firefoxFavicon struct {
	ID         any    `json:"id"`
	URL        string `json:"url"`
	Width      any    `json:"width"`
	Height     any    `json:"height"`
	Type       any    `json:"type"`
	Isodate    string `json:"isodate"`
	HistoryID  any    `json:"history_id"`
	HistoryURL string `json:"history_url"`
}

// FirefoxFavicon reads the favicons Firefox for iOS fetched (browser.db)
// with the pages they belong to, and checks both URLs.
type FirefoxFavicon struct{}

// NewFirefoxFavicon returns the firefox_favicon module.
func NewFirefoxFavicon() *FirefoxFavicon { return &FirefoxFavicon{} }

// Describe implements module.Module.
func (*FirefoxFavicon) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "firefox_favicon",
		MVTName:     "FirefoxFavicon",
		Description: "Firefox for iOS favicons (browser.db) with the pages they were fetched for",
		Artifact:    "Firefox's icon cache: pages visited",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var firefoxFaviconVariants = []sqlitedb.Variant{
	{Name: "favicons with favicon_sites and history", Requires: []string{"favicons.id", "favicons.url",
		"favicon_sites.siteID", "favicon_sites.faviconID", "history.id", "history.url"}},
}

// Run implements module.Module.
func (m *FirefoxFavicon) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, firefoxBrowserDB, "Firefox browser.db ("+firefoxGroup+" profile.profile/browser.db)")
	if err != nil {
		return err
	}
	return readEach(files, func(f source.IOSFile) error { return m.readDB(ctx, in, f, out) })
}

func (m *FirefoxFavicon) readDB(ctx context.Context, in *module.Input, f source.IOSFile, out module.Emitter) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	s, _, err := readSchema(in, db, f, firefoxFaviconVariants...)
	if err != nil {
		return err
	}
	sel, _ := buildSelect(s, []sqlCol{
		{"favicons.id", "id", "favicons.id"},
		{"favicons.url", "url", "favicons.url"},
		{"favicons.width", "width", "favicons.width"},
		{"favicons.height", "height", "favicons.height"},
		{"favicons.type", "type", "favicons.type"},
		{"favicons.date", "date", "favicons.date"},
		{"history.id", "history_id", "history.id"},
		{"history.url", "history_url", "history.url"},
	})
	q := "SELECT " + sel + ` FROM favicons
		JOIN favicon_sites ON favicon_sites.faviconID = favicons.id
		JOIN history ON favicon_sites.siteID = history.id
		ORDER BY favicons.id, history.id`
	n := 0
	err = streamRows(ctx, db, f, q, func(r *sqlRow) error {
		rec := &firefoxFavicon{ID: r.get("id"), URL: r.str("url"), Width: r.get("width"), Height: r.get("height"),
			Type: r.get("type"), Isodate: firefoxTime(r.get("date")), HistoryID: r.get("history_id"), HistoryURL: r.str("history_url")}
		out.Record(rec)
		if rec.Isodate != "" {
			out.Timeline(module.TimelineEvent{Timestamp: rec.Isodate, Module: "FirefoxFavicon", Event: "firefox_history",
				Data: fmt.Sprintf("Firefox favicon %s when visiting %s", rec.URL, rec.HistoryURL)})
		}
		urlCheck(in.IOCs, rec, rec.Isodate, out, rec.URL, rec.HistoryURL)
		n++
		return nil
	})
	logger(in).Debug("extracted Firefox favicons", "file", fileLabel(f), "count", n)
	return err
}

// Recheck implements module.Rechecker on one record of firefox_favicon.json.
func (m *FirefoxFavicon) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		URL        string `json:"url"`
		HistoryURL string `json:"history_url"`
		Isodate    string `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("firefox_favicon record: %w", err)
	}
	urlCheck(idx, json.RawMessage(raw), rec.Isodate, out, rec.URL, rec.HistoryURL)
	return nil
}
