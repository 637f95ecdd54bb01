package dumpsys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addFixtures seeds a fuzz target with every section file of testdata.
func addFixtures(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(string(b))
		}
	}
}

func FuzzSection(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) {
		l, found, _ := Section(strings.NewReader(s), "package")
		if found {
			for l.Next() {
			}
		}
		SectionNames(strings.NewReader(s))
	})
}

func FuzzParseAccessibility(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) { ParseAccessibility(LinesOf(s)) })
}

func FuzzParseActivities(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) { ParseActivities(LinesOf(s)) })
}

func FuzzParseReceivers(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) {
		r, _ := ParseReceivers(LinesOf(s))
		r.MarshalJSON()
	})
}

func FuzzParseAppops(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) { ParseAppops(LinesOf(s)) })
}

func FuzzParseBatteryDaily(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) { ParseBatteryDaily(LinesOf(s)) })
}

func FuzzParseBatteryHistory(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) { ParseBatteryHistory(LinesOf(s)) })
}

func FuzzParseDBInfo(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) { ParseDBInfo(LinesOf(s)) })
}

func FuzzParsePackages(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) { ParsePackages(LinesOf(s)) })
}

func FuzzParsePlatformCompat(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, s string) { ParsePlatformCompat(LinesOf(s)) })
}

func FuzzParseGetprop(f *testing.F) {
	f.Add("[a]: [b]\n------ SYSTEM PROPERTIES ------\n[ro.x]: [1]\n------\n")
	f.Fuzz(func(t *testing.T, s string) {
		ParseGetprop(LinesOf(s))
		ParseSystemProperties(LinesOf(s))
	})
}

func FuzzParseADB(f *testing.F) {
	addFixtures(f)
	f.Add("{\n  debugging_manager={\n    keystore=" + string(abxDoc("QUJD u@h", 5)) + "\n  }\n}\n")
	f.Fuzz(func(t *testing.T, s string) { ParseADB(LinesOf(s)) })
}

func FuzzParseABX(f *testing.F) {
	f.Add(abxDoc("QUJD u@h", 5))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, n, _ := ParseABX(b)
		if n > len(b) {
			t.Fatalf("consumed %d of %d", n, len(b))
		}
	})
}
