package email

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/lookalike"
)

// stixWith writes a STIX 2.1 bundle in the shape of Amnesty's files with one indicator pattern.
func stixWith(t *testing.T, pattern string) *ioc.Index {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.stix2")
	bundle := fmt.Sprintf(`{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000","objects":[
{"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-000000000001","created":"2022-01-01T00:00:00.000Z","modified":"2022-01-01T00:00:00.000Z","name":"TestPhish","is_family":false},
{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-000000000101","created":"2022-01-01T00:00:00.000Z","modified":"2022-01-01T00:00:00.000Z","pattern":%q,"pattern_type":"stix","valid_from":"2022-01-01T00:00:00Z"},
{"type":"relationship","spec_version":"2.1","id":"relationship--00000000-0000-4000-8000-000000000201","created":"2022-01-01T00:00:00.000Z","modified":"2022-01-01T00:00:00.000Z","relationship_type":"indicates","source_ref":"indicator--00000000-0000-4000-8000-000000000101","target_ref":"malware--00000000-0000-4000-8000-000000000001"}]}`, pattern)
	if err := os.WriteFile(p, []byte(bundle), 0o600); err != nil {
		t.Fatal(err)
	}
	idx := ioc.NewIndex()
	if err := idx.LoadFile(p); err != nil {
		t.Fatal(err)
	}
	return idx
}

func critical(alerts []alert.Alert) []alert.Alert {
	var out []alert.Alert
	for _, a := range alerts {
		if a.Level == alert.Critical && a.Indicator != nil {
			out = append(out, a)
		}
	}
	return out
}

// Attachments are matched by SHA-256 and by MD5; senders by Amnesty's embedded email list.
func TestIndicatorMatches(t *testing.T) {
	content := "%PDF-1.4 not really a pdf" // the newline before a boundary belongs to the boundary
	s, m := sha256.Sum256([]byte(content)), md5.Sum([]byte(content))
	msg := "From: Alice <alice@example.org>\nSubject: report\nContent-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n\nsee attached\n" +
		"--q\nContent-Type: application/pdf; name=r.pdf\nContent-Disposition: attachment; filename=r.pdf\n\n" + content + "\n--q--\n"
	c := lookalike.New(lookalike.DefaultBrands())
	for _, pattern := range []string{
		fmt.Sprintf("[file:hashes.'SHA-256'='%s']", hex.EncodeToString(s[:])),
		fmt.Sprintf("[file:hashes.MD5='%s']", hex.EncodeToString(m[:])),
	} {
		idx := stixWith(t, pattern)
		parsed, err := parseMessage(stringsReader(msg), "m.eml", 1)
		if err != nil {
			t.Fatal(err)
		}
		var got []alert.Alert
		checkMessage(idx, c, parsed, nil, func(a alert.Alert) { got = append(got, a) })
		if cr := critical(got); len(cr) != 1 || cr[0].Indicator.Name != "TestPhish" {
			t.Errorf("%s: alerts %+v", pattern, got)
		}
	}

	idx, _, err := ioc.LoadAll(ioc.LoadOptions{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := parseMessage(stringsReader("From: Google <noreply-accounts@goolge.cm>\nSubject: x\n\nhi\n"), "m.eml", 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []alert.Alert
	checkMessage(idx, c, parsed, nil, func(a alert.Alert) { got = append(got, a) })
	if len(critical(got)) == 0 {
		t.Errorf("the sender from Amnesty's embedded phishing list was not matched: %+v", got)
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
