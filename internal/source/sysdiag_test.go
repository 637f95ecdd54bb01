package source

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/synth/sysdiag"
)

var sysdiagKeep = []string{"crashes_and_spins/*.ips", "ps.txt", "ps_thread.txt", "system_logs.logarchive/Extra/shutdown.log", "system_logs.logarchive/Extra/shutdown.*.log"}

// Both forms of a sysdiagnose give the same files, found by the same globs
// relative to the sysdiagnose folder, and the capture time from its name.
func TestSysdiagnoseFolderAndArchive(t *testing.T) {
	spec := sysdiag.Spec{IOS26: true, Filler: 2 << 20}
	dir := t.TempDir()
	folder, err := sysdiag.WriteDir(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	archive, err := sysdiag.WriteTarGz(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2025, 4, 7, 15, 6, 18, 0, time.UTC)
	for _, p := range []string{folder, dir, archive} {
		s, err := OpenSysdiagnose(p, sysdiagKeep)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		files, err := s.Find(IOSQuery{FSGlobs: []string{"system_logs.logarchive/Extra/shutdown.log", "system_logs.logarchive/Extra/shutdown.*.log"}})
		if err != nil || len(files) != 2 {
			t.Fatalf("%s: shutdown logs %v, %v", p, files, err)
		}
		b, err := fs.ReadFile(s.FS(), "ps.txt")
		if err != nil || !bytes.Contains(b, []byte("/sbin/launchd")) {
			t.Fatalf("%s: ps.txt: %v", p, err)
		}
		if !s.Captured().Equal(want) {
			t.Errorf("%s: captured %v, want %v", p, s.Captured(), want)
		}
		s.Close()
	}
	// The archive keeps only what the modules asked for: the unified
	// log's large file streamed by.
	s, _ := OpenSysdiagnose(archive, sysdiagKeep)
	if _, err := s.FS().Open("system_logs.logarchive/Persist/0000000000000001.tracev3"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a file no module reads was kept: %v", err)
	}
}

// hostileTar writes the synthetic sysdiagnose followed by extra entries.
func hostileTar(t *testing.T, extra ...sysdiag.Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := sysdiag.WriteTar(zw, sysdiag.Spec{}, extra...); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

func scanBytes(t *testing.T, b []byte, lim TarLimits) *memTree {
	t.Helper()
	tr, err := scanTar(bytes.NewReader(b), "test.tar.gz", sysdiagKeep, lim)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// Names that climb out, absolute names, links out of the archive: none is
// kept or followed, each is recorded, the genuine files are still read.
func TestSysdiagnoseHostileEntries(t *testing.T) {
	top := sysdiag.Spec{}.TopName()
	tr := scanBytes(t, hostileTar(t,
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeReg, Name: "../ps.txt", Mode: 0o644}, Data: []byte("USER PID COMMAND\nroot 1 /evil\n")},
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeReg, Name: "/etc/ps.txt", Mode: 0o644}, Data: []byte("x")},
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeSymlink, Name: top + "/ps_thread.txt", Linkname: "/etc/passwd"}},
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeLink, Name: top + "/system_logs.logarchive/Extra/shutdown.1.log", Linkname: "../../etc/shadow"}},
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeLink, Name: top + "/system_logs.logarchive/Extra/shutdown.2.log", Linkname: top + "/system_logs.logarchive/Extra/shutdown.log"}},
		sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeReg, Name: top + "/crashes_and_spins/._Signal.ips", Mode: 0o644}, Data: []byte("\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")},
	), TarLimits{})
	if _, ok := tr.files["crashes_and_spins/._Signal.ips"]; ok {
		t.Error("a macOS ._ sidecar was kept as a crash report")
	}
	if b, _ := fs.ReadFile(tr, "ps.txt"); bytes.Contains(b, []byte("/evil")) {
		t.Error("an entry named ../ps.txt replaced ps.txt")
	}
	if _, err := fs.ReadFile(tr, "system_logs.logarchive/Extra/shutdown.1.log"); err == nil {
		t.Error("a hard link out of the archive was read")
	}
	a, _ := fs.ReadFile(tr, "system_logs.logarchive/Extra/shutdown.log")
	b, err := fs.ReadFile(tr, "system_logs.logarchive/Extra/shutdown.2.log")
	if err != nil || !bytes.Equal(a, b) {
		t.Errorf("a hard link inside the archive was not resolved: %v", err)
	}
	probs := strings.Join(tr.problems, "\n")
	for _, w := range []string{"parent reference", "absolute path"} {
		if !strings.Contains(probs, w) {
			t.Errorf("problems do not mention %q:\n%s", w, probs)
		}
	}
	links := strings.Join(tr.links, "\n")
	if !strings.Contains(links, "ps_thread.txt -> /etc/passwd") || !strings.Contains(links, "shutdown.1.log => ../../etc/shadow") {
		t.Errorf("links not recorded: %s", links)
	}
}

// A cut-short archive keeps what came before the cut, and a file that is
// not there is reported as unreadable, not as absent.
func TestSysdiagnoseTruncated(t *testing.T) {
	full := hostileTar(t)
	for _, frac := range []float64{0.3, 0.6, 0.9} {
		b := full[:int(float64(len(full))*frac)]
		p := filepath.Join(t.TempDir(), "sysdiagnose_cut.tar.gz")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := OpenSysdiagnose(p, sysdiagKeep)
		if err != nil {
			continue // not one entry readable: refused with a sentence
		}
		if len(s.Problems()) == 0 {
			t.Errorf("%.0f%%: a truncated archive raised no problem", frac*100)
		}
		_, err = s.Find(IOSQuery{FSGlobs: []string{"nothing-here.txt"}})
		if err == nil || !strings.Contains(err.Error(), "could be read") {
			t.Errorf("%.0f%%: a missing file in a cut archive: %v", frac*100, err)
		}
	}
	if _, err := OpenSysdiagnose(writeTemp(t, "sysdiagnose_x.tar.gz", []byte{0x1f, 0x8b, 8, 0}), sysdiagKeep); err == nil {
		t.Error("a gzip header alone was accepted")
	}
}

// Entry count, file size and kept total are bounded, each with a sentence.
func TestSysdiagnoseBounds(t *testing.T) {
	var extra []sysdiag.Entry
	for i := range 50 {
		extra = append(extra, sysdiag.Entry{Header: tar.Header{Typeflag: tar.TypeReg, Name: "junk/" + strings.Repeat("a", i+1), Mode: 0o644}})
	}
	tr := scanBytes(t, hostileTar(t, extra...), TarLimits{MaxEntries: 20})
	if tr.stopped == nil || !strings.Contains(tr.stopped.Error(), "more than 20 entries") {
		t.Errorf("entry bound: %v", tr.stopped)
	}
	tr = scanBytes(t, hostileTar(t), TarLimits{MaxFile: 100})
	if _, err := fs.ReadFile(tr, "ps.txt"); err == nil || !strings.Contains(err.Error(), "more than the 100 bytes") {
		t.Errorf("file bound: %v", err)
	}
}

// FuzzScanTar: any bytes, compressed or not, end in a tree or an error,
// never a panic, and the tree holds only valid names.
func FuzzScanTar(f *testing.F) {
	var plain bytes.Buffer
	if err := sysdiag.WriteTar(&plain, sysdiag.Spec{Planted: true}); err != nil {
		f.Fatal(err)
	}
	f.Add(plain.Bytes())
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain.Bytes())
	zw.Close()
	f.Add(gz.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, err := scanTar(bytes.NewReader(b), "fuzz", []string{"*", "*/*", "*/*/*"}, TarLimits{MaxEntries: 1000, MaxFile: 1 << 20, MaxKept: 4 << 20})
		if err != nil {
			return
		}
		for name := range tr.files {
			if !fs.ValidPath(name) || strings.Contains(name, "..") && strings.Contains("/"+name+"/", "/../") {
				t.Fatalf("kept an invalid name %q", name)
			}
		}
	})
}
