package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// firefoxGroup is Firefox for iOS's shared app-group container, where its
// profile (profile.profile) lives.
const firefoxGroup = "AppDomainGroup-group.org.mozilla.ios.Firefox"

// firefoxBrowserDB is the profile's browser.db (history, visits, favicons),
// the database MVT reads. MVT's filesystem path (directly under
// private/var/mobile) is kept, plus the app-group container where the
// file really is on a full filesystem dump.
var firefoxBrowserDB = source.IOSQuery{
	DomainPaths:   []string{firefoxGroup + "-profile.profile/browser.db"},
	RelativePaths: []string{"profile.profile/browser.db"},
	FSGlobs: []string{
		"private/var/mobile/profile.profile/browser.db",
		"private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/browser.db",
	},
}

// firefoxHistoryDBs adds places.db, where Firefox for iOS moved the
// history (Mozilla's shared "places" store, moz_places/moz_historyvisits)
// in 2021; MVT does not read it.
var firefoxHistoryDBs = source.IOSQuery{
	DomainPaths:   []string{firefoxGroup + "-profile.profile/browser.db", firefoxGroup + "-profile.profile/places.db"},
	RelativePaths: []string{"profile.profile/browser.db", "profile.profile/places.db"},
	FSGlobs: []string{
		"private/var/mobile/profile.profile/browser.db",
		"private/var/mobile/profile.profile/places.db",
		"private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/browser.db",
		"private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/places.db",
	},
}

// firefoxVisit is one visit with its page, with MVT's field names except
// is_local: MVT writes that key as "i1000000s_local" (a search-and-replace
// accident in its source), which no reader would look for.
type firefoxVisit struct {
	ID      any    `json:"id"`
	Isodate string `json:"isodate"`
	URL     string `json:"url"`
	Title   any    `json:"title"`
	IsLocal any    `json:"is_local"`
	Type    any    `json:"type"`
}

// FirefoxHistory reads the pages visited in Firefox for iOS and checks them
// against the indicators.
type FirefoxHistory struct{}

// NewFirefoxHistory returns the firefox_history module.
func NewFirefoxHistory() *FirefoxHistory { return &FirefoxHistory{} }

// Describe implements module.Module.
func (*FirefoxHistory) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "firefox_history",
		MVTName:     "FirefoxHistory",
		Description: "Firefox for iOS browsing history (browser.db, and places.db of newer versions)",
		Artifact:    "Firefox browsing history",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var firefoxHistoryVariants = []sqlitedb.Variant{
	{Name: "browser.db history with visits", Requires: []string{"visits.id", "visits.siteID", "visits.date", "history.id", "history.url"}},
	{Name: "places moz_places with moz_historyvisits", Requires: []string{"moz_historyvisits.id", "moz_historyvisits.place_id",
		"moz_historyvisits.visit_date", "moz_places.id", "moz_places.url"}},
}

// Run implements module.Module.
func (m *FirefoxHistory) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, firefoxHistoryDBs, "Firefox browser.db or places.db ("+firefoxGroup+" profile.profile/)")
	if err != nil {
		return err
	}
	return readEach(files, func(f source.IOSFile) error { return m.readDB(ctx, in, f, out) })
}

func (m *FirefoxHistory) readDB(ctx context.Context, in *module.Input, f source.IOSFile, out module.Emitter) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	s, v, err := readSchema(in, db, f, firefoxHistoryVariants...)
	if err != nil {
		return err
	}
	var q string
	if v.Name == firefoxHistoryVariants[0].Name {
		sel, _ := buildSelect(s, []sqlCol{
			{"visits.id", "id", "visits.id"},
			{"visits.date", "date", "visits.date"},
			{"history.url", "url", "history.url"},
			{"history.title", "title", "history.title"},
			{"visits.is_local", "is_local", "visits.is_local"},
			{"visits.type", "type", "visits.type"},
		})
		q = "SELECT " + sel + " FROM visits JOIN history ON visits.siteID = history.id ORDER BY visits.id"
	} else {
		sel, _ := buildSelect(s, []sqlCol{
			{"moz_historyvisits.id", "id", "moz_historyvisits.id"},
			{"moz_historyvisits.visit_date", "date", "moz_historyvisits.visit_date"},
			{"moz_places.url", "url", "moz_places.url"},
			{"moz_places.title", "title", "moz_places.title"},
			{"moz_historyvisits.is_local", "is_local", "moz_historyvisits.is_local"},
			{"moz_historyvisits.visit_type", "type", "moz_historyvisits.visit_type"},
		})
		q = "SELECT " + sel + " FROM moz_historyvisits JOIN moz_places ON moz_historyvisits.place_id = moz_places.id ORDER BY moz_historyvisits.id"
	}
	n := 0
	err = streamRows(ctx, db, f, q, func(r *sqlRow) error {
		rec := &firefoxVisit{ID: r.get("id"), Isodate: firefoxTime(r.get("date")), URL: r.str("url"),
			Title: r.get("title"), IsLocal: r.get("is_local"), Type: r.get("type")}
		if b, ok := rec.Title.([]byte); ok {
			rec.Title = bytesText(b)
		}
		out.Record(rec)
		if rec.Isodate != "" {
			out.Timeline(module.TimelineEvent{Timestamp: rec.Isodate, Module: "FirefoxHistory", Event: "firefox_history",
				Data: fmt.Sprintf("Firefox visit with ID %s to URL: %s", pyText(rec.ID), rec.URL)})
		}
		urlCheck(in.IOCs, rec, rec.Isodate, out, rec.URL)
		n++
		return nil
	})
	logger(in).Debug("extracted Firefox visits", "file", fileLabel(f), "count", n)
	return err
}

// Recheck implements module.Rechecker on one record of firefox_history.json.
func (m *FirefoxHistory) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		URL     string `json:"url"`
		Isodate string `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("firefox_history record: %w", err)
	}
	urlCheck(idx, json.RawMessage(raw), rec.Isodate, out, rec.URL)
	return nil
}

// firefoxTime renders a Firefox visit date, a Unix time whose unit depends
// on the store: browser.db counts microseconds, places.db (Mozilla's
// application services) milliseconds, favicons seconds. The unit is told
// apart by magnitude, which is unambiguous for any date after 1973.
// MVT divides browser.db dates by 10^6 in SQL (whole seconds); the fraction
// is kept here.
func firefoxTime(v any) string {
	f, ok := valueFloat(v)
	if !ok || f <= 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	switch {
	case f >= 1e14:
		f /= 1e6
	case f >= 1e11:
		f /= 1e3
	}
	return unixTimeMVT(f)
}
