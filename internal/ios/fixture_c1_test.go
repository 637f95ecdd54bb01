package ios

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// backupFileC1 is one file of a synthetic backup.
type backupFileC1 struct {
	domain, rel string
	data        []byte
}

// backupC1 writes a real-layout backup in a temporary folder: Manifest.db
// with its Files table (flags 1 = file) and each file at <id[:2]>/<id>,
// where id = SHA-1 of "domain-relativePath". Entries with nil data are
// listed in the manifest but absent from the folder, as in MVT's fixture.
func backupC1(t *testing.T, files ...backupFileC1) *source.IOSBackup {
	t.Helper()
	dir := t.TempDir()
	stmts := []string{`CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)`}
	for _, f := range files {
		id := source.FileID(f.domain, f.rel)
		stmts = append(stmts, "INSERT INTO Files VALUES ('"+id+"', '"+sqlQuoteC1(f.domain)+"', '"+sqlQuoteC1(f.rel)+"', 1, NULL)")
		if f.data == nil {
			continue
		}
		p := filepath.Join(dir, id[:2], id)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "Manifest.db"), sqliteBytes(t, stmts...), 0o444); err != nil {
		t.Fatal(err)
	}
	info := plistC1(t, map[string]any{"Product Version": "17.5", "Build Version": "21F79"}, plist.XMLFormat)
	if err := os.WriteFile(filepath.Join(dir, "Info.plist"), info, 0o444); err != nil {
		t.Fatal(err)
	}
	b, err := source.OpenIOSBackup(dir)
	if err != nil {
		t.Fatalf("opening synthetic backup: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func sqlQuoteC1(s string) string { return strings.ReplaceAll(s, "'", "''") }

// plistC1 encodes v as a plist in the given format.
func plistC1(t testing.TB, v any, format int) []byte {
	t.Helper()
	b, err := plist.Marshal(v, format)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustRunC1 runs m with idx (nil: an empty index), failing on an error.
func mustRunC1(t *testing.T, m module.Module, src source.IOS, idx *ioc.Index) *module.Collector {
	t.Helper()
	c, err := runA(t, m, src, idx)
	if err != nil {
		t.Fatalf("%s: %v", m.Describe().Slug, err)
	}
	return c
}

// recheckC1 re-checks every record of c as written to <slug>.json and
// returns the alert messages.
func recheckC1(t *testing.T, m module.Module, c *module.Collector, idx *ioc.Index) []string {
	t.Helper()
	rc, ok := m.(module.Rechecker)
	if !ok {
		t.Fatalf("%s is not a Rechecker", m.Describe().Slug)
	}
	return messagesC1(recheckAllB(t, rc, c, idx))
}

// recordsJSONC1 marshals every record as <slug>.json holds them.
func recordsJSONC1(t *testing.T, c *module.Collector) []string {
	t.Helper()
	out := make([]string, len(c.Records))
	for i, r := range c.Records {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		out[i] = string(b)
	}
	return out
}

// messagesC1 lists "LEVEL message" for each alert, in order.
func messagesC1(c *module.Collector) []string {
	out := make([]string, len(c.Alerts))
	for i, a := range c.Alerts {
		out[i] = a.Level.String() + " " + a.Message
	}
	return out
}

// discardC1 is an Emitter that drops everything but still marshals records
// and alert events, so fuzz targets catch values JSON cannot encode.
type discardC1 struct{}

func (discardC1) Record(rec any)                { mustMarshalC1(rec) }
func (discardC1) Timeline(module.TimelineEvent) {}
func (discardC1) Alert(a alert.Alert)           { mustMarshalC1(a) }
func (discardC1) URL(module.URL)                {}
func (discardC1) SetRecord(v any)               { mustMarshalC1(v) }

func mustMarshalC1(v any) {
	if _, err := json.Marshal(v); err != nil {
		panic(err)
	}
}
