package ios

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// An Info.plist without the device keys logs "not recorded", not Go's
// "<nil>" (the console showed "device=<nil> ios=<nil>").
func TestBackupInfoLogsMissingKeysInWords(t *testing.T) {
	d := dumpA(t, map[string][]byte{"Info.plist": []byte(`<plist><dict><key>Device Name</key><string>x</string></dict></plist>`)})
	var log bytes.Buffer
	in := &module.Input{FS: d.FS(), Source: backupView{IOS: d}, IOCs: ioc.NewIndex(),
		Log: slog.New(slog.NewTextHandler(&log, nil))}
	if err := NewBackupInfo().Run(context.Background(), in, &module.Collector{}); err != nil {
		t.Fatal(err)
	}
	if got := log.String(); strings.Contains(got, "<nil>") || !strings.Contains(got, `device="not recorded"`) {
		t.Errorf("log = %q", got)
	}
}

// NULL values in timeline descriptions read "unknown", not Python's None.
func TestNullTextInDescriptions(t *testing.T) {
	if got := pyText(nil); got != "unknown" {
		t.Errorf("pyText(nil) = %q", got)
	}
	if got := pyStrPtr(nil) + pyIntPtr(nil) + pyFloatPtr(nil); strings.Contains(got, "None") {
		t.Errorf("pointer helpers = %q", got)
	}
}
