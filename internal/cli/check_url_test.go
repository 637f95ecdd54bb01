package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckURLPrints(t *testing.T) {
	app, out, errb := iocsApp(t, map[string]string{"HOME": t.TempDir()})
	app.Stdin = strings.NewReader("https://accounts.google.com/signin\n\n# comment\nhttps://google.com@evil.example/\nhttp://gооgle.com/\x1b[2J\n")
	code := Execute(context.Background(), app, []string{"check-url", "--no-default-iocs", "--protect", "amnesty.org",
		"https://srf-goolge.site/login", "-", "https://amnesty-secure.org/"})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"suspicious\thttps://srf-goolge.site/login\t", "no_known_indicators\thttps://accounts.google.com/signin\t",
		"suspicious\thttps://google.com@evil.example/\t", "suspicious\thttp://gооgle.com/\uFFFD[2J\t", "suspicious\thttps://amnesty-secure.org/\t"}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Error("an escape sequence from a link reached the terminal")
	}
	if !strings.Contains(lines[0], "imitates Google") || !strings.Contains(lines[4], "imitates amnesty.org") {
		t.Errorf("reasons must name the brand:\n%s", out.String())
	}
}

func TestCheckURLOutputFolder(t *testing.T) {
	app, _, errb := iocsApp(t, map[string]string{"HOME": t.TempDir()})
	dir := filepath.Join(t.TempDir(), "out")
	code := Execute(context.Background(), app, []string{"check-url", "-q", "-o", dir, "https://srf-goolge.site/", "https://goolge.cm/", "https://www.amnesty.org/"})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var sum struct{ Verdict string }
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil || sum.Verdict != "indicators_found" {
		t.Fatalf("verdict %q (%v), want indicators_found: the embedded Amnesty phishing list names srf-goolge.site", sum.Verdict, err)
	}
	var recs []map[string]any
	b, _ = os.ReadFile(filepath.Join(dir, "links.json"))
	if err := json.Unmarshal(b, &recs); err != nil || len(recs) != 3 {
		t.Fatalf("links.json: %v %s", err, b)
	}
	if recs[2]["verdict"] != "no_known_indicators" {
		t.Errorf("amnesty.org: %v", recs[2])
	}
	for _, f := range []string{"alerts.json", "report.html", "info.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}

	// Look-alikes alone make the run suspicious.
	dir2 := filepath.Join(t.TempDir(), "out2")
	if code := Execute(context.Background(), app, []string{"check-url", "-q", "--no-default-iocs", "-o", dir2, "https://accounts.google.com.security-check.xyz/"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	b, _ = os.ReadFile(filepath.Join(dir2, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil || sum.Verdict != "suspicious" {
		t.Fatalf("verdict %q, want suspicious", sum.Verdict)
	}
}

// A hostile stdin (a 1 MB line, no final newline) costs one warning; the other links are checked.
func TestCheckURLStdinLongLine(t *testing.T) {
	app, out, errb := iocsApp(t, map[string]string{"HOME": t.TempDir()})
	app.Stdin = strings.NewReader("https://goolge.cm/\n" + strings.Repeat("a", 1<<20) + "\nhttps://www.amnesty.org/")
	if code := Execute(context.Background(), app, []string{"check-url", "--no-default-iocs", "-"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "line 2 of the standard input is longer than 64 kB") {
		t.Errorf("stderr = %q", errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "suspicious\thttps://goolge.cm/") || !strings.HasPrefix(lines[1], "no_known_indicators\thttps://www.amnesty.org/") {
		t.Errorf("stdout = %q", out.String())
	}
}

// --expand-urls follows a short link and checks where it leads; without it no request is made
// (iocsApp's client fails the test on any request).
func TestCheckURLExpand(t *testing.T) {
	app, out, errb := iocsApp(t, map[string]string{"HOME": t.TempDir()})
	if code := Execute(context.Background(), app, []string{"check-url", "--no-default-iocs", "https://bit.ly/3xYz"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), "no_known_indicators\t") {
		t.Errorf("without --expand-urls: %q", out.String())
	}
	app, out, errb = iocsApp(t, map[string]string{"HOME": t.TempDir()})
	requests := 0
	app.HTTPClient = &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		requests++
		if r.URL.Host != "bit.ly" {
			t.Errorf("request to %s: only the shortener may be contacted", r.URL)
		}
		h := http.Header{}
		h.Set("Location", "https://accounts.google.com.security-check.xyz/login")
		return &http.Response{StatusCode: http.StatusMovedPermanently, Header: h, Body: http.NoBody, Request: r}, nil
	})}
	if code := Execute(context.Background(), app, []string{"check-url", "--no-default-iocs", "--expand-urls", "https://bit.ly/3xYz"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if requests != 1 || !strings.HasPrefix(out.String(), "suspicious\thttps://bit.ly/3xYz\tthe short link leads to https://accounts.google.com.security-check.xyz/login: ") {
		t.Errorf("requests %d, output %q", requests, out.String())
	}
}
