package ios

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// fixtureBackupB opens MVT's test backup (testdata/ios_backup, see
// testdata/SOURCE.md).
func fixtureBackupB(t *testing.T) *source.IOSBackup {
	t.Helper()
	b, err := source.OpenIOSBackup(filepath.Join("testdata", "ios_backup"))
	if err != nil {
		t.Fatalf("opening fixture backup: %v", err)
	}
	return b
}

// fixtureIndexB loads MVT's test indicator set (9 indicators, "TestMalware").
func fixtureIndexB(t *testing.T) *ioc.Index {
	t.Helper()
	idx := ioc.NewIndex()
	if err := idx.LoadFile(filepath.Join("testdata", "test_indicators.stix2")); err != nil {
		t.Fatalf("loading indicators: %v", err)
	}
	return idx
}

// runB runs m on src with idx (nil: an empty index) and returns what it
// emitted.
func runB(t *testing.T, m module.Module, src source.IOS, idx *ioc.Index) (*module.Collector, error) {
	t.Helper()
	if idx == nil {
		idx = ioc.NewIndex()
	}
	in := &module.Input{FS: src.FS(), Source: src, IOCs: idx}
	c := &module.Collector{Module: m.Describe().Slug}
	err := m.Run(context.Background(), in, c)
	return c, err
}

// mustRunB is runB failing the test on an error.
func mustRunB(t *testing.T, m module.Module, src source.IOS, idx *ioc.Index) *module.Collector {
	t.Helper()
	c, err := runB(t, m, src, idx)
	if err != nil {
		t.Fatalf("%s: %v", m.Describe().Slug, err)
	}
	return c
}

// recordJSON marshals a record to a generic map, as a reader of
// <module>.json sees it.
func recordJSON(t *testing.T, rec any) map[string]any {
	t.Helper()
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatalf("marshalling record: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshalling record %s: %v", b, err)
	}
	return m
}

// countLevel counts alerts of one level.
func countLevel(c *module.Collector, l alert.Level) int { return len(c.AlertsAt(l)) }

// recheckAllB re-checks every record of c (as written to <slug>.json)
// against idx and returns the alerts.
func recheckAllB(t *testing.T, m module.Rechecker, c *module.Collector, idx *ioc.Index) *module.Collector {
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

func isNoDataErr(err error) bool { return errors.Is(err, module.ErrNoData) }

// dumpB is a minimal filesystem-dump source over a folder, for tests that
// build a real-schema database under its dump path (the filesystem-dump
// source proper is another package's work).
type dumpB struct{ dir string }

func (d dumpB) FS() fs.FS      { return os.DirFS(d.dir) }
func (d dumpB) IsBackup() bool { return false }
func (d dumpB) Find(q source.IOSQuery) ([]source.IOSFile, error) {
	var out []source.IOSFile
	seen := map[string]bool{}
	for _, g := range q.FSGlobs {
		matches, err := fs.Glob(d.FS(), g)
		if err != nil {
			return nil, err
		}
		sort.Strings(matches)
		for _, m := range matches {
			if !seen[m] {
				seen[m] = true
				out = append(out, source.IOSFile{Path: m, RelativePath: m})
			}
		}
	}
	return out, nil
}

// makeDBB creates dir/rel as an SQLite database by running stmts.
func makeDBB(t *testing.T, dir, rel string, stmts ...string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// indexWithB returns the test indicator set plus extra STIX patterns
// ("[process:name = 'x']"), as MVT's tests append one value per test.
func indexWithB(t *testing.T, patterns ...string) *ioc.Index {
	t.Helper()
	idx := fixtureIndexB(t)
	objs := []map[string]any{{"type": "malware", "id": "malware--extra", "name": "ExtraMalware", "spec_version": "2.1"}}
	for i, p := range patterns {
		id := fmt.Sprintf("indicator--extra-%d", i)
		objs = append(objs,
			map[string]any{"type": "indicator", "id": id, "pattern": p, "pattern_type": "stix", "spec_version": "2.1"},
			map[string]any{"type": "relationship", "id": fmt.Sprintf("relationship--extra-%d", i), "relationship_type": "indicates",
				"source_ref": id, "target_ref": "malware--extra", "spec_version": "2.1"})
	}
	b, err := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--extra", "objects": objs})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Load("extra.stix2", bytes.NewReader(b)); err != nil {
		t.Fatalf("loading extra indicators: %v", err)
	}
	return idx
}

// osWriteFileB writes dir/rel, creating its folders.
func osWriteFileB(dir, rel, content string) error {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(content), 0o644)
}

func hexB(b []byte) string { return hex.EncodeToString(b) }
