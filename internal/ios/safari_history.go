package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var safariHistoryDBs = source.IOSQuery{
	RelativePaths: []string{"Library/Safari/History.db", "Library/Safari/Profiles/*/History.db"},
	FSGlobs: []string{
		"private/var/mobile/Library/Safari/History.db",
		"private/var/mobile/Library/Safari/Profiles/*/History.db",
		"private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db",
		"private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/History.db",
	},
}

// safariVisit is one visit of history_visits with its page's URL.
type safariVisit struct {
	ID                  any     `json:"id"`
	URL                 *string `json:"url"`
	VisitID             any     `json:"visit_id"`
	Timestamp           any     `json:"timestamp"`
	Isodate             string  `json:"isodate"`
	RedirectSource      any     `json:"redirect_source"`
	RedirectDestination any     `json:"redirect_destination"`
	DB                  string  `json:"safari_history_db"`
}

var heuristicFastHTTPRedirect = &alert.Heuristic{
	ID:    "ios.safari_history.fast_http_redirect",
	Title: "Instant redirect of an unencrypted page to another site",
	Why: "An http:// page sent the browser to a different website in under a second. Network " +
		"injection attacks (Pegasus, 2019–2021) worked exactly like this, by tampering with unencrypted " +
		"traffic; many ordinary sites also redirect, so it needs a closer look rather than alarm.",
	Action: "Look at the destination domain in the timeline and check it against recent threat reports.",
}

// SafariHistory reads Safari's visits from History.db (one per profile)
// and looks for the instant cross-site redirects of network injection.
type SafariHistory struct{}

// NewSafariHistory returns the safari_history module.
func NewSafariHistory() *SafariHistory { return &SafariHistory{} }

// Describe implements module.Module.
func (*SafariHistory) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "safari_history",
		MVTName:     "SafariHistory",
		Description: "Safari browsing history in History.db, with redirect checks",
		Artifact:    "Safari browsing history (History.db)",
		Evidence:    iosBoth,
		Large:       true,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var safariHistoryVariants = []sqlitedb.Variant{
	{Name: "history_items with history_visits", Requires: []string{"history_items.id", "history_items.url",
		"history_visits.id", "history_visits.history_item", "history_visits.visit_time",
		"history_visits.redirect_source", "history_visits.redirect_destination"}},
}

// Run implements module.Module.
func (m *SafariHistory) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, safariHistoryDBs, "Safari History.db")
	if err != nil {
		return err
	}
	return readEach(files, func(f source.IOSFile) error { return m.readDB(ctx, in, f, out) })
}

func (m *SafariHistory) readDB(ctx context.Context, in *module.Input, f source.IOSFile, out module.Emitter) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := pickSchema(in, db, f, safariHistoryVariants...); err != nil {
		return err
	}
	// MVT finds each redirect's destination by scanning every visit again,
	// which is quadratic; the destination is joined here through
	// history_visits' primary key instead (and stays within this database).
	// The visits are read in table order (NOT INDEXED): left to itself
	// SQLite walks history_visits__last_visit and fetches every visit's row
	// from a random page, a quarter slower on 500,000 visits since it all
	// gets sorted anyway. Visits at the same instant come in visit-id order,
	// so the output never depends on the query plan (MVT leaves that order
	// to SQLite).
	rows, err := db.QueryContext(ctx, `SELECT hi.id, hi.url, hv.id, hv.visit_time, hv.redirect_source, hv.redirect_destination,
			dv.visit_time, di.url
		FROM history_visits hv NOT INDEXED
		JOIN history_items hi ON hi.id = hv.history_item
		LEFT JOIN history_visits dv ON hv.redirect_destination IS NOT NULL AND dv.id = hv.redirect_destination
		LEFT JOIN history_items di ON di.id = dv.history_item
		ORDER BY hv.visit_time, hv.id`)
	if err != nil {
		return fmt.Errorf("%s: reading visits: %w", fileLabel(f), err)
	}
	defer rows.Close()
	for rows.Next() {
		v := &safariVisit{DB: f.Path}
		var u, destTime, destURL any
		if err := rows.Scan(&v.ID, &u, &v.VisitID, &v.Timestamp, &v.RedirectSource, &v.RedirectDestination, &destTime, &destURL); err != nil {
			return fmt.Errorf("%s: reading visits: %w", fileLabel(f), err)
		}
		v.URL = optText(u)
		v.Isodate = macTimeMVT(v.Timestamp)
		out.Record(v)
		out.Timeline(module.TimelineEvent{Timestamp: v.Isodate, Module: "SafariHistory", Event: "safari_history",
			Data: fmt.Sprintf("Safari visit to %s (ID: %s, Visit ID: %s)", pyStrPtr(v.URL), pyText(v.ID), pyText(v.VisitID))})
		if destURL != nil && v.URL != nil {
			fastRedirectCheck(v, *v.URL, valueText(destURL), destTime, out)
		}
		urlCheck(in.IOCs, v, v.Isodate, out, strPtrText(v.URL))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: reading visits: %w", fileLabel(f), err)
	}
	return nil
}

// fastRedirectCheck raises MEDIUM when an http:// visit was redirected to a
// different domain in less than a second (MVT: "possible network
// injection").
func fastRedirectCheck(v *safariVisit, origin, dest string, destTime any, out module.Emitter) {
	if !strings.HasPrefix(strings.ToLower(origin), "http://") {
		return
	}
	if d, ok := valueInt(v.RedirectDestination); !ok || d == 0 {
		return
	}
	if urlDomain(origin) == urlDomain(dest) {
		return // most likely the site's own upgrade to HTTPS
	}
	t0, ok0 := valueFloat(v.Timestamp)
	t1, ok1 := valueFloat(destTime)
	if !ok0 || !ok1 {
		return
	}
	elapsed := t1 - t0
	if elapsed < 0 || elapsed >= 1 {
		return
	}
	ms := math.Round(elapsed*1e6) / 1000
	out.Alert(heuristicAlert(alert.Medium,
		fmt.Sprintf("Redirect took less than a second! (%s milliseconds)", formatFloatPy(ms)),
		v.Isodate, v, heuristicFastHTTPRedirect))
}

// urlDomain is a URL's host, lower-cased, without a leading "www.".
func urlDomain(raw string) string {
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// Recheck implements module.Rechecker on one record of safari_history.json.
func (m *SafariHistory) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		URL     string `json:"url"`
		Isodate string `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("safari_history record: %w", err)
	}
	urlCheck(idx, json.RawMessage(raw), rec.Isodate, out, rec.URL)
	return nil
}
