package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var fixedNow = time.Date(2026, 8, 21, 9, 0, 0, 0, time.UTC)

func render(t *testing.T, dir string, redact bool) string {
	t.Helper()
	r, err := ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, r, HTMLOptions{Redact: redact, Now: fixedNow, Modules: platformDescriptors(r.SummaryOrBuild().Platform)}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var reFinding = regexp.MustCompile(`<article class="finding `)

func TestHTMLContent(t *testing.T) {
	tests := []struct {
		dir      string
		headline string
		findings int
		windows  int
		want     []string
	}{
		{"testdata/mvt_ios_backup", "Traces of known spyware were found", 5, 4, []string{
			"Matched indicators of TestMalware", "Other findings, without a known indicator", "SMS and iMessage messages",
			"2019-08-29 23:13:30 UTC", "The internet domain example.org is known to be used by TestMalware",
			"A program named Launch ran on the phone", "Lockdown mode enabled",
			"No known indicators is not proof that the phone is clean", "Access Now", "Security Lab",
			"Please click here https://badbadbad.example.org/", "iOS 14.3",
		}},
		{"testdata/mvt_androidqf", "Suspicious traces were found, but none matches known spyware", 6, 0, []string{
			"Installed apps", "app.revanced.manager.flutter", "No finding carries a time",
		}},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.dir), func(t *testing.T) {
			page := render(t, tc.dir, false)
			if !strings.Contains(page, `<h2 id="verdict-headline">`+tc.headline+`</h2>`) {
				t.Errorf("headline %q missing", tc.headline)
			}
			if n := len(reFinding.FindAllString(page, -1)); n != tc.findings {
				t.Errorf("findings = %d, want %d", n, tc.findings)
			}
			if n := strings.Count(page, `<div class="window"`); n != tc.windows {
				t.Errorf("timeline excerpts = %d, want %d", n, tc.windows)
			}
			for _, w := range tc.want {
				if !strings.Contains(page, htmlText(w)) {
					t.Errorf("page lacks %q", w)
				}
			}
			assertSelfContained(t, page)
		})
	}
}

// htmlText is s as html/template escapes it in text.
func htmlText(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "<", "&lt;", ">", "&gt;", "&", "&amp;", "+", "&#43;").Replace(s)
}

var reHref = regexp.MustCompile(`<[^>]*\shref="([^"]*)"`)

// assertSelfContained checks that nothing in the page would load from
// elsewhere: no src to another origin, no href but to the page itself and
// to the helplines (plain links the reader clicks), no CSS url(), no
// @import, and a CSP that forbids any fetch.
func assertSelfContained(t *testing.T, page string) {
	t.Helper()
	allowed := map[string]bool{}
	for _, h := range []Helpline{accessNow, amnestyLab, stopStalkerware} {
		allowed[h.URL] = true
		if h.Email != "" {
			allowed["mailto:"+h.Email] = true
		}
	}
	for _, m := range reHref.FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") && !allowed[m[1]] {
			t.Errorf("page links to %q", m[1])
		}
	}
	// Every "<" in the page starts a real tag: text has it escaped.
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<[^>]*\s(src|srcset|poster|background|action|formaction|data)=`),
		regexp.MustCompile(`<[^>]*\shref=[^"]`),
		regexp.MustCompile(`<[^>]*\son[a-z]+=`),
		regexp.MustCompile(`<(link|img|iframe|object|embed|video|audio|base|form)[\s>]`),
		regexp.MustCompile(`url\(|@import`),
	} {
		if m := bad.FindString(page); m != "" {
			t.Errorf("page contains %q", m)
		}
	}
	if !strings.Contains(page, "default-src &#39;none&#39;") {
		t.Error("no restrictive Content-Security-Policy")
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d script elements, want 1 (ours)", n)
	}
}

// An attacker controls message text: whatever it holds must show as text.
func TestHTMLEscapesHostileText(t *testing.T) {
	dir := hostileFolder(t)
	page := render(t, dir, false)
	assertSelfContained(t, page)
	for _, bad := range []string{"<script>window.__pwned", "<img src=x", "</textarea><b>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains raw %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;window.__pwned=1&lt;/script&gt;", "&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks escaped %q", want)
		}
	}
}

const hostileBody = `Hi <script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"></textarea><b>bold` + "\xff\x00 https://badbadbad.example.org/"

// hostileFolder is the iOS folder with a crafted SMS body in the record,
// the alert message and the timeline.
func hostileFolder(t *testing.T) string {
	t.Helper()
	dir := copyFolder(t, "testdata/mvt_ios_backup")
	b, err := os.ReadFile(filepath.Join(dir, "alerts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var alerts []map[string]any
	if err := json.Unmarshal(b, &alerts); err != nil {
		t.Fatal(err)
	}
	alerts[0]["message"] = "Found a suspicious domain in: " + hostileBody
	alerts[0]["event"].(map[string]any)["text"] = hostileBody
	b, _ = json.Marshal(alerts)
	write(t, dir, "alerts.json", string(b))
	tl, err := os.ReadFile(filepath.Join(dir, "timeline.csv"))
	if err != nil {
		t.Fatal(err)
	}
	csvBody := strings.ReplaceAll(hostileBody, `"`, `""`)
	write(t, dir, "timeline.csv", strings.ReplaceAll(string(tl), "Please click here https://badbadbad.example.org/", csvBody))
	return dir
}

func TestHTMLRedact(t *testing.T) {
	secrets := []string{"Please click here", "Alice Example", "+14155550100", "14155550100@s.whatsapp.net",
		"Check https://example.org/news", "06543219", "+12345678", "Very suspicious MMS"}
	plain := render(t, "testdata/mvt_ios_backup", false) + render(t, "testdata/mvt_androidqf", false)
	red := render(t, "testdata/mvt_ios_backup", true) + render(t, "testdata/mvt_androidqf", true)
	for _, s := range secrets[:5] {
		if !strings.Contains(plain, htmlText(s)) {
			t.Errorf("unredacted page lacks %q (test would prove nothing)", s)
		}
	}
	for _, s := range secrets {
		if strings.Contains(red, htmlText(s)) || strings.Contains(red, s) {
			t.Errorf("redacted page shows %q", s)
		}
	}
	// Evidence stays: indicator values, modules, the TCC client.
	for _, keep := range []string{"example.org", "badbadbad.example.org", "Launch", "kTCCServiceLiverpool", "This copy is redacted", "[redacted]"} {
		if !strings.Contains(red, htmlText(keep)) {
			t.Errorf("redacted page lost %q", keep)
		}
	}
	// The JSON files are untouched by rendering.
	b, err := os.ReadFile("testdata/mvt_ios_backup/sms.json")
	if err != nil || !strings.Contains(string(b), "Please click here") {
		t.Errorf("sms.json changed: %v", err)
	}
}

func TestRedactorText(t *testing.T) {
	rd := &redactor{protected: map[string]bool{"foobar@example.org": true}}
	rd.setValues([]string{"Bob Example", "apple", "Bob"})
	tests := []struct{ in, want string }{
		{"from apple () via com.apple.Preferences and https://apple.example/apple", "from [redacted] () via com.apple.Preferences and https://apple.example/apple"},
		{`"Bob" and Bobby, Bob Example.`, `"[redacted]" and Bobby, [redacted].`},
		{"nul \x00 0\x00 here", "nul \uFFFD 0\uFFFD here"},
		{"INCOMING from Bob Example (+1 415-555-0101) to local user", "INCOMING from [redacted] ([phone number]) to local user"},
		{"jid 14155550100@s.whatsapp.net", "jid [phone number]"},
		{"mail from alice@example.net and foobar@example.org", "mail from [e-mail address] and foobar@example.org"},
		{"2019-08-29 23:13:30.000000 pid 12345678 198.51.100.1", "2019-08-29 23:13:30.000000 pid 12345678 198.51.100.1"},
	}
	for _, tc := range tests {
		if got := rd.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := rd.Field("sms", "address", "198.51.100.1"); got != "198.51.100.1" {
		t.Errorf("IP address redacted: %q", got)
	}
	if got := rd.Field("sms", "address", "+33 6 12 34 56 78"); got != redacted {
		t.Errorf("phone address kept: %q", got)
	}
	var off *redactor
	if got := off.Text("Bob Example +14155550100"); got != "Bob Example +14155550100" {
		t.Errorf("nil redactor changed text: %q", got)
	}
}

func TestWriteHTMLFile(t *testing.T) {
	r, err := ReadResults("testdata/mvt_androidqf")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := WriteHTMLFile(path, r, HTMLOptions{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(b, []byte("Suspicious traces were found")) {
		t.Errorf("report.html: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d files left, want only report.html", len(entries))
	}
	if err := WriteHTMLFile(filepath.Join(t.TempDir(), "no", "such", "dir.html"), r, HTMLOptions{}); err == nil {
		t.Error("no error for a missing folder")
	}
}
