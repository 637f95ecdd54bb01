package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/plistsafe/plisttest"
)

// deepPlistChild names the environment variable that makes
// TestHostileDeepPlistChild run a command: the JSON list of its arguments.
const deepPlistChild = "SPYGLASS_TEST_DEEP_PLIST_ARGS"

// A plist nested a million levels deep overflowed the decoder's stack,
// which Go cannot recover: the process died with "fatal error: stack
// overflow". Each command therefore runs in a child test process, so that
// a regression fails this test instead of killing the test binary. The
// child's stack is capped at 32 MB (the default is 1 GB) so that a
// regression dies in seconds; no bounded decoding comes near that.
func TestHostileDeepPlists(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, file string
		doc        []byte
		encrypted  bool
	}{
		{"Info.plist XML", "Info.plist", plisttest.DeepXML("Device Name", 1_000_000), false},
		{"Info.plist binary", "Info.plist", plisttest.DeepBinary("Device Name", 1_000_000), false},
		{"Manifest.plist XML", "Manifest.plist", plisttest.DeepXML("BackupKeyBag", 1_000_000), true},
		{"Manifest.plist binary", "Manifest.plist", plisttest.DeepBinary("BackupKeyBag", 1_000_000), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev := copyTree(t, iosBackupFixture)
			if err := os.WriteFile(filepath.Join(ev, c.file), c.doc, 0o644); err != nil {
				t.Fatal(err)
			}
			if c.encrypted {
				// Ciphertext where Manifest.db's SQLite header would be: the
				// backup is opened as encrypted, which reads Manifest.plist.
				if err := os.WriteFile(filepath.Join(ev, "Manifest.db"), []byte("\x8f\x01 ciphertext, not SQLite ..........."), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(t.TempDir(), "out")
			args, _ := json.Marshal([]string{"ios", "check-backup", "-q", "--password-file", pw, "-o", out, ev})
			cmd := exec.Command(os.Args[0], "-test.run=^TestHostileDeepPlistChild$", "-test.v")
			cmd.Env = append(os.Environ(), deepPlistChild+"="+string(args))
			got, err := cmd.CombinedOutput()
			text := string(got)
			if err != nil || strings.Contains(text, "stack overflow") {
				t.Fatalf("the command's process died (%v):\n%.2000s", err, text)
			}
			if c.encrypted {
				if !strings.Contains(text, "exit=1") || !strings.Contains(text, "Manifest.plist: malformed plist") {
					t.Errorf("want exit 1 with a sentence naming Manifest.plist:\n%.2000s", text)
				}
				return
			}
			if !strings.Contains(text, "exit=0") {
				t.Fatalf("want exit 0:\n%.2000s", text)
			}
			m := moduleMap(readSummary(t, out))["backup_info"]
			if m.Status != "failed" || !strings.Contains(m.Reason, "Info.plist") {
				t.Errorf("backup_info = %+v, want it failed naming Info.plist", m)
			}
		})
	}
}

// TestHostileDeepPlistChild is the child process of TestHostileDeepPlists.
func TestHostileDeepPlistChild(t *testing.T) {
	raw := os.Getenv(deepPlistChild)
	if raw == "" {
		t.Skip("runs only as TestHostileDeepPlists' child process")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	debug.SetMaxStack(32 << 20)
	app, stdout, stderr := testApp(t)
	code := run(t, app, args...)
	fmt.Printf("exit=%d\n%s%s", code, stdout, stderr)
}
