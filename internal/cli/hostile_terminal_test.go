package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"howett.net/plist"
)

// escapeSequences are what a crafted device name sends to the analyst's
// terminal when printed raw: a window title (OSC 0), a clipboard write
// (OSC 52), a screen clear, an 8-bit CSI and a bidi override.
const escapeSequences = "\x1b]0;owned\x07\x1b]52;c;ZWNobyBvd25lZA==\x07\x1b[2J\u009b31m\u202e"

// A backup's Info.plist names the device as its owner typed it, or as an
// attacker wrote it: the device's name and model reach the console and
// command.log (backup_info logs the model), and must arrive there escaped.
func TestHostileDeviceNameEscapeSequences(t *testing.T) {
	ev := copyTree(t, iosBackupFixture)
	p := filepath.Join(ev, "Info.plist")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	if _, err := plist.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	info["Device Name"] = "iPhone" + escapeSequences
	info["Product Type"] = "iPhone12,3" + escapeSequences
	// XML cannot carry ESC; a binary plist can, and iTunes accepts both.
	b, err = plist.Marshal(info, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "out")
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-backup", "-v", "-o", out, ev); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	log, err := os.ReadFile(filepath.Join(out, "command.log"))
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "command.log": string(log)} {
		if strings.ContainsAny(text, "\x1b\x07\u009b\u202e") {
			t.Errorf("%s carries a raw control character from the device name:\n%q", name, text)
		}
	}
	if !strings.Contains(string(log), `iPhone12,3\x1b]0;owned\x07\x1b]52;c;ZWNobyBvd25lZA==\x07\x1b[2J\u009b31m\u202e`) {
		t.Errorf("command.log does not show the device model escaped:\n%s", log)
	}
}

// An indicators file is as foreign as the evidence: `iocs list` and `iocs
// check` print its malware names, and the error of a broken file quotes it.
func TestHostileIndicatorNamesEscapeSequences(t *testing.T) {
	dir := t.TempDir()
	name, err := json.Marshal("Evil" + escapeSequences)
	if err != nil {
		t.Fatal(err)
	}
	stix := filepath.Join(dir, "evil.stix2")
	bundle := `{"type":"bundle","id":"bundle--1","objects":[
{"type":"malware","id":"malware--1","name":` + string(name) + `},
{"type":"indicator","id":"indicator--1","pattern":"[domain-name:value='evil.example']","pattern_type":"stix"},
{"type":"relationship","id":"relationship--1","relationship_type":"indicates","source_ref":"indicator--1","target_ref":"malware--1"}]}`
	if err := os.WriteFile(stix, []byte(bundle), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken"+escapeSequences+".stix2")
	if err := os.WriteFile(broken, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"iocs", "list", "--no-default-iocs", "-i", stix},
		{"iocs", "check", "--no-default-iocs", "-i", stix, "evil.example"},
		{"iocs", "list", "--no-default-iocs", "-i", broken},
	} {
		app, stdout, stderr := testApp(t)
		run(t, app, args...)
		text := stdout.String() + stderr.String()
		if strings.ContainsAny(text, "\x1b\x07\u009b\u202e") {
			t.Errorf("%q prints a raw control character:\n%q", args, text)
		}
		if !strings.Contains(text, `\x1b]0;owned`) {
			t.Errorf("%q does not show the name escaped:\n%q", args, text)
		}
	}
}
