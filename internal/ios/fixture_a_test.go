package ios

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// fixtureBackupA opens MVT's test backup (testdata/ios_backup).
func fixtureBackupA(t *testing.T) *source.IOSBackup {
	t.Helper()
	b, err := source.OpenIOSBackup(filepath.Join("testdata", "ios_backup"))
	if err != nil {
		t.Fatalf("opening fixture backup: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// indexA loads MVT's test indicator set plus extra STIX patterns (as MVT's
// tests append one value to the set), in a collection "TestMalware".
func indexA(t *testing.T, extraPatterns ...string) *ioc.Index {
	t.Helper()
	idx := ioc.NewIndex()
	if err := idx.LoadFile(filepath.Join("testdata", "test_indicators.stix2")); err != nil {
		t.Fatalf("loading indicators: %v", err)
	}
	if len(extraPatterns) > 0 {
		var objs []string
		objs = append(objs, `{"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-0000000000aa","name":"TestMalware","is_family":false}`)
		for i, p := range extraPatterns {
			id := fmt.Sprintf("indicator--00000000-0000-4000-8000-%012d", 900+i)
			objs = append(objs, fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":%q,"pattern":%q,"pattern_type":"stix","valid_from":"2022-01-01T00:00:00Z"}`, id, p))
			objs = append(objs, fmt.Sprintf(`{"type":"relationship","spec_version":"2.1","id":"relationship--00000000-0000-4000-8000-%012d","relationship_type":"indicates","source_ref":%q,"target_ref":"malware--00000000-0000-4000-8000-0000000000aa"}`, 900+i, id))
		}
		bundle := `{"type":"bundle","id":"bundle--00000000-0000-4000-8000-0000000000ab","objects":[` + strings.Join(objs, ",") + `]}`
		if err := idx.Load("extra.stix2", strings.NewReader(bundle)); err != nil {
			t.Fatalf("loading extra indicators: %v", err)
		}
	}
	return idx
}

// runA runs m on src with idx (nil: an empty index).
func runA(t *testing.T, m module.Module, src source.IOS, idx *ioc.Index) (*module.Collector, error) {
	t.Helper()
	if idx == nil {
		idx = ioc.NewIndex()
	}
	in := &module.Input{FS: src.FS(), Source: src, IOCs: idx}
	c := &module.Collector{Module: m.Describe().Slug}
	err := m.Run(context.Background(), in, c)
	return c, err
}

// dumpA builds a filesystem dump in a temporary folder: each key is a path
// inside the dump, each value the file's bytes.
func dumpA(t *testing.T, files map[string][]byte) *source.IOSDump {
	t.Helper()
	dir := t.TempDir()
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	d, err := source.OpenIOSDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// sqliteBytes builds a database with stmts and returns its bytes.
func sqliteBytes(t *testing.T, stmts ...string) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "db.sqlite")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			db.Close()
			t.Fatalf("%s: %v", s, err)
		}
	}
	db.Close()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// backupView presents any source as a backup, for synthetic backups built
// as plain folders.
type backupView struct{ source.IOS }

func (backupView) IsBackup() bool { return true }

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
