//go:build linux

package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Memory bounds (issue 7), for the whole process, runtime included:
//
//   - memStreaming: inputs read as streams or page by page (SQLite, dumpsys
//     lines, hashing) must not cost memory in proportion to their size. A
//     run on the fixtures peaks near 90 MB (Manifest.db's 3,721 records,
//     SQLite page caches of the concurrent modules, the Go runtime); 300 MB
//     leaves room for GC slack and still fails at once if a 1-2 GB input is
//     held whole.
//   - memWholePlist: plists are decoded whole (there is no streaming plist
//     decoder). The applications module reads Info.plist up to 256 MB by
//     design (with every app's metadata it reaches tens of MB), so a 100 MB
//     Info.plist costs its bytes plus the decoded values (~300 MB measured);
//     400 MB fails if a second copy is held, or another module does the
//     same at the same time.
const (
	memStreaming  = 300 << 20
	memWholePlist = 400 << 20
)

// writeStream writes size bytes from r to p.
func writeStream(t *testing.T, p string, r io.Reader, size int64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := io.CopyN(w, r, size); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

type randReader struct{ r *rand.ChaCha8 }

func (r randReader) Read(p []byte) (int, error) { return r.r.Read(p) }

// bigXMLPlist writes an XML plist dictionary of about size bytes.
func bigXMLPlist(t *testing.T, p string, size int) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<plist version="1.0"><dict>` + "\n")
	pad := strings.Repeat("v", 60)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "<key>k%09d</key><string>%s</string>\n", i, pad)
	}
	b.WriteString("</dict></plist>\n")
	writeAll(t, p, b.Bytes())
}

// TestHostileMemory runs the spyglass binary on huge inputs and measures
// its peak resident memory.
func TestHostileMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes gigabytes and builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "spyglass")
	build := exec.Command("go", "build", "-o", bin, "github.com/spyglass-forensics/spyglass/cmd/spyglass")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	smsID := "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"
	prefsID := "0d/0dc926a1810f7aee4e8f38793ed788701f93bf9d"
	cases := []struct {
		name  string
		setup func(t *testing.T) []string // returns the arguments
		limit int64
		// failed is the module that must report the input as broken.
		failed string
	}{{
		name: "2 GB random sms.db in a backup, hashed",
		setup: func(t *testing.T) []string {
			ev := copyTree(t, iosBackupFixture)
			writeStream(t, filepath.Join(ev, smsID), randReader{rand.NewChaCha8([32]byte{7})}, 2<<30)
			return []string{"ios", "check-backup", "-H", ev}
		},
		limit: memStreaming, failed: "sms",
	}, {
		name: "2 GB random sms.db in a filesystem dump",
		setup: func(t *testing.T) []string {
			dump := t.TempDir()
			writeStream(t, filepath.Join(dump, "private/var/mobile/Library/SMS/sms.db"), randReader{rand.NewChaCha8([32]byte{8})}, 2<<30)
			return []string{"ios", "check-fs", dump}
		},
		limit: memStreaming, failed: "sms",
	}, {
		name: "1 GB single-line dumpsys.txt in an AndroidQF folder",
		setup: func(t *testing.T) []string {
			ev := copyTree(t, aqfFolder)
			writeStream(t, filepath.Join(ev, "dumpsys.txt"), repeatReader("A"), 1<<30)
			return []string{"android", "check-androidqf", "-n", ev}
		},
		limit: memStreaming,
	}, {
		name: "100 MB GlobalPreferences plist",
		setup: func(t *testing.T) []string {
			ev := copyTree(t, iosBackupFixture)
			bigXMLPlist(t, filepath.Join(ev, prefsID), 100<<20)
			return []string{"ios", "check-backup", ev}
		},
		limit: memStreaming, failed: "global_preferences",
	}, {
		name: "100 MB Info.plist",
		setup: func(t *testing.T) []string {
			ev := copyTree(t, iosBackupFixture)
			bigXMLPlist(t, filepath.Join(ev, "Info.plist"), 100<<20)
			return []string{"ios", "check-backup", ev}
		},
		limit: memWholePlist, failed: "backup_info",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.setup(t)
			out := t.TempDir()
			last := len(args) - 1
			full := append(append(append([]string{}, args[:last]...), "--no-default-iocs", "-q", "-o", out), args[last])
			peak, took, msg := measure(t, bin, full)
			t.Logf("peak RSS %d MB in %s", peak>>20, took.Round(time.Millisecond))
			if peak > c.limit {
				t.Errorf("peak RSS %d MB, over the %d MB bound\n%s", peak>>20, c.limit>>20, msg)
			}
			s := readSummary(t, out)
			assertNoInternalError(t, out, s)
			if c.failed != "" {
				if m := moduleMap(s)[c.failed]; m.Status != "failed" {
					t.Errorf("%s: %s %q, want failed", c.failed, m.Status, m.Reason)
				}
			}
		})
	}
}

// measure runs bin with args and returns its peak resident memory. Linux
// charges a process, at exec, with the peak of the memory it was forked
// from, and os/exec forks from this test process (which may have grown to
// hundreds of MB building the inputs): so bin is started from a fresh,
// small helper process (this test binary, running
// TestHostileMemoryHelper), which reports what wait4 says.
func measure(t *testing.T, bin string, args []string) (int64, time.Duration, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHostileMemoryHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "SPYGLASS_MEM_CHILD="+strings.Join(append([]string{bin}, args...), "\x1f"), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("helper: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	var kb, code int64
	var took time.Duration
	for _, l := range strings.Split(stdout.String(), "\n") {
		if strings.HasPrefix(l, "MEASURE ") {
			fmt.Sscanf(l, "MEASURE maxrss=%d exit=%d took=%d", &kb, &code, &took)
		}
	}
	if kb == 0 {
		t.Fatalf("no measure from the helper:\n%s\n%s", stdout.String(), stderr.String())
	}
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stdout.String())
	}
	return kb * 1024, took, stdout.String()
}

// TestHostileMemoryHelper is the helper process of measure; it does
// nothing in a normal test run.
func TestHostileMemoryHelper(t *testing.T) {
	spec := os.Getenv("SPYGLASS_MEM_CHILD")
	if spec == "" {
		t.Skip("helper process for TestHostileMemory")
	}
	argv := strings.Split(spec, "\x1f") // unit separator: not in paths or flags
	cmd := exec.Command(argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	code := 0
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			t.Fatal(err)
		}
	}
	fmt.Println(out.String())
	fmt.Printf("MEASURE maxrss=%d exit=%d took=%d\n", cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss, code, took)
}
