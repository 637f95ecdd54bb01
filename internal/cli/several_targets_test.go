package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A command that takes several evidence paths refuses an output folder
// inside any of them, not only the first: before, -o inside the second
// evidence folder wrote there. (A results folder beside an evidence file,
// as with one file, is allowed: the folder holding it is not evidence.)
func TestOutputInsideLaterEvidenceIsRefused(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	for _, d := range []string{first, second} {
		b, err := os.ReadFile("../netcap/testdata/clean_ethernet.pcap")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "c.pcap"), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	before := treeHashes(t, second)
	for _, cmd := range []string{"check-netlogs", "check-email"} {
		app, _, stderr := testApp(t)
		out := filepath.Join(second, "out-"+cmd)
		code := run(t, app, cmd, "--no-default-iocs", "-o", out, first, second)
		if code != ExitUsage || !strings.Contains(stderr.String(), "inside the evidence") {
			t.Errorf("%s: exit %d: %s", cmd, code, stderr)
		}
		if _, err := os.Lstat(out); err == nil {
			t.Errorf("%s created %s inside the evidence", cmd, out)
		}
	}
	if after := treeHashes(t, second); len(after) != len(before) {
		t.Errorf("the evidence changed: %d entries before, %d after", len(before), len(after))
	}
}
