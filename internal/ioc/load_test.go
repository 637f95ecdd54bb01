package ioc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadAllSources(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "nested", "deeper")
	os.MkdirAll(sub, 0o755)
	copyFile(t, "testdata/test_indicators.stix2", filepath.Join(sub, "a.stix2"))
	copyFile(t, "testdata/638cd3ee5e5f019f84f9e0ea.json", filepath.Join(dir, "otx.json"))
	os.WriteFile(filepath.Join(dir, "notes.json"), []byte(`{"not":"stix"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("ignored"), 0o644)
	envDir := t.TempDir()
	copyFile(t, "testdata/cytrox.stix2", filepath.Join(envDir, "c.stix2"))

	env := map[string]string{"MVT_STIX2": envDir + string(os.PathListSeparator) + filepath.Join(envDir, "missing.stix2")}
	x, rep, err := LoadAll(LoadOptions{Paths: []string{dir}, Getenv: func(k string) string { return env[k] }, NoDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Files {
		got = append(got, f.Source+" "+filepath.Base(f.Path))
	}
	want := "flag a.stix2,flag otx.json,env c.stix2"
	if strings.Join(got, ",") != want {
		t.Errorf("files %v, want %s", got, want)
	}
	if rep.Total != 9+69+343 {
		t.Errorf("total %d", rep.Total)
	}
	var warns []string
	for _, w := range rep.Warnings {
		warns = append(warns, filepath.Base(w.File))
	}
	if strings.Join(warns, ",") != "notes.json,missing.stix2" {
		t.Errorf("warnings %v", rep.Warnings)
	}
	if x.CheckProcess("Launch") == nil {
		t.Error("flag file not indexed")
	}

	// The same file twice (flag and SPYGLASS_IOCS) is read once.
	env = map[string]string{"SPYGLASS_IOCS": "testdata/cytrox.stix2"}
	_, rep, err = LoadAll(LoadOptions{Paths: []string{"testdata/cytrox.stix2"}, Getenv: func(k string) string { return env[k] }, NoDefault: true})
	if err != nil || len(rep.Files) != 1 {
		t.Errorf("duplicate file: %v %d", err, len(rep.Files))
	}

	// A bad -i path is an error; the embedded snapshot loads by default.
	for _, p := range []string{"testdata/nope.stix2", "load_test.go"} {
		if _, _, err := LoadAll(LoadOptions{Paths: []string{p}}); err == nil {
			t.Errorf("%s: no error", p)
		}
	}
	x, rep, err = LoadAll(LoadOptions{})
	if err != nil || x.CheckDomain("weather4free.com") == nil || len(rep.Files) < 17 {
		t.Errorf("default load: %v, %d files", err, len(rep.Files))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUserDirFrom(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"linux", map[string]string{"HOME": "/home/a"}, "/home/a/.local/share/spyglass/indicators"},
		{"linux", map[string]string{"HOME": "/home/a", "XDG_DATA_HOME": "/data"}, "/data/spyglass/indicators"},
		{"linux", map[string]string{"HOME": "/home/a", "XDG_DATA_HOME": "relative"}, "/home/a/.local/share/spyglass/indicators"},
		{"darwin", map[string]string{"HOME": "/Users/a"}, "/Users/a/Library/Application Support/spyglass/indicators"},
		{"linux", map[string]string{}, ""},
	}
	for _, tc := range tests {
		if got := UserDirFrom(env(tc.env), tc.goos); got != filepath.FromSlash(tc.want) {
			t.Errorf("%s %v: %q, want %q", tc.goos, tc.env, got, tc.want)
		}
	}
}
