package ios

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// manifestRecord is one row of Manifest.db's Files table with the file's
// metadata decoded from its archived MBFile plist. The metadata keys are
// absent when the plist is missing or unreadable, as in MVT's output.
type manifestRecord struct {
	FileID        string  `json:"file_id"`
	Domain        string  `json:"domain"`
	RelativePath  string  `json:"relative_path"`
	Flags         *int64  `json:"flags"`
	Created       string  `json:"created"`
	Modified      *string `json:"modified,omitempty"`
	StatusChanged *string `json:"status_changed,omitempty"`
	Mode          *string `json:"mode,omitempty"`
	Owner         *int64  `json:"owner,omitempty"`
	Size          *int64  `json:"size,omitempty"`
}

// Manifest lists every file of a backup from Manifest.db, with its MACB
// times, and checks paths against file and domain indicators.
type Manifest struct{}

// NewManifest returns the manifest module.
func NewManifest() *Manifest { return &Manifest{} }

// Describe implements module.Module.
func (*Manifest) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "manifest",
		MVTName:     "Manifest",
		Description: "Every file listed in the backup's Manifest.db, with creation/modification times",
		Artifact:    "List of files in the backup (Manifest.db)",
		Evidence:    iosBackup,
		Large:       true,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module. Rows are streamed: memory does not grow with
// the number of files.
func (m *Manifest) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	src, err := iosSource(in)
	if err != nil {
		return err
	}
	if !src.IsBackup() {
		return module.NoData("Manifest.db (only backups have one)")
	}
	if _, err := fs.Stat(src.FS(), "Manifest.db"); err != nil {
		return module.NoData("the backup's Manifest.db")
	}
	db, err := sqlitedb.Open(src.FS(), "Manifest.db")
	if err != nil {
		return fmt.Errorf("Manifest.db: %w", err)
	}
	defer db.Close()
	if _, err := sqlitedb.PickVariant(db, sqlitedb.Variant{Name: "Files", Requires: []string{"Files.fileID", "Files.domain", "Files.relativePath", "Files.flags", "Files.file"}}); err != nil {
		return fmt.Errorf("Manifest.db: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT fileID, domain, relativePath, flags, file FROM Files`)
	if err != nil {
		return fmt.Errorf("Manifest.db: %w", err)
	}
	defer rows.Close()
	var bad int
	for rows.Next() {
		var id, domain, rel sql.NullString
		var flags sql.NullInt64
		var file []byte
		if err := rows.Scan(&id, &domain, &rel, &flags, &file); err != nil {
			return fmt.Errorf("Manifest.db: %w", err)
		}
		rec := &manifestRecord{FileID: id.String, Domain: domain.String, RelativePath: rel.String}
		if flags.Valid {
			rec.Flags = &flags.Int64
		}
		if len(file) > 0 && !decodeMBFile(file, rec) {
			bad++
		}
		out.Record(rec)
		for _, ev := range manifestTimeline(rec) {
			out.Timeline(ev)
		}
		m.check(in.IOCs, rec, out)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("Manifest.db: %w", err)
	}
	if bad > 0 {
		logger(in).Warn("Manifest.db: unreadable file metadata", "entries", bad)
	}
	return nil
}

// decodeMBFile reads the NSKeyedArchiver plist of one file: $objects[1] is
// the MBFile with Birth, LastModified, LastStatusChange (Unix seconds),
// Mode, UserID and Size.
func decodeMBFile(b []byte, rec *manifestRecord) bool {
	var arch struct {
		Objects []any `plist:"$objects"`
	}
	if err := decodePlist(b, &arch); err != nil || len(arch.Objects) < 2 {
		return false
	}
	obj, ok := arch.Objects[1].(map[string]any)
	if !ok {
		return false
	}
	stamp := func(k string) string {
		switch v := obj[k].(type) {
		case time.Time:
			return timeutil.Format(v)
		default:
			return unixTimeMVT(plistNumber(v))
		}
	}
	rec.Created = stamp("Birth")
	mod, st := stamp("LastModified"), stamp("LastStatusChange")
	rec.Modified, rec.StatusChanged = &mod, &st
	if v, ok := plistInt(obj["Mode"]); ok {
		s := "0o" + strconv.FormatInt(v, 8)
		if v < 0 {
			s = "-0o" + strconv.FormatInt(-v, 8)
		}
		rec.Mode = &s
	}
	if v, ok := plistInt(obj["UserID"]); ok {
		rec.Owner = &v
	}
	if v, ok := plistInt(obj["Size"]); ok {
		rec.Size = &v
	}
	return true
}

// plistNumber returns a plist integer or real as any (for unixTimeMVT).
func plistNumber(v any) any {
	switch n := v.(type) {
	case uint64:
		return float64(n)
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return nil
}

func plistInt(v any) (int64, bool) {
	switch n := v.(type) {
	case uint64:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		return int64(n), true
	}
	return 0, false
}

// manifestTimeline gives one event per distinct time among created,
// modified and status changed, labelled with the MACB letters that time
// stands for (MVT's layout: "M-CB", "--C-"…).
func manifestTimeline(rec *manifestRecord) []module.TimelineEvent {
	if rec.Modified == nil || rec.StatusChanged == nil {
		return nil
	}
	var evs []module.TimelineEvent
	seen := map[string]bool{}
	for _, ts := range []string{rec.Created, *rec.Modified, *rec.StatusChanged} {
		if seen[ts] {
			continue
		}
		seen[ts] = true
		macb := []byte("----")
		if ts == *rec.Modified {
			macb[0] = 'M'
		}
		if ts == *rec.StatusChanged {
			macb[2] = 'C'
		}
		if ts == rec.Created {
			macb[3] = 'B'
		}
		evs = append(evs, module.TimelineEvent{
			Timestamp: ts, Module: "Manifest", Event: string(macb),
			Data: rec.RelativePath + " - " + rec.Domain,
		})
	}
	return evs
}

// check matches the path against file indicators, then each '_'-separated
// part of the lower-cased path that looks like a host against domain
// indicators (app data folders carry site names: "https_example.org_0").
func (*Manifest) check(idx *ioc.Index, rec *manifestRecord, out module.Emitter) {
	if idx == nil || rec.RelativePath == "" {
		return
	}
	if m := idx.CheckFilePath("/" + rec.RelativePath); m != nil {
		out.Alert(iocAlert(alert.High, matchMessage("/"+rec.RelativePath, m), "", rec, m))
		return
	}
	rel := strings.ToLower(rec.RelativePath)
	for _, part := range strings.Split(rel, "_") {
		if !looksLikeHost(part) {
			continue
		}
		if m := idx.CheckURL(part); m != nil {
			out.Alert(iocAlert(alert.High,
				fmt.Sprintf("Found mention of domain %q in a backup file with path: %s", m.Value, rel), "", rec, m))
		}
	}
}

// looksLikeHost keeps parts with a dot and a letter after the last dot, the
// cheap test that separates "example.org" from "v2" or "1.5" before asking
// the index (MVT parses each part as a URL for the same purpose).
func looksLikeHost(s string) bool {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || i == len(s)-1 {
		return false
	}
	c := s[i+1]
	return c >= 'a' && c <= 'z'
}

// Recheck implements module.Rechecker.
func (m *Manifest) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec manifestRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("manifest record: %w", err)
	}
	m.check(idx, &rec, out)
	return nil
}
