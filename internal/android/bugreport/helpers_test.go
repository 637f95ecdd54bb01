package bugreport

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// indicators loads the test STIX file plus extra app ids, as MVT's tests
// append values to the first collection.
func indicators(t *testing.T, appIDs ...string) *ioc.Index {
	t.Helper()
	idx := ioc.NewIndex()
	if err := idx.LoadFile(filepath.Join("testdata", "test_indicators.stix2")); err != nil {
		t.Fatal(err)
	}
	if len(appIDs) > 0 {
		var objs []string
		objs = append(objs, `{"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-0000000000aa","name":"ExtraMalware","is_family":false}`)
		for i, id := range appIDs {
			objs = append(objs,
				fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-%012d","pattern":"[app:id='%s']","pattern_type":"stix","valid_from":"2022-01-01T00:00:00Z"}`, i+1, id),
				fmt.Sprintf(`{"type":"relationship","spec_version":"2.1","id":"relationship--00000000-0000-4000-8000-%012d","relationship_type":"indicates","source_ref":"indicator--00000000-0000-4000-8000-%012d","target_ref":"malware--00000000-0000-4000-8000-0000000000aa"}`, i+1, i+1))
		}
		bundle := `{"type":"bundle","id":"bundle--00000000-0000-4000-8000-0000000000ab","objects":[` + strings.Join(objs, ",") + `]}`
		if err := idx.Load("extra.stix2", strings.NewReader(bundle)); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

func run(t *testing.T, m module.Module, src any, idx *ioc.Index) (*module.Collector, error) {
	t.Helper()
	if idx == nil {
		idx = ioc.NewIndex()
	}
	in := &module.Input{Source: src, IOCs: idx}
	if b, ok := src.(*source.Bugreport); ok {
		in.FS = b.FS()
	}
	c := &module.Collector{Module: m.Describe().Slug}
	err := m.Run(context.Background(), in, c)
	return c, err
}

func mustRun(t *testing.T, m module.Module, src any, idx *ioc.Index) *module.Collector {
	t.Helper()
	c, err := run(t, m, src, idx)
	if err != nil {
		t.Fatalf("%s: %v", m.Describe().Slug, err)
	}
	return c
}

func levels(c *module.Collector) map[alert.Level]int {
	out := map[alert.Level]int{}
	for _, a := range c.Alerts {
		out[a.Level]++
	}
	return out
}

func isNoData(err error) bool { return errors.Is(err, module.ErrNoData) }
