package ios

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// chromeProfileDir is where Chrome for iOS keeps its default profile,
// inside the app's data container (AppDomain-com.google.chrome.ios in a
// backup).
const chromeProfileDir = "Library/Application Support/Google/Chrome/Default/"

var chromeHistoryDB = source.IOSQuery{
	DomainPaths:   []string{"AppDomain-com.google.chrome.ios-" + chromeProfileDir + "History"},
	RelativePaths: []string{chromeProfileDir + "History"},
	FSGlobs:       []string{"private/var/mobile/Containers/Data/Application/*/" + chromeProfileDir + "History"},
}

// chromeVisit is one row of visits with its page, with MVT's field names.
type chromeVisit struct {
	ID             any    `json:"id"`
	URL            string `json:"url"`
	VisitID        any    `json:"visit_id"`
	Timestamp      any    `json:"timestamp"`
	Isodate        string `json:"isodate"`
	RedirectSource any    `json:"redirect_source"`
}

// ChromeHistory reads the pages visited in Chrome for iOS (its History
// database) and checks them against the indicators.
type ChromeHistory struct{}

// NewChromeHistory returns the chrome_history module.
func NewChromeHistory() *ChromeHistory { return &ChromeHistory{} }

// Describe implements module.Module.
func (*ChromeHistory) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "chrome_history",
		MVTName:     "ChromeHistory",
		Description: "Chrome for iOS browsing history (urls and visits of its History database)",
		Artifact:    "Chrome browsing history",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Chrome's History has had urls and visits since its first release; only
// from_visit (the visit that led here) is optional, so it is picked per
// column rather than per variant.
var chromeHistoryVariants = []sqlitedb.Variant{
	{Name: "urls with visits", Requires: []string{"urls.id", "urls.url", "visits.id", "visits.url", "visits.visit_time"}},
}

// Run implements module.Module.
func (m *ChromeHistory) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, chromeHistoryDB, "Chrome History (AppDomain-com.google.chrome.ios "+chromeProfileDir+"History)")
	if err != nil {
		return err
	}
	return readEach(files, func(f source.IOSFile) error { return m.readDB(ctx, in, f, out) })
}

func (m *ChromeHistory) readDB(ctx context.Context, in *module.Input, f source.IOSFile, out module.Emitter) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	s, _, err := readSchema(in, db, f, chromeHistoryVariants...)
	if err != nil {
		return err
	}
	sel, _ := buildSelect(s, []sqlCol{
		{"urls.id", "id", "urls.id"},
		{"urls.url", "url", "urls.url"},
		{"visits.id", "visit_id", "visits.id"},
		{"visits.visit_time", "visit_time", "visits.visit_time"},
		{"visits.from_visit", "from_visit", "visits.from_visit"},
	})
	// Chrome indexes visits by visit_time, so the ORDER BY streams in index
	// order instead of sorting a large table in memory.
	q := "SELECT " + sel + " FROM urls JOIN visits ON visits.url = urls.id ORDER BY visits.visit_time, visits.id"
	n := 0
	err = streamRows(ctx, db, f, q, func(r *sqlRow) error {
		rec := &chromeVisit{
			ID: r.get("id"), URL: r.str("url"), VisitID: r.get("visit_id"),
			Timestamp: r.get("visit_time"), RedirectSource: r.get("from_visit"),
		}
		rec.Isodate = chromeTimeMVT(rec.Timestamp)
		out.Record(rec)
		if rec.Isodate != "" {
			out.Timeline(module.TimelineEvent{Timestamp: rec.Isodate, Module: "ChromeHistory", Event: "visit",
				Data: fmt.Sprintf("%s - %s (visit ID: %s, redirect source: %s)",
					pyText(rec.ID), rec.URL, pyText(rec.VisitID), pyText(rec.RedirectSource))})
		}
		urlCheck(in.IOCs, rec, rec.Isodate, out, rec.URL)
		n++
		return nil
	})
	logger(in).Debug("extracted Chrome visits", "file", fileLabel(f), "count", n)
	return err
}

// Recheck implements module.Rechecker on one record of chrome_history.json.
func (m *ChromeHistory) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		URL     string `json:"url"`
		Isodate string `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("chrome_history record: %w", err)
	}
	urlCheck(idx, json.RawMessage(raw), rec.Isodate, out, rec.URL)
	return nil
}

// chromeMaxMicros is 9999-12-31 in Chrome time: beyond it the timestamp
// layout breaks, so such a value is garbage.
const chromeMaxMicros = 265046774400 * 1e6

// chromeTimeMVT renders a Chrome/WebKit timestamp (µs since 1601) as MVT
// does. MVT renders 0 (never) as 1601-01-01; spyglass gives "" (no date) so
// that the timeline holds no event four centuries before the phone existed.
func chromeTimeMVT(v any) string {
	us, ok := valueInt(v)
	if !ok || us <= 0 || us > chromeMaxMicros {
		return ""
	}
	return timeutil.Format(timeutil.FromChrome(us))
}
