package source_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/ioscrypto/testbackup"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// Every backup module gives the same records, timeline and alerts on the
// encrypted copy as on the plain fixture, with MVT's test indicators.
func TestEncryptedBackupModulesMatchPlain(t *testing.T) {
	const plainDir = "../ios/testdata/ios_backup"
	stix := "../ios/testdata/test_indicators.stix2"
	for _, p := range []string{filepath.Join(plainDir, "Manifest.db"), stix} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("fixture %s is absent: %v", p, err)
		}
	}
	dir := t.TempDir()
	built, err := testbackup.Build(plainDir, dir, t.TempDir(), testbackup.Options{Password: "pw", Iter: 3, DPIC: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	idx := ioc.NewIndex()
	if err := idx.LoadFile(stix); err != nil {
		t.Fatal(err)
	}
	// MVT's fixture folder holds one file its Manifest.db does not list
	// (WhatsApp's LID.sqlite, e7/e794…, which MVT finds by its ID). An
	// encrypted backup cannot hold such a file (nothing could decrypt it),
	// so the reference is the plain backup without it.
	plainCopy := t.TempDir()
	for _, rel := range mustWalk(t, plainDir) {
		if rel == "e7/e794f6ffcc3c222535f47684a63d5178da3c4500" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(plainDir, rel))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(plainCopy, rel)), 0o755)
		if err := os.WriteFile(filepath.Join(plainCopy, rel), data, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	plain, err := source.OpenIOSBackup(plainCopy)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	enc, err := source.OpenEncryptedIOSBackup(dir, ioscrypto.WithKey(built.Key),
		source.EncryptedOptions{MemoryLimit: 16 << 10, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	run := func(m module.Module, src source.IOS) (*module.Collector, error) {
		c := &module.Collector{Module: m.Describe().Slug}
		err := m.Run(context.Background(), &module.Input{FS: src.FS(), Source: src, IOCs: idx}, c)
		return c, err
	}
	records, alerts := 0, 0
	for _, m := range ios.ModulesFor(module.IOSBackup) {
		t.Run(m.Describe().Slug, func(t *testing.T) {
			want, werr := run(m, plain)
			got, gerr := run(m, enc)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("plain err %v, encrypted err %v", werr, gerr)
			}
			// Records are compared as the JSON the output files hold.
			for _, part := range []struct {
				name      string
				want, got any
			}{
				{"records", want.Records, got.Records},
				{"record", want.Single, got.Single},
				{"timeline", want.Events, got.Events},
				{"alerts", want.Alerts, got.Alerts},
			} {
				w, err1 := json.MarshalIndent(part.want, "", " ")
				g, err2 := json.MarshalIndent(part.got, "", " ")
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if diff := cmp.Diff(strings.Split(string(w), "\n"), strings.Split(string(g), "\n")); diff != "" {
					t.Errorf("%s differ (-plain +encrypted):\n%s", part.name, diff)
				}
			}
			records += len(want.Records)
			alerts += len(want.Alerts)
		})
	}
	// The comparison means something only if the modules found things.
	if records < 1000 || alerts == 0 {
		t.Errorf("only %d records and %d alerts compared", records, alerts)
	}
	t.Logf("%d records and %d alerts identical", records, alerts)
}

func mustWalk(t *testing.T, dir string) []string {
	files, err := testbackup.Walk(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 13 {
		t.Fatalf("%s holds %d files, this test expects MVT's 13", dir, len(files))
	}
	return files
}
