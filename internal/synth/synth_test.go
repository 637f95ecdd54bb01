package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/nskeyed"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// embedded loads the embedded feeds once for all tests.
var embedded = sync.OnceValues(func() (*ioc.Index, error) {
	idx := ioc.NewIndex()
	return idx, idx.LoadEmbedded()
})

func embeddedIndex(t testing.TB) *ioc.Index {
	t.Helper()
	idx, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// runBackup opens dir as spyglass does and runs every backup module.
func runBackup(t testing.TB, dir string, idx *ioc.Index) map[string]*module.Collector {
	t.Helper()
	b, err := source.OpenIOSBackup(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	in := &module.Input{FS: b.FS(), Source: b, IOCs: idx, Log: slog.New(slog.DiscardHandler)}
	out := map[string]*module.Collector{}
	for _, m := range ios.ModulesFor(module.IOSBackup) {
		c := &module.Collector{Module: m.Describe().Slug}
		if err := m.Run(context.Background(), in, c); err != nil && !errors.Is(err, module.ErrNoData) {
			t.Errorf("module %s failed on the synthetic backup: %v", m.Describe().Slug, err)
		}
		out[m.Describe().Slug] = c
	}
	return out
}

func TestSpecRecordCounts(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		// want is the record count per module (whatsapp.json also holds
		// one record per chat).
		want map[string]int
	}{
		{"everything", Spec{SMS: 1500, SafariVisits: 700, WhatsAppMessages: 400, ManifestFiles: 900, DataUsageProcesses: 120, Seed: 7},
			map[string]int{"sms": 1500, "safari_history": 700, "safari_browser_state": benignTabs, "whatsapp": 400 + whatsAppChats(400), "manifest": 900, "datausage": 120}},
		{"traces on top of the counts", Spec{SMS: 10, SafariVisits: 10, WhatsAppMessages: 10, ManifestFiles: 100, DataUsageProcesses: 5, Seed: 8,
			Traces: []Trace{{Kind: SMSLink, Value: "a.invalid"}, {Kind: SMSLink, Value: "b.invalid"}, {Kind: SafariVisit, Value: "c.invalid"},
				{Kind: SafariTab, Value: "d.invalid"}, {Kind: WhatsAppLink, Value: "https://e.invalid/x"}, {Kind: DataUsageProcess, Value: "fakeprocd"},
				{Kind: ManifestPath, Value: "/private/var/tmp/implant"}}},
			map[string]int{"sms": 12, "safari_history": 11, "safari_browser_state": benignTabs + 1, "whatsapp": 11 + whatsAppChats(10) + 1, "manifest": 100, "datausage": 6}},
		{"only SMS", Spec{SMS: 50, Seed: 9},
			// Manifest holds the artifact and its folders even when asked for fewer.
			map[string]int{"sms": 50, "safari_history": 0, "whatsapp": 0, "datausage": 0, "manifest": 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := Write(dir, tc.spec); err != nil {
				t.Fatal(err)
			}
			got := runBackup(t, dir, ioc.NewIndex())
			for mod, n := range tc.want {
				if c := got[mod]; c == nil || len(c.Records) != n {
					t.Errorf("%s: %d records, want %d", mod, len(c.Records), n)
				}
			}
		})
	}
}

// TestDemoTracesRaiseTheirAlerts is the demo's promise: each planted trace
// raises its alert (module and level) with the embedded feeds, and nothing
// else in the backup raises one.
func TestDemoTracesRaiseTheirAlerts(t *testing.T) {
	dir := t.TempDir()
	traces, err := Demo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(traces) != 6 {
		t.Fatalf("Demo planted %d traces, want 6: %+v", len(traces), traces)
	}
	got := runBackup(t, dir, embeddedIndex(t))
	for _, tr := range traces {
		c := got[tr.Module()]
		found := false
		for _, a := range c.Alerts {
			if a.Level == tr.Level() && a.Indicator != nil && strings.EqualFold(a.Indicator.Value, tr.Value) {
				found = true
			}
		}
		if !found {
			t.Errorf("trace %s %q (%s) raised no %s alert in %s; alerts: %+v", tr.Kind, tr.Value, tr.Collection, tr.Level(), tr.Module(), c.Alerts)
		}
	}
	total := 0
	for name, c := range got {
		for _, a := range c.Alerts {
			total++
			if a.Indicator == nil {
				t.Errorf("unexpected heuristic alert in %s: %s", name, a.Message)
			}
		}
	}
	if total != len(traces) {
		t.Errorf("%d alerts, want exactly one per trace (%d)", total, len(traces))
	}
	wantRecords := map[string]int{"sms": demoSpec.SMS + 1, "safari_history": demoSpec.SafariVisits + 1,
		"safari_browser_state": benignTabs + 1, "whatsapp": demoSpec.WhatsAppMessages + 1 + whatsAppChats(demoSpec.WhatsAppMessages) + 1,
		"manifest": demoSpec.ManifestFiles, "datausage": demoSpec.DataUsageProcesses + 1}
	for mod, n := range wantRecords {
		if len(got[mod].Records) != n {
			t.Errorf("%s: %d records, want %d", mod, len(got[mod].Records), n)
		}
	}
}

// TestDemoTracesComeFromTheFeeds checks every demo value is an indicator of
// the family the demo claims, in the embedded feeds.
func TestDemoTracesComeFromTheFeeds(t *testing.T) {
	idx := embeddedIndex(t)
	traces, err := DemoTraces(idx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[Kind]string{SMSLink: "Pegasus", DataUsageProcess: "Pegasus", SafariVisit: "Predator", SafariTab: "Predator", ManifestPath: "Pegasus"}
	for _, tr := range traces {
		var m *ioc.Match
		switch tr.Kind {
		case DataUsageProcess:
			m = idx.CheckProcess(tr.Value)
		case ManifestPath:
			m = idx.CheckFileName(tr.Value)
		default:
			m = idx.CheckDomain(tr.Value)
		}
		if m == nil {
			t.Errorf("%s value %q is not an indicator", tr.Kind, tr.Value)
			continue
		}
		if w, ok := want[tr.Kind]; ok && !strings.EqualFold(tr.Collection, w) {
			t.Errorf("%s value %q is from %q, want %s", tr.Kind, tr.Value, tr.Collection, w)
		}
	}
}

// TestDeterministic: the same Spec gives the same bytes, a different seed
// different ones.
func TestDeterministic(t *testing.T) {
	spec := Spec{SMS: 300, SafariVisits: 200, WhatsAppMessages: 100, ManifestFiles: 150, DataUsageProcesses: 30, Seed: 42,
		Traces: []Trace{{Kind: SMSLink, Value: "x.invalid"}}}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := Write(d, spec); err != nil {
			t.Fatal(err)
		}
	}
	spec.Seed = 43
	if err := Write(c, spec); err != nil {
		t.Fatal(err)
	}
	ha, hb, hc := treeHash(t, a), treeHash(t, b), treeHash(t, c)
	if !bytes.Equal(ha, hb) {
		t.Error("two runs with the same seed differ")
	}
	if bytes.Equal(ha, hc) {
		t.Error("different seeds give the same backup")
	}
}

func treeHash(t *testing.T, dir string) []byte {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h.Write([]byte(rel))
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil)
}

// TestRealFormat checks the container against what real backups hold: the
// plists, every Files blob decodes as an MBFile with the entry's path, file
// IDs are SHA-1(domain-relativePath) and every file entry is on disk.
func TestRealFormat(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Spec{SMS: 20, ManifestFiles: 200, Seed: 3, Traces: []Trace{{Kind: ManifestPath, Value: "roleaccountd.plist"}}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Info.plist", "Manifest.plist", "Status.plist", "Manifest.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	db, err := sqlitedb.Open(os.DirFS(dir), "Manifest.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT fileID, domain, relativePath, flags, file FROM Files`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, files, dirs := 0, 0, 0
	for rows.Next() {
		var id, domain, rel string
		var flags int
		var blob []byte
		if err := rows.Scan(&id, &domain, &rel, &flags, &blob); err != nil {
			t.Fatal(err)
		}
		n++
		if id != fileID(domain, rel) {
			t.Errorf("%s-%s: fileID %s", domain, rel, id)
		}
		mb, err := nskeyed.DecodeMBFile(blob)
		if err != nil {
			t.Fatalf("%s-%s: %v", domain, rel, err)
		}
		if mb.RelativePath != rel {
			t.Errorf("%s: MBFile RelativePath %q", rel, mb.RelativePath)
		}
		switch flags {
		case flagFile:
			files++
			st, err := os.Stat(filepath.Join(dir, id[:2], id))
			if err != nil {
				t.Errorf("%s-%s: %v", domain, rel, err)
			} else if st.Size() != mb.Size {
				t.Errorf("%s-%s: size %d on disk, %d in the manifest", domain, rel, st.Size(), mb.Size)
			}
		case flagDir:
			dirs++
		}
	}
	if n != 200 || files == 0 || dirs == 0 {
		t.Errorf("%d entries (%d files, %d folders), want 200 with both kinds", n, files, dirs)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// The trace's file name and only it matches.
	got := runBackup(t, dir, embeddedIndex(t))
	if a := got["manifest"].AlertsAt(alert.High); len(a) != 1 {
		t.Errorf("manifest raised %d HIGH alerts, want 1", len(a))
	}
}

func TestWriteRefusesNonEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, Spec{SMS: 1}); err == nil {
		t.Error("Write into a non-empty folder succeeded")
	}
	if err := Write(t.TempDir(), Spec{SMS: -1}); err == nil {
		t.Error("a negative count was accepted")
	}
	if err := Write(t.TempDir(), Spec{Traces: []Trace{{Kind: "nope", Value: "x"}}}); err == nil {
		t.Error("an unknown trace kind was accepted")
	}
}
