package synth

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"howett.net/plist"
)

var browsingHosts = []string{
	"en.wikipedia.org", "www.bbc.co.uk", "www.youtube.com", "github.com", "www.theguardian.com",
	"www.openstreetmap.org", "www.reuters.com", "www.apple.com", "www.lemonde.fr", "www.spiegel.de",
	"news.ycombinator.com", "stackoverflow.com", "www.imdb.com", "www.booking.com", "www.weather.gov",
	"www.nasa.gov", "www.nature.com", "www.amnesty.org", "www.eff.org", "arxiv.org",
}

var pageTitles = []string{"Home", "News", "Search results", "Article", "Sign in", "Weather", "Video", "Map", ""}

// domainExpansion is how Safari stores a host for autocompletion: without
// "www." and without the last label ("en.wikipedia" for en.wikipedia.org).
func domainExpansion(host string) string {
	host = strings.TrimPrefix(host, "www.")
	if i := strings.LastIndexByte(host, '.'); i > 0 {
		return host[:i]
	}
	return host
}

type safariVisit struct {
	item     int32 // index in items
	time     float64
	src, dst int32 // visit numbers (1-based) of the redirect's other half, 0 if none
	title    string
}

// writeSafariHistory writes History.db: SafariVisits ordinary visits (about
// 3% of them the two halves of a site's own http→https redirect) plus one
// visit per SafariVisit trace.
func writeSafariHistory(path string, s *Spec) error {
	g := newGen(s.Seed, "safari_history")
	traces := s.traces(SafariVisit)
	total := s.SafariVisits + len(traces)
	// Items: the redirect pairs first (http and https of each host), then
	// ordinary pages, then one per trace.
	var items []string
	for _, h := range browsingHosts {
		items = append(items, "http://"+h+"/", "https://"+h+"/")
	}
	nPages := min(max(s.SafariVisits/4, 1), 200_000)
	firstPage := len(items)
	for i := 0; i < nPages; i++ {
		items = append(items, fmt.Sprintf("https://%s/%s-%d", pick(g, browsingHosts), g.hexString(6), i))
	}
	firstTrace := len(items)
	for _, t := range traces {
		items = append(items, g.traceURL(t.Value))
	}
	planted := spread(len(traces), total)
	visits := make([]safariVisit, 0, total)
	for i := 0; i < total; i++ {
		t := g.timeAt(i, total)
		if j, ok := planted[i]; ok {
			visits = append(visits, safariVisit{item: int32(firstTrace + j), time: t})
			continue
		}
		_, nextPlanted := planted[i+1]
		if i+1 < total && !nextPlanted && g.chance(0.015) {
			h := int32(g.intn(len(browsingHosts)))
			n := int32(len(visits)) + 1
			visits = append(visits,
				safariVisit{item: 2 * h, time: t, dst: n + 1},
				safariVisit{item: 2*h + 1, time: t + 0.2, src: n, title: "Home"})
			i++
			continue
		}
		visits = append(visits, safariVisit{item: int32(firstPage + g.intn(nPages)), time: t, title: pick(g, pageTitles)})
	}
	counts := make([]int32, len(items))
	for _, v := range visits {
		counts[v.item]++
	}

	w, err := createDB(path, safariHistorySchema)
	if err != nil {
		return err
	}
	defer w.close()
	err = w.bulk(`INSERT INTO history_items (id, url, domain_expansion, visit_count, daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score, status_code)
		VALUES (?, ?, ?, ?, ?, 0, ?, 0)`, len(items), func(i int, a []any) {
		u, _ := url.Parse(items[i])
		a[0], a[1], a[3], a[4], a[5] = i+1, items[i], counts[i], []byte{byte(counts[i]), 0, 0, 0}, 100*counts[i]
		if u != nil {
			a[2] = domainExpansion(u.Hostname())
		}
	})
	if err != nil {
		return err
	}
	err = w.bulk(`INSERT INTO history_visits (id, history_item, visit_time, title, load_successful, redirect_source, redirect_destination, origin, generation, attributes, score)
		VALUES (?, ?, ?, ?, 1, ?, ?, 0, 1, 0, ?)`, len(visits), func(i int, a []any) {
		v := visits[i]
		a[0], a[1], a[2], a[3], a[6] = i+1, v.item+1, v.time, v.title, 100
		if v.src != 0 {
			a[4] = v.src
		}
		if v.dst != 0 {
			a[5] = v.dst
		}
	})
	if err != nil {
		return err
	}
	if err := w.exec(safariHistoryIndexes...); err != nil {
		return err
	}
	if err := w.exec(`INSERT INTO metadata (key, value) VALUES ('version', 20)`,
		`INSERT INTO history_client_versions (client_version, last_seen) VALUES (1, 0), (2, 0)`); err != nil {
		return err
	}
	return w.close()
}

// benignTabs is how many ordinary open tabs BrowserState.db holds when the
// Spec asks for Safari visits.
const benignTabs = 5

// writeBrowserState writes BrowserState.db: a few ordinary tabs and one tab
// per SafariTab trace, each with its back/forward list in session_data.
func writeBrowserState(path string, s *Spec) error {
	g := newGen(s.Seed, "safari_browser_state")
	traces := s.traces(SafariTab)
	n := len(traces)
	if s.SafariVisits > 0 {
		n += benignTabs
	}
	w, err := createDB(path, browserStateSchema)
	if err != nil {
		return err
	}
	defer w.close()
	window := g.uuid()
	if err := w.exec(`INSERT INTO browser_windows (id, uuid, scene_id) VALUES (1, '` + window + `', 'com.apple.mobilesafari.scene')`); err != nil {
		return err
	}
	err = w.load(func(l *loader) error {
		tab, err := l.prepare(`INSERT INTO tabs (uuid, title, url, user_visible_url, order_index, last_viewed_time, opened_from_link, browser_window_uuid, browser_window_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`)
		if err != nil {
			return err
		}
		sess, err := l.prepare(`INSERT INTO tab_sessions (tab_uuid, session_data) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			u, title, fromLink := fmt.Sprintf("https://%s/", pick(g, browsingHosts)), pick(g, pageTitles), 0
			if i < len(traces) {
				u, title, fromLink = g.traceURL(traces[i].Value), "", 1
			}
			id := g.uuid()
			if err := tab.row(id, title, u, u, i, g.timeAt(i, n), fromLink, window); err != nil {
				return err
			}
			blob, err := sessionData(u, title)
			if err != nil {
				return err
			}
			if err := sess.row(id, blob); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return w.close()
}

// sessionData is a tab's back/forward list: a 4-byte version header, then a
// binary plist.
func sessionData(u, title string) ([]byte, error) {
	d := map[string]any{
		"SessionHistory": map[string]any{
			"SessionHistoryCurrentIndex": 0,
			"SessionHistoryVersion":      1,
			"SessionHistoryEntries": []any{map[string]any{
				"SessionHistoryEntryURL":                             u,
				"SessionHistoryEntryOriginalURL":                     u,
				"SessionHistoryEntryTitle":                           title,
				"SessionHistoryEntryData":                            []byte{0, 0, 0, 2},
				"SessionHistoryEntryShouldOpenExternalURLsPolicyKey": 1,
			}},
		},
		"IsAppInitiated": false,
	}
	var buf bytes.Buffer
	buf.Write([]byte{0, 0, 0, 2})
	if err := plist.NewEncoderForFormat(&buf, plist.BinaryFormat).Encode(d); err != nil {
		return nil, fmt.Errorf("tab session: %w", err)
	}
	return buf.Bytes(), nil
}
