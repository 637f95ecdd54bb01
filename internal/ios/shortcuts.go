package ios

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/plistsafe"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var shortcutsDB = source.IOSQuery{
	DomainPaths: []string{"HomeDomain-Library/Shortcuts/Shortcuts.sqlite"},
	FSGlobs:     []string{"private/var/mobile/Library/Shortcuts/Shortcuts.sqlite"},
}

// shortcutRecord is one shortcut with its actions' URLs, with MVT's field
// names in MVT's order. ActionURLs is null when the actions could not be
// decoded (MVT: "shortcut without action data").
type shortcutRecord struct {
	ShortcutID    any      `json:"shortcut_id"`
	ShortcutName  any      `json:"shortcut_name"`
	ModifiedDate  string   `json:"modified_date"`
	Description   any      `json:"description"`
	ParsedActions int      `json:"parsed_actions"`
	ActionURLs    []string `json:"action_urls"`
	Isodate       string   `json:"isodate"`
}

// Shortcuts reads the user's Shortcuts automations (Shortcuts.sqlite) and
// checks the URLs their actions open or fetch: a shortcut can silently send
// data to, or download from, an attacker's server.
type Shortcuts struct{}

// NewShortcuts returns the shortcuts module.
func NewShortcuts() *Shortcuts { return &Shortcuts{} }

// Describe implements module.Module.
func (*Shortcuts) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "shortcuts",
		MVTName:     "Shortcuts",
		Description: "Shortcuts automations in Shortcuts.sqlite, with the URLs their actions use",
		Artifact:    "Shortcuts automations and the addresses they use",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var shortcutsVariants = []sqlitedb.Variant{
	{Name: "ZSHORTCUT with ZSHORTCUTACTIONS (iOS 12+)", Requires: []string{"ZSHORTCUT.Z_PK", "ZSHORTCUT.ZNAME",
		"ZSHORTCUTACTIONS.ZSHORTCUT", "ZSHORTCUTACTIONS.ZDATA"}},
	{Name: "ZSHORTCUT without action table", Requires: []string{"ZSHORTCUT.Z_PK", "ZSHORTCUT.ZNAME"}},
}

// Run implements module.Module.
func (m *Shortcuts) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, shortcutsDB, "Shortcuts.sqlite (HomeDomain Library/Shortcuts/Shortcuts.sqlite)")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	s, v, err := readSchema(in, db, f, shortcutsVariants...)
	if err != nil {
		return err
	}
	cols := []sqlCol{
		{"ZSHORTCUT.Z_PK", "shortcut_id", "ZSHORTCUT.Z_PK"},
		{"ZSHORTCUT.ZNAME", "shortcut_name", "ZSHORTCUT.ZNAME"},
		{"ZSHORTCUT.ZCREATIONDATE", "created_date", "ZSHORTCUT.ZCREATIONDATE"},
		{"ZSHORTCUT.ZMODIFICATIONDATE", "modified_date", "ZSHORTCUT.ZMODIFICATIONDATE"},
		{"ZSHORTCUT.ZACTIONSDESCRIPTION", "description", "ZSHORTCUT.ZACTIONSDESCRIPTION"},
	}
	from := "ZSHORTCUT"
	if v.Name == shortcutsVariants[0].Name {
		cols = append(cols, sqlCol{"ZSHORTCUTACTIONS.ZDATA", "action_data", "ZSHORTCUTACTIONS.ZDATA"})
		from += " LEFT JOIN ZSHORTCUTACTIONS ON ZSHORTCUTACTIONS.ZSHORTCUT = ZSHORTCUT.Z_PK"
	}
	sel, _ := buildSelect(s, cols)
	n := 0
	err = streamRows(ctx, db, f, "SELECT "+sel+" FROM "+from+" ORDER BY ZSHORTCUT.Z_PK", func(r *sqlRow) error {
		rec := &shortcutRecord{
			ShortcutID:   r.get("shortcut_id"),
			ShortcutName: textOrNil(r.get("shortcut_name")),
			ModifiedDate: macTimeMVT(r.get("modified_date")),
			Description:  textOrNil(r.get("description")),
			Isodate:      macTimeMVT(r.get("created_date")),
		}
		if blob, ok := r.get("action_data").([]byte); ok {
			actions, urls, err := parseShortcutActions(blob)
			if err != nil {
				logger(in).Debug("shortcut without readable action data", "shortcut", rec.ShortcutID, "error", err)
			} else {
				rec.ParsedActions, rec.ActionURLs = actions, urls
			}
		}
		m.emit(in.IOCs, rec, out)
		n++
		return nil
	})
	logger(in).Debug("extracted shortcuts", "file", fileLabel(f), "count", n)
	return err
}

func (m *Shortcuts) emit(idx *ioc.Index, rec *shortcutRecord, out module.Emitter) {
	out.Record(rec)
	urls := ""
	if len(rec.ActionURLs) > 0 {
		urls = "- URLs in actions: " + strings.Join(rec.ActionURLs, ", ")
	}
	desc := ""
	if rec.Description != nil {
		desc = valueText(rec.Description)
	}
	data := fmt.Sprintf("iOS Shortcut '%s': %s %s", pyText(rec.ShortcutName), desc, urls)
	if rec.Isodate != "" {
		out.Timeline(module.TimelineEvent{Timestamp: rec.Isodate, Module: "Shortcuts", Event: "shortcut_created", Data: data})
	}
	if rec.ModifiedDate != "" {
		out.Timeline(module.TimelineEvent{Timestamp: rec.ModifiedDate, Module: "Shortcuts", Event: "shortcut_modified", Data: data})
	}
	shortcutCheck(idx, rec, rec.ActionURLs, rec.Isodate, out)
}

// shortcutCheck matches the actions' URLs (CRITICAL, first match). MVT
// leaves the alert's time empty; the creation date is given here.
func shortcutCheck(idx *ioc.Index, rec any, urls []string, when string, out module.Emitter) {
	if u, m := firstURLMatch(idx, urls); m != nil {
		out.Alert(iocAlert(alert.Critical, matchMessage(u, m), when, rec, m))
	}
}

// Recheck implements module.Rechecker on one record of shortcuts.json.
func (m *Shortcuts) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		ActionURLs []string `json:"action_urls"`
		Isodate    string   `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("shortcuts record: %w", err)
	}
	shortcutCheck(idx, json.RawMessage(raw), rec.ActionURLs, rec.Isodate, out)
	return nil
}

// textOrNil renders a text or blob column as text (MVT reads this database
// as bytes and writes them decoded), keeping NULL as null.
func textOrNil(v any) any {
	if v == nil {
		return nil
	}
	return valueText(v)
}

// parseShortcutActions decodes ZSHORTCUTACTIONS.ZDATA, a plist array with
// one dict per action ({WFWorkflowActionIdentifier, WFWorkflowActionParameters}),
// and returns the number of actions and every http(s) URL found in any
// string inside them, in order. MVT searches the Python text of each
// action's parameters; walking the decoded values finds the same URLs
// without the quoting characters, including those inside text tokens
// ({"Value": {"string": "…"}}). A plist of another shape still has its
// strings searched, with 0 actions.
func parseShortcutActions(blob []byte) (int, []string, error) {
	// Shortcuts writes binary plists; XML is accepted too, as by MVT. The
	// plist library would also read any text as an OpenStep plist string.
	if t := bytes.TrimLeft(blob, "\ufeff \t\r\n"); !bytes.HasPrefix(t, []byte("bplist")) && !bytes.HasPrefix(t, []byte("<")) {
		return 0, nil, errors.New("not a binary or XML plist")
	}
	var top any
	if err := decodePlist(blob, &top); err != nil {
		return 0, nil, err
	}
	actions := 0
	if arr, ok := top.([]any); ok {
		for _, a := range arr {
			if _, ok := a.(map[string]any); ok {
				actions++
			}
		}
	}
	urls := []string{}
	walkPlistStrings(top, 0, func(s string) {
		for _, u := range findLinks(s) {
			// As MVT: trailing quotes and commas are punctuation, not URL.
			if u = strings.TrimRight(u, "',"); u != "" {
				urls = append(urls, u)
			}
		}
	})
	return actions, urls, nil
}

// walkPlistStrings calls fn for every string in a decoded plist (dict keys
// excluded), visiting dict entries in key order so the result is stable.
// Decoded plists are trees (checked by decodePlist), so depth is the
// only bound needed.
func walkPlistStrings(v any, depth int, fn func(string)) {
	if depth > plistsafe.MaxDepth {
		return
	}
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			walkPlistStrings(e, depth+1, fn)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			walkPlistStrings(x[k], depth+1, fn)
		}
	}
}
