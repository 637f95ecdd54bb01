package intrusionlogs

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// nestZip wraps a file in depth zips.
func nestZip(t *testing.T, name string, content []byte, depth int) []byte {
	t.Helper()
	for i := range depth {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
		zw.Close()
		content, name = buf.Bytes(), "level"+string(rune('a'+i))+".zip"
	}
	return content
}

// Regression (issue 7): a planted archive nested too deep, or a file with an
// overlong line, stopped the walk, so every export file sorting after it
// went unread. Now they are skipped and reported, and the rest is read.
func TestPlantedArchiveDoesNotHideTheRest(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "0-deep.zip"), nestZip(t, "x.txt", []byte(dnsLine+"\n"), maxDepth+2), 0o644)
	os.WriteFile(filepath.Join(dir, "1-long.txt"), bytes.Repeat([]byte("a"), maxLine+10), 0o644)
	os.WriteFile(filepath.Join(dir, "2-real.txt"), []byte(dnsLine+"\n"), 0o644)
	logs, closer, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	c := &module.Collector{}
	err = DNSEvent{}.Run(context.Background(), &module.Input{Source: logs, IOCs: ioc.NewIndex()}, c)
	if len(c.Records) != 1 {
		t.Errorf("%d records, want the one after the planted files", len(c.Records))
	}
	if err == nil || !strings.Contains(err.Error(), "0-deep.zip") || !strings.Contains(err.Error(), "1-long.txt") {
		t.Errorf("the skipped files are not reported: %v", err)
	}
}
