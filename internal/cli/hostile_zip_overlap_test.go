package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/source/craftzip"
)

// Whole-archive zip bombs (issue 18): entries that share compressed bytes,
// too many entries, and more unpacked bytes than the cap.

// runWithin runs a command and fails the test, instead of running for
// hours, when it does not return within limit; onTimeout (if set) runs
// first, to release what the command may be blocked on.
func runWithin(t *testing.T, limit time.Duration, onTimeout func(), args ...string) (int, string) {
	t.Helper()
	app, stdout, stderr := testApp(t)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- Execute(ctx, app, args) }()
	select {
	case code := <-done:
		return code, stdout.String() + stderr.String()
	case <-time.After(limit + 5*time.Second):
		if onTimeout != nil {
			onTimeout()
		}
		t.Fatalf("%s still running after %s", strings.Join(args, " "), limit+5*time.Second)
	}
	return 0, ""
}

// TestHostileZipOverlap: thousands of names over one deflated block of
// 8 MiB: a few hundred kilobytes that would unpack to 16 GiB. Refused at
// once, in one sentence that says the archive was crafted.
func TestHostileZipOverlap(t *testing.T) {
	content := bytes.Repeat([]byte(dnsEventLine), (8<<20)/len(dnsEventLine))
	cases := []struct {
		cmd   []string
		names func(i int) string
	}{
		{[]string{"android", "check-intrusion-logs"}, func(i int) string { return fmt.Sprintf("day-%04d.txt", i) }},
		{[]string{"android", "check-bugreport"}, func(i int) string {
			if i == 0 {
				return "dumpstate.txt"
			}
			return fmt.Sprintf("FS/data/tombstones/tombstone_%04d", i)
		}},
	}
	for _, c := range cases {
		t.Run(c.cmd[1], func(t *testing.T) {
			names := make([]string, 2000)
			for i := range names {
				names[i] = c.names(i)
			}
			p := filepath.Join(t.TempDir(), "crafted.zip")
			writeAll(t, p, craftzip.Overlapping(names, content))
			start := time.Now()
			code, msg := runWithin(t, 60*time.Second, nil, append(c.cmd, "--no-default-iocs", "-q", "-o", t.TempDir(), p)...)
			if code != 1 || !oneSentence(msg) || !strings.Contains(lastLine(msg), "crafted.zip") ||
				!strings.Contains(lastLine(msg), "over the same compressed bytes") || !strings.Contains(lastLine(msg), "crafted") {
				t.Errorf("exit %d\n%s", code, msg)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// TestHostileZipEntryCount: a bugreport of 100,001 empty entries.
func TestHostileZipEntryCount(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("dumpstate.txt")
	w.Write([]byte("== dumpstate\n"))
	for i := range 100_000 {
		zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("FS/x/%06d", i), Method: zip.Store})
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "many.zip")
	writeAll(t, p, buf.Bytes())
	code, msg := runWithin(t, 60*time.Second, nil, "android", "check-bugreport", "--no-default-iocs", "-q", "-o", t.TempDir(), p)
	if code != 1 || !oneSentence(msg) || !strings.Contains(lastLine(msg), "100001 entries, more than the 100000") {
		t.Errorf("exit %d\n%s", code, msg)
	}
}

// TestHostileZipMaxUnpacked: --max-unpacked refuses an archive that
// unpacks to more, with a sentence saying how to raise it, and a raised
// cap lets the same archive through.
func TestHostileZipMaxUnpacked(t *testing.T) {
	random := make([]byte, 3<<20)
	rand.Read(random)
	p := filepath.Join(t.TempDir(), "big.zip")
	writeAll(t, p, makeZip(t, zipEntry{"dumpstate.txt", []byte("== dumpstate\n")}, zipEntry{"FS/blob", random}))
	code, msg := runWithin(t, 60*time.Second, nil, "android", "check-bugreport", "--no-default-iocs", "-q", "--max-unpacked", "2M", "-o", t.TempDir(), p)
	if code != 1 || !oneSentence(msg) || !strings.Contains(lastLine(msg), "raise the limit with --max-unpacked") {
		t.Errorf("2M cap: exit %d\n%s", code, msg)
	}
	code, msg = runWithin(t, 60*time.Second, nil, "android", "check-bugreport", "--no-default-iocs", "-q", "--max-unpacked", "4M", "-o", t.TempDir(), p)
	if code != 0 {
		t.Errorf("4M cap: exit %d\n%s", code, msg)
	}
	// The next run without the flag has the default again.
	code, msg = runWithin(t, 60*time.Second, nil, "android", "check-bugreport", "--no-default-iocs", "-q", "-o", t.TempDir(), p)
	if code != 0 {
		t.Errorf("default cap: exit %d\n%s", code, msg)
	}
}
