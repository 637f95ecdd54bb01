package ios

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// c2File is one file of a synthetic backup, under its backup name.
type c2File struct {
	domain, rel string
	data        []byte
}

// backupC2 writes a real-format backup into a temporary folder — Manifest.db
// with a Files table listing each file, each file stored at
// <fileID[:2]>/<fileID> with fileID = SHA-1(domain-relativePath), and
// Info.plist (info, or a minimal one when nil) — and opens it with the
// backup source the CLI uses.
func backupC2(t *testing.T, info map[string]any, files ...c2File) *source.IOSBackup {
	t.Helper()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "Manifest.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	for _, s := range []string{
		`CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)`,
		`CREATE INDEX FilesDomainIdx ON Files(domain)`,
		`CREATE INDEX FilesRelativePathIdx ON Files(relativePath)`,
		`CREATE INDEX FilesFlagsIdx ON Files(flags)`,
		`CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		id := source.FileID(f.domain, f.rel)
		if _, err := db.Exec(`INSERT INTO Files VALUES (?, ?, ?, 1, NULL)`, id, f.domain, f.rel); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, id[:2], id)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if info == nil {
		info = map[string]any{"Product Version": "17.5", "Build Version": "21F79"}
	}
	b, err := plist.Marshal(info, plist.XMLFormat)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Info.plist"), b, 0o444); err != nil {
		t.Fatal(err)
	}
	bk, err := source.OpenIOSBackup(dir)
	if err != nil {
		t.Fatalf("opening synthetic backup: %v", err)
	}
	t.Cleanup(func() { bk.Close() })
	return bk
}

// runC2 runs m on src with idx (nil: an empty index).
func runC2(t *testing.T, m module.Module, src source.IOS, idx *ioc.Index) (*module.Collector, error) {
	t.Helper()
	if idx == nil {
		idx = ioc.NewIndex()
	}
	c := &module.Collector{Module: m.Describe().Slug}
	err := m.Run(context.Background(), &module.Input{FS: src.FS(), Source: src, IOCs: idx}, c)
	return c, err
}

// mustRunC2 is runC2 failing the test on an error.
func mustRunC2(t *testing.T, m module.Module, src source.IOS, idx *ioc.Index) *module.Collector {
	t.Helper()
	c, err := runC2(t, m, src, idx)
	if err != nil {
		t.Fatalf("%s: %v", m.Describe().Slug, err)
	}
	return c
}

// eventsC2 lists timeline events as "timestamp|Module|event|data".
func eventsC2(c *module.Collector) []string {
	var out []string
	for _, e := range c.Events {
		out = append(out, e.Timestamp+"|"+e.Module+"|"+e.Event+"|"+e.Data)
	}
	return out
}

// alertsC2 lists alerts as "LEVEL|message|event time|indicator type:value or heuristic id".
func alertsC2(t *testing.T, c *module.Collector) []string {
	t.Helper()
	var out []string
	for _, a := range c.Alerts {
		why := ""
		switch {
		case a.Indicator != nil && a.Heuristic == nil:
			why = a.Indicator.Type + ":" + a.Indicator.Value
		case a.Heuristic != nil && a.Indicator == nil:
			why = a.Heuristic.ID
		default:
			t.Errorf("alert %q must have exactly one of indicator and heuristic", a.Message)
		}
		out = append(out, a.Level.String()+"|"+a.Message+"|"+a.EventTime+"|"+why)
	}
	return out
}

// recheckC2 re-checks every record of c, as written to <slug>.json.
func recheckC2(t *testing.T, m module.Rechecker, c *module.Collector, idx *ioc.Index) *module.Collector {
	t.Helper()
	out := &module.Collector{}
	for _, r := range c.Records {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Recheck(context.Background(), idx, b, out); err != nil {
			t.Fatalf("recheck: %v", err)
		}
	}
	return out
}
