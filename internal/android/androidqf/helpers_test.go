package androidqf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// indicators loads MVT's test indicator set plus extra STIX patterns, all in
// the collection "TestMalware".
func indicators(t *testing.T, patterns ...string) *ioc.Index {
	t.Helper()
	idx := ioc.NewIndex()
	if err := idx.LoadFile("testdata/test_indicators.stix2"); err != nil {
		t.Fatal(err)
	}
	if len(patterns) == 0 {
		return idx
	}
	objs := []string{`{"type":"malware","id":"malware--00000000-0000-4000-8000-0000000000aa","name":"TestMalware"}`}
	for i, p := range patterns {
		pj, _ := json.Marshal(p)
		objs = append(objs,
			fmt.Sprintf(`{"type":"indicator","id":"indicator--00000000-0000-4000-8000-%012d","pattern":%s,"pattern_type":"stix"}`, i, pj),
			fmt.Sprintf(`{"type":"relationship","id":"relationship--00000000-0000-4000-8000-%012d","relationship_type":"indicates","source_ref":"indicator--00000000-0000-4000-8000-%012d","target_ref":"malware--00000000-0000-4000-8000-0000000000aa"}`, i, i))
	}
	bundle := `{"type":"bundle","id":"bundle--1","objects":[` + strings.Join(objs, ",") + `]}`
	if err := idx.Load("extra.stix2", strings.NewReader(bundle)); err != nil {
		t.Fatal(err)
	}
	return idx
}

func openAQF(t *testing.T, p string) *source.AndroidQF {
	t.Helper()
	a, err := source.OpenAndroidQF(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// run runs m on src and returns what it emitted; ErrNoData is not an error.
func run(t *testing.T, m module.Module, src any, idx *ioc.Index) (*module.Collector, error) {
	t.Helper()
	c := &module.Collector{Module: m.Describe().Slug}
	err := m.Run(context.Background(), &module.Input{Source: src, IOCs: idx}, c)
	if err != nil && !errors.Is(err, module.ErrNoData) {
		t.Fatalf("%s: %v", m.Describe().Slug, err)
	}
	return c, err
}

// dirAcq writes files into a temporary acquisition folder.
func dirAcq(t *testing.T, files map[string]string) *source.AndroidQF {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return openAQF(t, dir)
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n%s", name, got)
	}
}
