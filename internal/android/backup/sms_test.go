package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// indicators loads MVT's test indicator set plus extra STIX patterns, all in
// the collection "TestMalware".
func indicators(t *testing.T, patterns ...string) *ioc.Index {
	t.Helper()
	idx := ioc.NewIndex()
	if err := idx.LoadFile("testdata/test_indicators.stix2"); err != nil {
		t.Fatal(err)
	}
	if len(patterns) == 0 {
		return idx
	}
	objs := []string{`{"type":"malware","id":"malware--00000000-0000-4000-8000-0000000000aa","name":"TestMalware"}`}
	for i, p := range patterns {
		pj, _ := json.Marshal(p)
		objs = append(objs,
			fmt.Sprintf(`{"type":"indicator","id":"indicator--00000000-0000-4000-8000-%012d","pattern":%s,"pattern_type":"stix"}`, i, pj),
			fmt.Sprintf(`{"type":"relationship","id":"relationship--00000000-0000-4000-8000-%012d","relationship_type":"indicates","source_ref":"indicator--00000000-0000-4000-8000-%012d","target_ref":"malware--00000000-0000-4000-8000-0000000000aa"}`, i, i))
	}
	bundle := `{"type":"bundle","id":"bundle--1","objects":[` + strings.Join(objs, ",") + `]}`
	if err := idx.Load("extra.stix2", strings.NewReader(bundle)); err != nil {
		t.Fatal(err)
	}
	return idx
}

func runSMS(t *testing.T, src Source, idx *ioc.Index) *module.Collector {
	t.Helper()
	c := &module.Collector{Module: "sms"}
	in := &module.Input{Source: src, IOCs: idx}
	if err := (SMS{}).Run(context.Background(), in, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func openSource(t *testing.T, name, password string) Source {
	t.Helper()
	if name == "" {
		return &Folder{FS: os.DirFS("testdata"), Name: "testdata"}
	}
	f, err := OpenFile(os.DirFS("testdata"), name, []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSMSConformance asserts MVT's test_backup_module.py numbers: the folder
// and backup.ab hold 2 messages, backup2.ab and backup3.ab 1, each with one link.
func TestSMSConformance(t *testing.T) {
	tests := []struct {
		name, file, password string
		records              int
		links                []string
	}{
		{"folder", "", "", 2, []string{"https://google.com/", "http://google.com"}},
		{"backup.ab", "backup.ab", "", 2, []string{"http://google.com", "https://google.com/"}},
		{"backup2.ab", "backup2.ab", "123456", 1, []string{"https://google.com/"}},
		{"backup3.ab", "backup3.ab", "", 1, []string{"https://google.com/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runSMS(t, openSource(t, tt.file, tt.password), indicators(t))
			if len(c.Records) != tt.records {
				t.Fatalf("records = %d, want %d", len(c.Records), tt.records)
			}
			var links []string
			for _, r := range c.Records {
				m := r.(Message)
				if len(m.Links) != 1 {
					t.Errorf("message %q has links %v, want exactly 1", m.Body, m.Links)
				}
				links = append(links, m.Links...)
			}
			if strings.Join(links, " ") != strings.Join(tt.links, " ") {
				t.Errorf("links = %v, want %v", links, tt.links)
			}
			if len(c.Alerts) != 0 {
				t.Errorf("alerts = %d, want 0 with the test indicators", len(c.Alerts))
			}
			if len(c.URLs) != tt.records || c.URLs[0].Source != "sms" {
				t.Errorf("urls = %+v", c.URLs)
			}
			if len(c.Events) != tt.records {
				t.Errorf("timeline = %d, want %d", len(c.Events), tt.records)
			}
			golden(t, "sms_"+strings.TrimSuffix(tt.name, ".ab")+".json", c.Records)
		})
	}
}

func TestSMSDetection(t *testing.T) {
	idx := indicators(t, "[domain-name:value='google.com']")
	c := runSMS(t, openSource(t, "backup.ab", ""), idx)
	if len(c.Alerts) != 2 {
		t.Fatalf("alerts = %d, want 2", len(c.Alerts))
	}
	for _, a := range c.Alerts {
		if a.Level != alert.Critical || a.Indicator == nil || a.Indicator.Value != "google.com" || a.Indicator.Name != "TestMalware" {
			t.Errorf("alert = %+v", a)
		}
		if a.EventTime == "" {
			t.Errorf("alert without event time: %+v", a)
		}
	}
	// check-iocs: the written records give the same alerts.
	for _, r := range c.Records {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		rc := &module.Collector{}
		if err := (SMS{}).Recheck(context.Background(), idx, raw, rc); err != nil {
			t.Fatal(err)
		}
		if len(rc.Alerts) != 1 {
			t.Errorf("recheck of %s: %d alerts", raw, len(rc.Alerts))
		}
	}
}

func TestSMSMessageFields(t *testing.T) {
	c := runSMS(t, openSource(t, "", ""), indicators(t))
	sms, mms := c.Records[0].(Message), c.Records[1].(Message)
	// type 6 is Android's "queued" (outgoing) box; MVT says "received"
	// because date_sent is 0.
	if sms.ISODate != "2022-02-22 15:29:41.956000" || sms.Direction != "sent" || sms.MMS {
		t.Errorf("sms = %+v", sms)
	}
	// The MMS date is in seconds (2020-01-20); MVT shows 1970-01-19.
	if mms.ISODate != "2020-01-20 14:49:49.000000" || mms.Direction != "received" || !mms.MMS {
		t.Errorf("mms = %+v", mms)
	}
	if mms.Body != "Very suspicious MMS, click on this link http://google.com" {
		t.Errorf("mms body = %q", mms.Body)
	}
	raw, _ := json.Marshal(mms)
	if bytes.Contains(raw, []byte(`"mms_body"`)) || !bytes.Contains(raw, []byte(`"tr_id":"cjdYUDkdslU"`)) {
		t.Errorf("mms json = %s", raw)
	}
}

func TestSMSNoData(t *testing.T) {
	c := &module.Collector{}
	in := &module.Input{Source: &Folder{FS: os.DirFS("testdata/apps"), Name: "apps"}, IOCs: ioc.NewIndex()}
	err := (SMS{}).Run(context.Background(), in, c)
	if !errors.Is(err, module.ErrNoData) {
		t.Errorf("err = %v, want ErrNoData", err)
	}
}

func TestSMSCorruptFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "apps/com.android.providers.telephony/d_f")
	os.MkdirAll(p, 0o755)
	os.WriteFile(filepath.Join(p, "000000_sms_backup"), []byte("not zlib"), 0o644)
	in := &module.Input{Source: &Folder{FS: os.DirFS(dir), Name: "x"}, IOCs: ioc.NewIndex()}
	err := (SMS{}).Run(context.Background(), in, &module.Collector{})
	if err == nil || !strings.Contains(err.Error(), "000000_sms_backup") {
		t.Errorf("err = %v, want an error naming the file", err)
	}
}

// distinctLinks is what a message record's links field holds.
func distinctLinks(text string) []string {
	l, _ := ioc.MessageLinks(text, true)
	return l
}

func TestFindLinks(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"no link here", nil},
		{"see https://a.example/x?y=1 and HTTP://B.example", []string{"https://a.example/x?y=1", "HTTP://B.example"}},
		{"twice http://a http://a", []string{"http://a"}},
		{"ftp://nope", nil},
	}
	for _, tt := range tests {
		if got := distinctLinks(tt.text); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("FindLinks(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n%s", name, got)
	}
}

// A link written without http:// in a message body is checked too (MVT
// checks only http(s) links); the record's links stay MVT's.
func TestSMSBareLinkMatchesIndicator(t *testing.T) {
	idx := indicators(t)
	for _, tc := range []struct {
		body   string
		alerts int
	}{
		{"Your account is locked, verify at example.org/verify now", 1},
		{"Meet at 5.30. Bring notes.txt and v1.2", 0},
		{"see https://ok.test/a", 0},
	} {
		raw := fmt.Sprintf(`{"address":"+15555550123","body":%q,"date":"1700000000000","isodate":"2023-11-14 22:13:20.000000","direction":"received"}`, tc.body)
		c := &module.Collector{}
		if err := (SMS{}).Recheck(context.Background(), idx, []byte(raw), c); err != nil {
			t.Fatal(err)
		}
		if len(c.Alerts) != tc.alerts {
			t.Fatalf("%q: %d alerts, want %d", tc.body, len(c.Alerts), tc.alerts)
		}
		if tc.alerts == 1 && !strings.Contains(c.Alerts[0].Message, "example.org/verify (a link written without http://)") {
			t.Errorf("%q: alert %q", tc.body, c.Alerts[0].Message)
		}
	}
	if links := distinctLinks("verify at example.org/verify now"); links != nil {
		t.Errorf("FindLinks = %v: MVT's links field has only http(s) links", links)
	}
}
