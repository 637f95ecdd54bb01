package ios

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// TestFilesystem walks a small dump: every folder and file is a record with
// its modification time, file indicators match "/"+path (HIGH), process
// indicators match a path component (HIGH) unless fast, and a symlink to a
// folder outside the dump is listed but not entered.
func TestFilesystem(t *testing.T) {
	src := dumpA(t, map[string][]byte{
		"private/var/foobar/txt":                       []byte("x"), // file-name indicator written as a path
		"private/var/containers/Bundle/Launch/Info":    []byte("x"), // process indicator "Launch" as a folder
		"private/var/db/com.apple.xpc.staging/bh":      []byte("x"), // extra file-path indicator
		"private/var/mobile/Library/Preferences/a.txt": []byte("x"),
	})
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("x"), 0o600)
	if err := os.Symlink(outside, filepath.Join(src.Dir, "private/var/link")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	mtime := time.Date(2021, 6, 1, 12, 0, 0, 500000000, time.UTC)
	os.Chtimes(filepath.Join(src.Dir, "private/var/foobar/txt"), mtime, mtime)

	idx := indexA(t, "[file:path='/private/var/db/com.apple.xpc.staging']")
	m := NewFilesystem()
	c, err := runA(t, m, src, idx)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range c.Records {
		e := r.(*filesystemEntry)
		paths = append(paths, e.Path)
		if e.Modified == "" {
			t.Errorf("%s: no modification time", e.Path)
		}
	}
	want := []string{"private", "private/var", "private/var/containers", "private/var/containers/Bundle",
		"private/var/containers/Bundle/Launch", "private/var/containers/Bundle/Launch/Info",
		"private/var/db", "private/var/db/com.apple.xpc.staging", "private/var/db/com.apple.xpc.staging/bh",
		"private/var/foobar", "private/var/foobar/txt", "private/var/link",
		"private/var/mobile", "private/var/mobile/Library", "private/var/mobile/Library/Preferences",
		"private/var/mobile/Library/Preferences/a.txt"}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths:\n%s", strings.Join(paths, "\n"))
	}
	if len(c.Events) != len(want) {
		t.Errorf("%d timeline events", len(c.Events))
	}
	wantEv := module.TimelineEvent{Timestamp: "2021-06-01 12:00:00.500000", Module: "Filesystem", Event: "entry_modified", Data: "private/var/foobar/txt"}
	found := false
	for _, ev := range c.Events {
		found = found || ev == wantEv
	}
	if !found {
		t.Errorf("no event %+v", wantEv)
	}
	var got []string
	for _, a := range c.Alerts {
		if a.Level != alert.High || a.Indicator == nil {
			t.Errorf("alert %+v", a)
			continue
		}
		got = append(got, a.Event.(*filesystemEntry).Path+" "+a.Indicator.Type)
	}
	wantAlerts := []string{
		"private/var/containers/Bundle/Launch processes",
		"private/var/containers/Bundle/Launch/Info processes",
		"private/var/db/com.apple.xpc.staging file_paths",
		"private/var/db/com.apple.xpc.staging/bh file_paths",
		"private/var/foobar/txt file_names",
	}
	if strings.Join(got, "\n") != strings.Join(wantAlerts, "\n") {
		t.Errorf("alerts:\n%s", strings.Join(got, "\n"))
	}

	// --fast skips the process-name check.
	in := &module.Input{FS: src.FS(), Source: src, IOCs: idx, Options: module.Options{Fast: true}}
	fast := &module.Collector{}
	if err := m.Run(context.Background(), in, fast); err != nil {
		t.Fatal(err)
	}
	if len(fast.Alerts) != 3 {
		t.Errorf("fast: %d alerts, want 3", len(fast.Alerts))
	}

	// Recheck gives the process-name alert back from the JSON record.
	var rc module.Collector
	if err := m.Recheck(context.Background(), idx, []byte(`{"path":"private/var/containers/Bundle/Launch","modified":""}`), &rc); err != nil || len(rc.Alerts) != 1 {
		t.Errorf("recheck: %v %+v", err, rc.Alerts)
	}
}

// TestFilesystemBackup: the module needs a filesystem dump.
func TestFilesystemBackup(t *testing.T) {
	_, err := runA(t, NewFilesystem(), fixtureBackupA(t), nil)
	if !isNoData(err) {
		t.Errorf("err = %v, want no data", err)
	}
}

// TestWalkDumpDepth: a folder chain deeper than the bound is cut there.
func TestWalkDumpDepth(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, strings.Repeat("d/", maxWalkDepth+10))
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Skip(err)
	}
	d, err := source.OpenIOSDump(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	maxDepth := 0
	st, err := walkDump(context.Background(), d.FS(), func(p string, _ os.DirEntry) error {
		maxDepth = max(maxDepth, strings.Count(p, "/")+1)
		return nil
	})
	if err != nil || st.tooDeep != 1 || maxDepth != maxWalkDepth {
		t.Errorf("err %v, tooDeep %d, deepest entry %d", err, st.tooDeep, maxDepth)
	}
}

func TestPathAliases(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/private/var/db/x", "/private/var/db/x|/var/db/x"},
		{"/var/tmp/y", "/var/tmp/y|/private/var/tmp/y"},
		{"/private/etc", "/private/etc|/etc"},
		{"/private/variable/x", "/private/variable/x"},
		{"/usr/libexec/x", "/usr/libexec/x"},
	} {
		if got := strings.Join(pathAliases(tc.in), "|"); got != tc.want {
			t.Errorf("%s → %s, want %s", tc.in, got, tc.want)
		}
	}
	// A file-path indicator written with /var matches the dump's /private/var path.
	var c module.Collector
	filesystemCheck(indexA(t, "[file:path='/var/db/spy']"), nil, "private/var/db/spy/agent", "", false, &c)
	if len(c.Alerts) != 1 || c.Alerts[0].Indicator.Value != "/var/db/spy" {
		t.Errorf("alerts %+v", c.Alerts)
	}
}
