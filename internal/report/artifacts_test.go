package report

import (
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/android/androidqf"
	"github.com/spyglass-forensics/spyglass/internal/android/backup"
	"github.com/spyglass-forensics/spyglass/internal/android/bugreport"
	"github.com/spyglass-forensics/spyglass/internal/android/intrusionlogs"
	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// registeredSlugs lists every module slug the commands run, per platform,
// including the bug report modules renamed when they run on the bug report
// inside an AndroidQF acquisition (as cli.nestedBugreportModules does).
func registeredSlugs() map[string][]string {
	names := func(groups ...[]module.Module) []string {
		var out []string
		for _, g := range groups {
			for _, m := range g {
				out = append(out, m.Name())
			}
		}
		return out
	}
	android := names(androidqf.Modules(), bugreport.Modules(), backup.Modules(), intrusionlogs.Modules())
	for _, m := range bugreport.DumpsysModules() {
		android = append(android, nestedPrefix+m.Name())
	}
	return map[string][]string{"ios": names(ios.BackupModules(), ios.FSModules()), "android": android}
}

// Every module's "What it reads" describes its artifact: not missing, and
// not the module's own name again (ten modules showed their slug, and three
// entries named modules that do not exist).
func TestArtifactsDescribeEveryModule(t *testing.T) {
	known := map[string]bool{}
	for platform, slugs := range registeredSlugs() {
		if len(slugs) < 10 {
			t.Fatalf("%s: only %d modules registered", platform, len(slugs))
		}
		for _, slug := range slugs {
			known[strings.TrimPrefix(slug, nestedPrefix)] = true
			known[slug] = true
			d := ArtifactName(platform, slug)
			plain := strings.ReplaceAll(slug, "_", " ")
			if strings.TrimSpace(d) == "" || d == slug || strings.EqualFold(d, plain) {
				t.Errorf("%s module %s: what it reads is %q, which only repeats its name", platform, slug, d)
			}
		}
	}
	for slug := range artifacts {
		if !known[slug] {
			t.Errorf("artifacts describes %q, which no module is called", slug)
		}
	}
	for slug := range androidArtifacts {
		if !known[slug] {
			t.Errorf("androidArtifacts describes %q, which no module is called", slug)
		}
	}
}
