package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/report"
)

// Every registered module fills its whole descriptor, has a slug of its
// own on its platform, and answers -m to MVT's class name.
func TestModuleDescriptorsComplete(t *testing.T) {
	for _, platform := range []string{"ios", "android"} {
		mods := platformModules(platform)
		seen := map[string]bool{}
		for _, m := range mods {
			d := m.Describe()
			if err := d.Check(); err != nil {
				t.Errorf("%s: %v", platform, err)
			}
			if seen[d.Slug] {
				t.Errorf("%s: slug %s registered twice", platform, d.Slug)
			}
			seen[d.Slug] = true
			if d.MVTName != "" && findModule(mods, d.MVTName) == nil {
				t.Errorf("%s: -m %s does not find %s", platform, d.MVTName, d.Slug)
			}
		}
	}
}

// A record field whose name says it holds what a person wrote or who they
// talk to must be declared sensitive by its module, so that --redact hides
// it through the descriptor and not by luck. The fields are those the
// modules really write on real-format evidence: MVT's fixtures and the
// demo's synthetic backup, whose messages and contacts are filled in.
func TestPersonFieldsDeclaredSensitive(t *testing.T) {
	out := t.TempDir()
	runs := []struct {
		platform string
		args     []string
	}{
		{"ios", []string{"ios", "check-backup", iosBackupFixture}},
		{"ios", []string{"demo"}},
		{"android", []string{"android", "check-androidqf", "../android/androidqf/testdata/androidqf"}},
		{"android", []string{"android", "check-bugreport", "../android/bugreport/testdata/bugreport"}},
		{"android", []string{"android", "check-backup", "../android/backup/testdata/backup.ab"}},
	}
	for i, r := range runs {
		dir := filepath.Join(out, string(rune('a'+i)))
		app, _, stderr := testApp(t)
		if code := run(t, app, append(r.args, "-o", dir)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", r.args, code, stderr)
		}
		if r.args[0] == "demo" {
			dir = filepath.Join(dir, "results")
		}
		declared := map[string]module.Fields{}
		for _, m := range platformModules(r.platform) {
			declared[m.Describe().Slug] = m.Describe().Sensitive
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		checked := 0
		for _, f := range files {
			slug := strings.TrimSuffix(filepath.Base(f), ".json")
			fields, ok := declared[slug]
			if !ok {
				continue // alerts.json, info.json, <slug>_detected.json...
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			checked++
			for key := range recordKeys(v, map[string]bool{}) {
				if !report.PersonField(key) {
					continue
				}
				if _, ok := lookupFold(fields, key); !ok {
					t.Errorf("%s: module %s writes %q, which holds a person's words or contacts, but does not declare it sensitive", strings.Join(r.args, " "), slug, key)
				}
			}
		}
		if checked == 0 {
			t.Errorf("%v wrote no module file to check", r.args)
		}
	}
}

// recordKeys gathers every object key at any depth.
func recordKeys(v any, into map[string]bool) map[string]bool {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			into[k] = true
			recordKeys(e, into)
		}
	case []any:
		for _, e := range t {
			recordKeys(e, into)
		}
	}
	return into
}

func lookupFold(f module.Fields, key string) (module.Sensitivity, bool) {
	for k, s := range f {
		if strings.EqualFold(k, key) {
			return s, true
		}
	}
	return 0, false
}
