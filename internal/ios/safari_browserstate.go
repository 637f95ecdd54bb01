package ios

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var safariBrowserStateDBs = source.IOSQuery{
	RelativePaths: []string{"Library/Safari/BrowserState.db", "Library/Safari/Profiles/*/BrowserState.db"},
	FSGlobs: []string{
		"private/var/mobile/Library/Safari/BrowserState.db",
		"private/var/mobile/Library/Safari/Profiles/*/BrowserState.db",
		"private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db",
		"private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/BrowserState.db",
	},
}

// safariTab is one open Safari tab with the pages of its back/forward list.
type safariTab struct {
	TabTitle            *string              `json:"tab_title"`
	TabURL              *string              `json:"tab_url"`
	TabVisibleURL       *string              `json:"tab_visible_url"`
	LastViewedTimestamp string               `json:"last_viewed_timestamp"`
	SessionData         []safariSessionEntry `json:"session_data"`
	DB                  string               `json:"safari_browser_state_db"`
}

// safariSessionEntry is one page of a tab's history. MVT names the original
// URL "entry_title"; the name is kept for compatibility.
type safariSessionEntry struct {
	EntryTitle *string `json:"entry_title"`
	EntryURL   *string `json:"entry_url"`
	DataLength int     `json:"data_length"`
}

// SafariBrowserState reads Safari's open tabs and their history from
// BrowserState.db (one per Safari profile).
type SafariBrowserState struct{}

// NewSafariBrowserState returns the safari_browser_state module.
func NewSafariBrowserState() *SafariBrowserState { return &SafariBrowserState{} }

// Describe implements module.Module.
func (*SafariBrowserState) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "safari_browser_state",
		MVTName:     "SafariBrowserState",
		Description: "Safari's open tabs and their back/forward history in BrowserState.db",
		Artifact:    "Safari open tabs",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var safariBrowserStateVariants = []sqlitedb.Variant{
	{Name: "tabs with tab_sessions (iOS 12+)", Requires: []string{"tabs.title", "tabs.url", "tabs.user_visible_url", "tabs.last_viewed_time", "tabs.uuid", "tab_sessions.tab_uuid", "tab_sessions.session_data"}},
	{Name: "tabs with session_data (before iOS 12)", Requires: []string{"tabs.title", "tabs.url", "tabs.user_visible_url", "tabs.last_viewed_time", "tabs.session_data"}},
}

// Run implements module.Module.
func (m *SafariBrowserState) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, safariBrowserStateDBs, "Safari BrowserState.db")
	if err != nil {
		return err
	}
	return readEach(files, func(f source.IOSFile) error { return m.readDB(ctx, in, f, out) })
}

func (m *SafariBrowserState) readDB(ctx context.Context, in *module.Input, f source.IOSFile, out module.Emitter) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := pickSchema(in, db, f, safariBrowserStateVariants...)
	if err != nil {
		return err
	}
	q := `SELECT tabs.title, tabs.url, tabs.user_visible_url, tabs.last_viewed_time, tab_sessions.session_data
		FROM tabs JOIN tab_sessions ON tabs.uuid = tab_sessions.tab_uuid ORDER BY tabs.last_viewed_time`
	if v.Name != safariBrowserStateVariants[0].Name {
		q = `SELECT title, url, user_visible_url, last_viewed_time, session_data FROM tabs ORDER BY last_viewed_time`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("%s: reading tabs: %w", fileLabel(f), err)
	}
	defer rows.Close()
	for rows.Next() {
		var title, url, visible, viewed, session any
		if err := rows.Scan(&title, &url, &visible, &viewed, &session); err != nil {
			return fmt.Errorf("%s: reading tabs: %w", fileLabel(f), err)
		}
		tab := &safariTab{TabTitle: optText(title), TabURL: optText(url), TabVisibleURL: optText(visible),
			LastViewedTimestamp: macTimeMVT(viewed), DB: f.Path, SessionData: []safariSessionEntry{}}
		if blob, ok := session.([]byte); ok {
			entries, err := parseSafariSession(blob)
			if err != nil {
				logger(in).Debug("unreadable Safari tab session", "file", fileLabel(f), "err", err)
			}
			tab.SessionData = append(tab.SessionData, entries...)
		}
		out.Record(tab)
		out.Timeline(module.TimelineEvent{Timestamp: tab.LastViewedTimestamp, Module: "SafariBrowserState", Event: "tab",
			Data: fmt.Sprintf("%s - %s", pyStrPtr(tab.TabTitle), pyStrPtr(tab.TabURL))})
		safariTabCheck(in.IOCs, tab, tab, out)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: reading tabs: %w", fileLabel(f), err)
	}
	return nil
}

// parseSafariSession decodes a tab's session_data: a 4-byte header, then a
// plist whose SessionHistory.SessionHistoryEntries list the tab's pages.
func parseSafariSession(blob []byte) ([]safariSessionEntry, error) {
	if len(blob) <= 4 {
		return nil, nil
	}
	// Decoded generically: a crafted blob with unexpected types loses only
	// the entries that do not fit.
	var d map[string]any
	if err := decodePlist(blob[4:], &d); err != nil {
		return nil, err
	}
	hist, _ := d["SessionHistory"].(map[string]any)
	list, _ := hist["SessionHistoryEntries"].([]any)
	var out []safariSessionEntry
	for _, item := range list {
		e, ok := item.(map[string]any)
		if !ok {
			continue
		}
		se := safariSessionEntry{EntryTitle: plistString(e["SessionHistoryEntryOriginalURL"]), EntryURL: plistString(e["SessionHistoryEntryURL"])}
		switch x := e["SessionHistoryEntryData"].(type) {
		case []byte:
			se.DataLength = len(x)
		case string:
			se.DataLength = len(x)
		}
		out = append(out, se)
	}
	return out, nil
}

func plistString(v any) *string {
	switch x := v.(type) {
	case string:
		return &x
	case []byte:
		s := bytesText(x)
		return &s
	}
	return nil
}

// safariTabCheck matches the tab's URL, and when it does not match, each
// page of its history (CRITICAL), as MVT does.
func safariTabCheck(idx *ioc.Index, rec any, tab *safariTab, out module.Emitter) {
	if tab.TabURL != nil {
		if m := idx.CheckURL(*tab.TabURL); m != nil {
			out.Alert(iocAlert(alert.Critical, matchMessage(*tab.TabURL, m), tab.LastViewedTimestamp, rec, m))
			return
		}
	}
	for _, e := range tab.SessionData {
		if e.EntryURL == nil {
			continue
		}
		if m := idx.CheckURL(*e.EntryURL); m != nil {
			out.Alert(iocAlert(alert.Critical, matchMessage(*e.EntryURL, m), tab.LastViewedTimestamp, rec, m))
		}
	}
}

// Recheck implements module.Rechecker on one record of safari_browser_state.json.
func (m *SafariBrowserState) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var tab safariTab
	if err := json.Unmarshal(raw, &tab); err != nil {
		return fmt.Errorf("safari_browser_state record: %w", err)
	}
	safariTabCheck(idx, json.RawMessage(raw), &tab, out)
	return nil
}
