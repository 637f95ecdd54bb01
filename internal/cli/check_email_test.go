package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check-email end to end: a phishing message among hostile ones; scripts from the mail are
// escaped in report.html, no timeline cell can run as a spreadsheet formula, the run exits 0
// with the suspicious verdict, and the evidence folder is left untouched.
func TestCheckEmailEndToEnd(t *testing.T) {
	ev := t.TempDir()
	msgs := map[string]string{
		"phish.eml": "From: \"Google <script>alert(1)</script>\" <no-reply@accounts-goolge.com>\nSubject: =HYPERLINK(\"http://evil.example\",\"open\")<script>alert(2)</script>\n" +
			"Date: Mon, 02 Sep 2019 10:00:00 +0000\nContent-Type: text/html\n\n<script>alert(3)</script><a href=\"https://evil.example/\">https://accounts.google.com/</a>\n",
		"broken.eml": "From: x@example.org\nSubject: broken\nContent-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n%%%%\n",
	}
	for n, c := range msgs {
		if err := os.WriteFile(filepath.Join(ev, n), []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	before := treeHashes(t, ev)
	app, _, errb := iocsApp(t, map[string]string{"HOME": t.TempDir()})
	out := filepath.Join(t.TempDir(), "out")
	if code := Execute(context.Background(), app, []string{"check-email", "-q", "--no-default-iocs", "-o", out, ev}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if after := treeHashes(t, ev); len(after) != len(before) {
		t.Fatal("the evidence folder changed")
	}
	var sum struct{ Verdict string }
	b, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil || sum.Verdict != "suspicious" {
		t.Fatalf("verdict %q (%v)", sum.Verdict, err)
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"<script>alert(1)", "<script>alert(2)", "<script>alert(3)"} {
		if strings.Contains(string(html), s) {
			t.Errorf("report.html contains %q unescaped", s)
		}
	}
	f, err := os.Open(filepath.Join(out, "timeline.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 {
		t.Fatalf("timeline rows = %d, want a header and both messages", len(rows))
	}
	for _, r := range rows {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("timeline cell %q could run as a formula", cell)
			}
		}
	}
	var recs []map[string]any
	b, _ = os.ReadFile(filepath.Join(out, "email.json"))
	if err := json.Unmarshal(b, &recs); err != nil || len(recs) != 2 {
		t.Fatalf("email.json: %v, %d records", err, len(recs))
	}
}

// --expand-urls follows a short link in a message and checks where it leads.
func TestCheckEmailExpandURLs(t *testing.T) {
	ev := t.TempDir()
	msg := "From: Alice <alice@example.org>\nSubject: doc\nContent-Type: text/plain\n\nhttps://bit.ly/3xYz\n"
	if err := os.WriteFile(filepath.Join(ev, "m.eml"), []byte(msg), 0o600); err != nil {
		t.Fatal(err)
	}
	verdict := func(args ...string) string {
		app, _, errb := iocsApp(t, map[string]string{"HOME": t.TempDir()})
		app.HTTPClient = &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			h := http.Header{}
			h.Set("Location", "https://accounts.google.com.security-check.xyz/login")
			return &http.Response{StatusCode: http.StatusFound, Header: h, Body: http.NoBody, Request: r}, nil
		})}
		out := filepath.Join(t.TempDir(), "out")
		if code := Execute(context.Background(), app, append([]string{"check-email", "-q", "--no-default-iocs", "-o", out}, append(args, ev)...)); code != ExitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		var sum struct{ Verdict string }
		b, _ := os.ReadFile(filepath.Join(out, "summary.json"))
		_ = json.Unmarshal(b, &sum)
		return sum.Verdict
	}
	if v := verdict(); v != "no_known_indicators" {
		t.Errorf("without --expand-urls: %s", v)
	}
	if v := verdict("--expand-urls"); v != "suspicious" {
		t.Errorf("with --expand-urls: %s, want suspicious", v)
	}
}
