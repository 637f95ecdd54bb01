package androidqf

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// mapAcq is an in-memory acquisition, so the fuzzer runs the modules
// themselves at full speed.
type mapAcq struct{ fsys fstest.MapFS }

func (m mapAcq) FS() fs.FS { return m.fsys }
func (m mapAcq) Has(name string) bool {
	_, ok := m.fsys[name]
	return ok
}
func (m mapAcq) Glob(pattern string) []string {
	var out []string
	for name := range m.fsys {
		if ok, _ := path.Match(pattern, name); ok {
			out = append(out, name)
		}
	}
	return out
}
func (m mapAcq) ReadSmall(name string) ([]byte, error) {
	f, ok := m.fsys[name]
	if !ok {
		return nil, module.NoData("%s not found", name)
	}
	return f.Data, nil
}
func (m mapAcq) DeviceTimezone() string { return "" }

// FuzzTextModules runs the modules reading getprop.txt, ps.txt and
// settings_*.txt on fuzzed content: no panic, and any failure is a sentence
// naming the file.
func FuzzTextModules(f *testing.F) {
	f.Add("[ro.build.version.security_patch]: [2020-01-05]\n[persist.sys.timezone]: [Europe/Paris]\n")
	f.Add("USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 100 10 0 0 S init\nu:r:x root 2 1 0 0 - 0 S kthreadd\n")
	f.Add("install_non_market_apps=1\npackage_verifier_enable=0\n=\n==x\n")
	f.Add("\x00\x00\x00")
	idx := ioc.NewIndex()
	f.Fuzz(func(t *testing.T, text string) {
		for _, name := range []string{"getprop.txt", "ps.txt", "settings_global.txt"} {
			a := mapAcq{fstest.MapFS{name: &fstest.MapFile{Data: []byte(text)}}}
			for _, m := range []module.Module{GetProp{}, Processes{}, Settings{}} {
				c := &module.Collector{Module: m.Describe().Slug}
				err := m.Run(context.Background(), &module.Input{Source: a, IOCs: idx}, c)
				if err != nil && !errors.Is(err, module.ErrNoData) && !strings.Contains(err.Error(), name) {
					t.Fatalf("%s on %s failed without naming it: %v", m.Describe().Slug, name, err)
				}
			}
		}
	})
}
