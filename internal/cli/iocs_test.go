package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// iocsApp is an App with buffers and an environment map; its network
// fails unless a test installs a transport.
func iocsApp(t *testing.T, env map[string]string) (*App, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	return &App{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		HTTPClient: &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			t.Errorf("unexpected request to %s", r.URL)
			return nil, os.ErrPermission
		})},
		Version: "test",
	}, &out, &errb
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestIOCsCheck(t *testing.T) {
	app, out, _ := iocsApp(t, map[string]string{"HOME": t.TempDir()})
	code := Execute(context.Background(), app, []string{"iocs", "check",
		"weather4free.com", "https://x.WEATHER4FREE.com/a", "telegrɑm.com", "com.sc.spyier.v2", "176.223.111.131",
		"google.com@localhost", "2f3bc9ebe8c249f0416f5b0367f34b4b8f6aaa7d351dc5b4912fe2558491b6b7",
		"/private/var/tmp/hooker", "76DAB334-7E17-475D-A5D6-0794EB5818A5", "example.com", "bh"})
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		`weather4free.com: INDICATOR of "Pegasus" (as domain`,
		`https://x.WEATHER4FREE.com/a: INDICATOR of "Pegasus" (as URL: domains "weather4free.com", registered domain`,
		`telegrɑm.com: INDICATOR of "Pegasus" (as domain: domains "xn--telegrm-qbd.com"`,
		`com.sc.spyier.v2: INDICATOR of "Cocospy", "Spyier" (as app id`,
		`176.223.111.131: INDICATOR of "NoviSpy" (as IP address`,
		`google.com@localhost: INDICATOR of "Evolving phishing against journalists and HRDs in MENA (Amnesty, 2019)" (as email address`,
		`2f3bc9ebe8c249f0416f5b0367f34b4b8f6aaa7d351dc5b4912fe2558491b6b7: INDICATOR of "HelloSpy" (as file hash`,
		`/private/var/tmp/hooker: INDICATOR of "Predator" (as file path`,
		`76DAB334-7E17-475D-A5D6-0794EB5818A5: INDICATOR of "Predator" (as configuration profile`,
		`example.com: not a known indicator (checked as domain, app id, Android property, process, file name)`,
		`bh: INDICATOR of "Pegasus" (as process`,
	}
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s", out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n got %s\nwant %s…", i, lines[i], w)
		}
	}
}

func TestIOCsCheckFlags(t *testing.T) {
	app, out, _ := iocsApp(t, nil)
	code := Execute(context.Background(), app, []string{"iocs", "check", "--no-default-iocs", "-i", "../ioc/testdata/test_indicators.stix2", "example.org", "weather4free.com"})
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if got := out.String(); !strings.Contains(got, `example.org: INDICATOR of "TestMalware"`) || !strings.Contains(got, "weather4free.com: not a known indicator") {
		t.Errorf("output:\n%s", got)
	}
	// Errors: missing -i file, no value (2, as grep's errors).
	app, _, errb := iocsApp(t, nil)
	if code := Execute(context.Background(), app, []string{"iocs", "check", "-i", "missing.stix2", "x"}); code != ExitUsage || !strings.Contains(errb.String(), "missing.stix2") {
		t.Errorf("missing file: exit %d, %s", code, errb)
	}
	app, _, _ = iocsApp(t, nil)
	if code := Execute(context.Background(), app, []string{"iocs", "check"}); code != ExitUsage {
		t.Errorf("no value: exit %d", code)
	}
}

func TestIOCsList(t *testing.T) {
	app, out, _ := iocsApp(t, map[string]string{"MVT_STIX2": "../ioc/testdata/test_indicators.stix2"})
	if code := Execute(context.Background(), app, []string{"iocs", "list"}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	got := out.String()
	for _, want := range []string{
		"../ioc/testdata/test_indicators.stix2  (env, feed date 2022-01-01)\n  TestMalware",
		"embedded:amnesty-investigations/2021-07-18_nso/pegasus.stix2  (embedded, feed date 2024-01-26)\n  Pegasus                                    1549  domains 1438, processes 81, emails 29, file_names 1",
		"embedded:stalkerware-indicators/generated-2023-05-31/stalkerware.stix2",
		"TheTruthSpy",
		"distinct indicators from 29 files",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	app, out, _ = iocsApp(t, nil)
	if code := Execute(context.Background(), app, []string{"iocs", "list", "--json", "--no-default-iocs", "-i", "../ioc/testdata/cytrox.stix2"}); code != ExitOK {
		t.Fatal(code)
	}
	if !strings.Contains(out.String(), `"name": "Predator"`) || !strings.Contains(out.String(), `"total": 343`) {
		t.Errorf("json output:\n%s", out)
	}
}

func TestIOCsUpdate(t *testing.T) {
	feed, err := os.ReadFile("../ioc/testdata/cytrox.stix2")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/index.yaml":
			w.Write([]byte("indicators:\n  - type: download\n    name: Predator\n    download_url: " + "http://" + r.Host + "/cytrox.stix2\n" +
				"  - type: github\n    name: Broken\n    github: {owner: mvt-project, repo: mvt-indicators, branch: main, path: nope.stix2}\n"))
		case "/cytrox.stix2":
			w.Write(feed)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	home := t.TempDir()
	app, out, _ := iocsApp(t, map[string]string{"HOME": home})
	app.HTTPClient = &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host = "http", strings.TrimPrefix(srv.URL, "http://")
		return http.DefaultTransport.RoundTrip(r)
	})}
	if code := Execute(context.Background(), app, []string{"iocs", "update", "--url", srv.URL + "/index.yaml"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	dir := filepath.Join(home, ".local", "share", "spyglass", "indicators")
	if !strings.Contains(out.String(), "added     Predator (343 indicators)") || !strings.Contains(out.String(), "1 added, 0 updated, 0 unchanged, 0 removed, 1 failed; feeds are in "+dir) {
		t.Errorf("output:\n%s", out)
	}
	// The downloaded feed is loaded by the other commands.
	app2, out2, _ := iocsApp(t, map[string]string{"HOME": home})
	Execute(context.Background(), app2, []string{"iocs", "list", "--no-default-iocs"})
	if !strings.Contains(out2.String(), "(user, feed date 2023-07-28)") {
		t.Errorf("user feeds not loaded:\n%s", out2)
	}
}
