package androidqf

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/backup"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

type counts struct {
	records, timeline int
	alerts            map[alert.Level]int
}

// want is MVT's tests/android_androidqf numbers on the androidqf/ folder with
// the test indicators (EXPECTED.md), plus aqf_log_timestamps and mounts,
// whose artifacts the fixture lacks.
var want = map[string]counts{
	"aqf_packages":       {7, 0, map[alert.Level]int{alert.Medium: 4, alert.Informational: 1}},
	"aqf_processes":      {15, 0, nil},
	"aqf_get_prop":       {10, 0, nil},
	"aqf_settings":       {1, 0, map[alert.Level]int{alert.Medium: 1}},
	"aqf_files":          {3, 6, nil},
	"aqf_log_timestamps": {0, 0, nil},
	"root_binaries":      {4, 0, map[alert.Level]int{alert.High: 4}},
	"mounts":             {0, 0, nil},
}

func check(t *testing.T, src *source.AndroidQF, form string) {
	idx := indicators(t)
	for _, m := range Modules() {
		c, _ := run(t, m, src, idx)
		w := want[m.Describe().Slug]
		records := len(c.Records)
		if c.Single != nil {
			records = len(c.Single.(SettingsResult))
		}
		if records != w.records || len(c.Events) != w.timeline {
			t.Errorf("%s: records %d timeline %d, want %d %d", m.Describe().Slug, records, len(c.Events), w.records, w.timeline)
		}
		got := map[alert.Level]int{}
		for _, a := range c.Alerts {
			got[a.Level]++
			if a.Heuristic == nil || a.Indicator != nil {
				t.Errorf("%s: alert without its heuristic: %+v", m.Describe().Slug, a)
			}
		}
		for _, l := range alert.Levels {
			if got[l] != w.alerts[l] {
				t.Errorf("%s: %d %s alerts, want %d", m.Describe().Slug, got[l], l, w.alerts[l])
			}
		}
		if form == "folder" {
			if c.Single != nil {
				golden(t, m.Describe().Slug+".json", c.Single)
			} else if len(c.Records) > 0 {
				golden(t, m.Describe().Slug+".json", c.Records)
			}
			if len(c.Alerts) > 0 {
				golden(t, m.Describe().Slug+"_detected.json", c.Alerts)
			}
		}
	}
	// The nested backup gives 2 SMS.
	b, err := backup.OpenFile(src.FS(), src.BackupName(), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := run(t, backup.SMS{}, b, idx)
	if len(c.Records) != 2 {
		t.Errorf("nested sms: %d records, want 2", len(c.Records))
	}
}

func TestConformanceForms(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	if err := zw.AddFS(os.DirFS("testdata/androidqf")); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "acq.zip")
	os.WriteFile(zipPath, zbuf.Bytes(), 0o600)
	var enc bytes.Buffer
	w, _ := age.Encrypt(&enc, id.Recipient())
	w.Write(zbuf.Bytes())
	w.Close()
	agePath := filepath.Join(dir, "acq.zip.age")
	os.WriteFile(agePath, enc.Bytes(), 0o600)

	t.Run("folder", func(t *testing.T) { check(t, openAQF(t, "testdata/androidqf"), "folder") })
	t.Run("zip", func(t *testing.T) { check(t, openAQF(t, zipPath), "zip") })
	t.Run("age", func(t *testing.T) {
		a, err := source.OpenAndroidQF(agePath, strings.NewReader(id.String()))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		check(t, a, "age")
	})
}

func TestMVTZip(t *testing.T) {
	c, _ := run(t, GetProp{}, openAQF(t, "testdata/androidqf.zip"), indicators(t))
	if len(c.Records) != 10 || c.Records[0].(Property) != (Property{"dalvik.vm.appimageformat", "lz4"}) {
		t.Errorf("records = %v", c.Records)
	}
}

func TestEncryptedBackupFixture(t *testing.T) {
	a := openAQF(t, "testdata/androidqf_encrypted")
	if _, err := backup.OpenFile(a.FS(), a.BackupName(), []byte("wrong")); !backup.IsWrongPassword(err) {
		t.Errorf("wrong password: %v", err)
	}
	b, err := backup.OpenFile(a.FS(), a.BackupName(), []byte("123456"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := run(t, backup.SMS{}, b, indicators(t))
	if len(c.Records) != 1 {
		t.Errorf("sms records = %d, want 1", len(c.Records))
	}
}

// TestIndicatorDetections covers MVT's detection tests with one added
// indicator each.
func TestIndicatorDetections(t *testing.T) {
	src := openAQF(t, "testdata/androidqf")
	tests := []struct {
		name    string
		m       module.Module
		pattern string
		// the record named in each CRITICAL alert
		want []string
	}{
		{"property", GetProp{}, "[android-property:name='dalvik.vm.heapmaxfree']", []string{"dalvik.vm.heapmaxfree"}},
		{"app id", Packages{}, "[app:id='com.malware.blah']", []string{"com.malware.blah"}},
		{"apk sha256", Packages{}, "[file:hashes.'SHA-256'='31037a27af59d4914906c01ad14a318eee2f3e31d48da8954dca62a99174e3fa']", []string{"com.malware.muahaha"}},
		// Both malware fixtures share this SHA-1 (their SHA-256 differ).
		{"apk sha1 (beyond MVT)", Packages{}, "[file:hashes.'SHA-1'='2cc5b4a70ada9229fb50d30f525392f2d66f58d6']", []string{"com.malware.blah", "com.malware.muahaha"}},
		{"cert sha256", Packages{}, "[app:cert.sha256='c7e56178748be1441370416d4c10e34817ea0c961eb636c8e9d98e0fd79bf730']", []string{"com.malware.muahaha"}},
		{"process as app id", Processes{}, "[app:id='init']", []string{"init"}},
		{"process", Processes{}, "[process:name='kthreadd']", []string{"kthreadd"}},
		{"file path", Files{}, "[file:path='/sdcard/Android/data/com.android.providers.media']", []string{"/sdcard/Android/data/com.android.providers.media/albumthumbs/1588851275201"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := indicators(t, tt.pattern)
			c, _ := run(t, tt.m, src, idx)
			var got []string
			for _, a := range c.AlertsAt(alert.Critical) {
				if a.Indicator == nil || a.Indicator.Name != "TestMalware" {
					t.Errorf("alert without indicator: %+v", a)
				}
				got = append(got, eventName(a.Event))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("critical alerts on %v, want %v", got, tt.want)
			}
			// check-iocs from the written records finds the same.
			rc := &module.Collector{}
			for _, r := range c.Records {
				raw, _ := jsonMarshal(r)
				if err := tt.m.(module.Rechecker).Recheck(context.Background(), idx, raw, rc); err != nil {
					t.Fatal(err)
				}
			}
			if len(rc.AlertsAt(alert.Critical)) != len(tt.want) {
				t.Errorf("recheck: %d critical alerts, want %d", len(rc.AlertsAt(alert.Critical)), len(tt.want))
			}
		})
	}
}

func eventName(ev any) string {
	switch e := ev.(type) {
	case Package:
		return e.Name
	case Property:
		return e.Name
	case Process:
		return e.ProcName
	case File:
		return e.Path
	}
	return "?"
}

func TestModulesDescribe(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Modules() {
		d := m.Describe()
		if seen[d.Slug] {
			t.Errorf("duplicate slug %s", d.Slug)
		}
		seen[d.Slug] = true
		if err := d.Check(); err != nil {
			t.Error(err)
		}
	}
	if len(seen) != 8 {
		t.Errorf("%d modules, want 8", len(seen))
	}
}
