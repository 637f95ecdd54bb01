package netcap

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportFormats(t *testing.T) {
	idx := testIndex(t)
	for _, tc := range []struct{ format, want string }{
		{"hosts", "0.0.0.0 badcdn.example\n0.0.0.0 evil-spy.example\n"},
		{"csv", "type,value,collections\ndomains,badcdn.example,TestSpy\ndomains,evil-spy.example,TestSpy\nips,2001:db8:bad::66,TestSpy\nips,203.0.113.66,TestSpy\n"},
	} {
		var b bytes.Buffer
		if err := Export(&b, idx, tc.format); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); !strings.HasSuffix(got, tc.want) {
			t.Errorf("%s:\n%s\nwant suffix\n%s", tc.format, got, tc.want)
		}
	}
	var b bytes.Buffer
	if err := Export(&b, idx, "suricata"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`alert dns any any -> any any (msg:"spyglass: TestSpy DNS query evil-spy.example"; dns.query; dotprefix; content:".evil-spy.example"; nocase; endswith; classtype:trojan-activity; sid:9100003; rev:1;)`,
		`alert ip any any <> 203.0.113.66 any (msg:"spyglass: TestSpy IP 203.0.113.66"; classtype:trojan-activity; sid:9100007; rev:1;)`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing rule %s in\n%s", want, b.String())
		}
	}
	if err := Export(&b, idx, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
	// When Suricata is installed, it must accept every rule.
	if _, err := exec.LookPath("suricata"); err == nil {
		p := filepath.Join(t.TempDir(), "spyglass.rules")
		os.WriteFile(p, b.Bytes(), 0o600)
		if out, err := exec.Command("suricata", "-T", "-S", p, "-l", t.TempDir()).CombinedOutput(); err != nil {
			t.Fatalf("suricata -T: %v\n%s", err, out)
		}
	}
}
