package cli

import (
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/report"
)

// Helpers for the hostile-evidence tests (issue 7): copies of the fixtures
// that a test may damage, the damage patterns, and the run summary.

// copyTree copies the folder src into a fresh temporary folder, writable so
// that one file can be damaged, and returns the copy.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// damage is one way to break a file, deterministic so that a failure can be
// reproduced.
type damage struct {
	name string
	fn   func(b []byte) []byte
}

func truncateTo(frac float64) func([]byte) []byte {
	return func(b []byte) []byte { return b[:int(float64(len(b))*frac)] }
}

func truncateAt(n int) func([]byte) []byte {
	return func(b []byte) []byte { return b[:min(n, len(b))] }
}

func zeroFill(b []byte) []byte { return make([]byte, len(b)) }

// zeroRange zeroes the middle third (a lost page or sector).
func zeroRange(b []byte) []byte {
	out := append([]byte(nil), b...)
	clear(out[len(out)/3 : 2*len(out)/3])
	return out
}

// bitFlips flips n bits chosen with seed, within the first limit bytes when
// limit > 0 (the header, where the structure is).
func bitFlips(seed uint64, n, limit int) func([]byte) []byte {
	return func(b []byte) []byte {
		out := append([]byte(nil), b...)
		if len(out) == 0 {
			return out
		}
		r := rand.New(rand.NewPCG(seed, 0x5eed))
		span := len(out)
		if limit > 0 && limit < span {
			span = limit
		}
		for range n {
			i := r.IntN(span)
			out[i] ^= 1 << r.IntN(8)
		}
		return out
	}
}

// damages returns the patterns to try: a representative set under -short,
// the whole matrix otherwise.
func damages() []damage {
	set := []damage{
		{"truncated-half", truncateTo(0.5)},
		{"zero-filled", zeroFill},
		{"bit-flipped", bitFlips(1, 16, 0)},
	}
	if testing.Short() {
		return set
	}
	return append(set,
		damage{"empty", truncateAt(0)},
		damage{"truncated-100", truncateAt(100)},
		damage{"truncated-last-byte", truncateTo(0.9999)},
		damage{"zeroed-middle", zeroRange},
		damage{"bit-flipped-2", bitFlips(2, 64, 0)},
		damage{"bit-flipped-3", bitFlips(3, 4, 0)},
		damage{"header-flipped", bitFlips(4, 8, 128)},
		damage{"header-flipped-2", bitFlips(5, 2, 64)},
	)
}

func damageFile(t *testing.T, p string, d damage) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, d.fn(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readSummary(t *testing.T, dir string) *report.Summary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s report.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// moduleKey names a module run, with its nested evidence group.
func moduleKey(m report.ModuleStatus) string {
	if m.Group != "" {
		return m.Group + "/" + m.Name
	}
	return m.Name
}

func moduleMap(s *report.Summary) map[string]report.ModuleStatus {
	out := map[string]report.ModuleStatus{}
	for _, m := range s.Modules {
		out[moduleKey(m)] = m
	}
	return out
}

// sameOutcome reports whether a module ended the same way in two runs.
func sameOutcome(a, b report.ModuleStatus) bool {
	return a.Status == b.Status && a.Records == b.Records && a.Reason == b.Reason
}

// assertNoInternalError fails on any recovered panic: a panic is a bug even
// when the run loop contains it.
func assertNoInternalError(t *testing.T, out string, s *report.Summary) {
	t.Helper()
	for _, m := range s.Modules {
		if strings.Contains(m.Reason, "internal error") {
			t.Errorf("%s panicked: %s", moduleKey(m), m.Reason)
		}
	}
	if log := readFile(t, filepath.Join(out, "command.log")); strings.Contains(log, "panic stack") {
		i := strings.Index(log, "panic stack")
		t.Errorf("command.log holds a panic stack: %.2000s", log[i:])
	}
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// oneSentence reports whether msg is a single line starting "spyglass: ".
func oneSentence(stderr string) bool {
	msg := lastLine(stderr)
	return strings.HasPrefix(msg, "spyglass: ") && !strings.Contains(strings.TrimPrefix(msg, "spyglass: "), "goroutine ")
}

// writeAll writes b to p, creating its folder.
func writeAll(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
