package report

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// chromiumPath is Debian's chromium; SPYGLASS_CHROMIUM overrides it.
func chromiumPath() string {
	if p := os.Getenv("SPYGLASS_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browser is a headless Chromium driven over the DevTools protocol.
type browser struct {
	cmd *exec.Cmd
	cdp *cdpClient
}

var reDevTools = regexp.MustCompile(`DevTools listening on (ws://\S+)`)

func startBrowser(ctx context.Context, t *testing.T) *browser {
	t.Helper()
	bin := chromiumPath()
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("headless browser test skipped: %s not found (apt-get install chromium, or set SPYGLASS_CHROMIUM)", bin)
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-port=0", "about:blank")
	// Own process group, so cleanup ends the renderers we started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	b := &browser{cmd: cmd}
	t.Cleanup(b.stop)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if m := reDevTools.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	var wsURL string
	select {
	case wsURL = <-found:
	case <-ctx.Done():
		t.Fatal("chromium did not print its DevTools address")
	}
	ws, err := dialWS(ctx, wsURL)
	if err != nil {
		t.Fatal(err)
	}
	b.cdp = newCDP(ws)
	return b
}

func (b *browser) stop() {
	if b.cdp != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		b.cdp.call(ctx, "", "Browser.close", nil, nil)
		cancel()
	}
	done := make(chan struct{})
	go func() { b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// page is one tab with a file loaded.
type page struct {
	b       *browser
	session string
	url     string
	mark    int
	width   int // viewport width in CSS pixels
}

// open loads the HTML file in a new tab and waits for its load event.
func (b *browser) open(ctx context.Context, t *testing.T, file string) *page {
	t.Helper()
	var tgt struct{ TargetID string }
	if err := b.cdp.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &tgt); err != nil {
		t.Fatal(err)
	}
	var att struct{ SessionID string }
	if err := b.cdp.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": tgt.TargetID, "flatten": true}, &att); err != nil {
		t.Fatal(err)
	}
	p := &page{b: b, session: att.SessionID, url: "file://" + file}
	for _, m := range []string{"Network.enable", "Page.enable", "Log.enable", "Runtime.enable"} {
		if err := b.cdp.call(ctx, p.session, m, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	p.setViewport(ctx, t, 1200, false)
	p.mark = b.cdp.mark()
	if err := b.cdp.call(ctx, p.session, "Page.navigate", map[string]any{"url": p.url}, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.cdp.waitEvent(ctx, p.mark, p.session, "Page.loadEventFired"); err != nil {
		t.Fatal(err)
	}
	return p
}

// setViewport emulates a screen width CSS pixels wide; mobile makes
// Chromium honour the page's viewport meta tag, as a phone does.
func (p *page) setViewport(ctx context.Context, t *testing.T, width int, mobile bool) {
	t.Helper()
	if err := p.b.cdp.call(ctx, p.session, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile}, nil); err != nil {
		t.Fatal(err)
	}
	p.width = width
}

// eval runs a JavaScript expression in the page and decodes its value.
func (p *page) eval(ctx context.Context, t *testing.T, expr string, out any) {
	t.Helper()
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := p.b.cdp.call(ctx, p.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &res); err != nil {
		t.Fatal(err)
	}
	if res.ExceptionDetails != nil {
		t.Fatalf("%s: %s", expr, res.ExceptionDetails.Text)
	}
	if err := json.Unmarshal(res.Result.Value, out); err != nil {
		t.Fatalf("%s: result %s: %v", expr, res.Result.Value, err)
	}
}

// requests lists the URLs the page asked for, and console errors (a CSP
// violation shows up there).
func (p *page) requests() (urls, errs []string) {
	for _, e := range p.b.cdp.eventsSince(p.mark) {
		if e.SessionID != p.session {
			continue
		}
		switch e.Method {
		case "Network.requestWillBeSent":
			var ev struct{ Request struct{ URL string } }
			json.Unmarshal(e.Params, &ev)
			urls = append(urls, ev.Request.URL)
		case "Log.entryAdded":
			var ev struct{ Entry struct{ Level, Text string } }
			json.Unmarshal(e.Params, &ev)
			if ev.Entry.Level == "error" {
				errs = append(errs, ev.Entry.Text)
			}
		case "Runtime.exceptionThrown":
			errs = append(errs, string(e.Params))
		}
	}
	return urls, errs
}

// screenshot saves the whole page as PNG.
func (p *page) screenshot(ctx context.Context, t *testing.T, path string) {
	t.Helper()
	var lm struct {
		CSSContentSize struct{ Width, Height float64 } `json:"cssContentSize"`
	}
	if err := p.b.cdp.call(ctx, p.session, "Page.getLayoutMetrics", nil, &lm); err != nil {
		t.Fatal(err)
	}
	p.capture(ctx, t, path, 0, min(lm.CSSContentSize.Height, 16000))
}

// screenshotOf saves the part of the page that the element matching
// selector covers (at most 3000 px of it), to look at one section closely.
func (p *page) screenshotOf(ctx context.Context, t *testing.T, path, selector string) {
	t.Helper()
	var box struct{ Y, H float64 }
	p.eval(ctx, t, `(() => { const r = document.querySelector(`+strconv.Quote(selector)+`).getBoundingClientRect();
		return {Y: r.top + window.scrollY, H: r.height}; })()`, &box)
	p.capture(ctx, t, path, box.Y, min(box.H, 3000))
}

func (p *page) capture(ctx context.Context, t *testing.T, path string, y, h float64) {
	t.Helper()
	var shot struct{ Data string }
	if err := p.b.cdp.call(ctx, p.session, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": y, "width": p.width, "height": h, "scale": 1}}, &shot); err != nil {
		t.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || len(png) < 1000 {
		t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// artifactDir is where screenshots are kept: SPYGLASS_TEST_ARTIFACTS when
// set (CI uploads it), else the test's temporary folder.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("SPYGLASS_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestReportInBrowser opens the reports in headless Chromium and checks
// what a person would see, and that the page makes no network request.
func TestReportInBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	b := startBrowser(ctx, t)
	dir := t.TempDir()
	shots := artifactDir(t)
	writePage := func(name, results string, redact bool) string {
		r, err := ReadResults(results)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".html")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := WriteHTML(f, r, HTMLOptions{Redact: redact, Now: fixedNow, Modules: platformDescriptors(r.SummaryOrBuild().Platform)}); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const visibleRows = `Array.from(document.querySelectorAll("tr.tl-row")).filter(r => r.offsetParent !== null).length`
	tests := []struct {
		name, results string
		redact        bool
		headline      string
		findings      int
		search        string // typed in the search box
		rowsAfter     int    // rows still visible after typing
		visible       []string
		hidden        []string
	}{
		{name: "ios", results: "testdata/mvt_ios_backup", headline: "Traces of known spyware were found", findings: 5,
			// The two SMS events fall in two excerpts: the SMS finding and the
			// datausage finding five hours later.
			search: "badbadbad", rowsAfter: 4,
			visible: []string{"Please click here https://badbadbad.example.org/", "No known indicators is not proof that the phone is clean", "Access Now"}},
		{name: "ios_redacted", results: "testdata/mvt_ios_backup", redact: true, headline: "Traces of known spyware were found", findings: 5,
			search: "Launch", rowsAfter: 1,
			visible: []string{"[redacted]", "This copy is redacted", "example.org"},
			hidden:  []string{"Please click here", "Alice Example", "+14155550100"}},
		{name: "androidqf", results: "testdata/mvt_androidqf", headline: "Suspicious traces were found, but none matches known spyware", findings: 6,
			visible: []string{"app.revanced.manager.flutter", "What was checked"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := b.open(ctx, t, writePage(tc.name, tc.results, tc.redact))
			var headline, text string
			var findings int
			p.eval(ctx, t, `document.getElementById("verdict-headline").innerText`, &headline)
			p.eval(ctx, t, `document.querySelectorAll("article.finding").length`, &findings)
			p.eval(ctx, t, `document.body.innerText`, &text)
			if headline != tc.headline {
				t.Errorf("banner = %q, want %q", headline, tc.headline)
			}
			if findings != tc.findings {
				t.Errorf("findings shown = %d, want %d", findings, tc.findings)
			}
			for _, s := range tc.visible {
				if !strings.Contains(text, s) {
					t.Errorf("page does not show %q", s)
				}
			}
			for _, s := range tc.hidden {
				if strings.Contains(text, s) {
					t.Errorf("redacted page shows %q", s)
				}
			}
			if tc.search != "" {
				var before, after int
				var counter string
				p.eval(ctx, t, visibleRows, &before)
				p.eval(ctx, t, `document.getElementById("tl-search").focus(), true`, new(bool))
				if err := b.cdp.call(ctx, p.session, "Input.insertText", map[string]any{"text": tc.search}, nil); err != nil {
					t.Fatal(err)
				}
				p.eval(ctx, t, visibleRows, &after)
				p.eval(ctx, t, `document.getElementById("tl-count").innerText`, &counter)
				if before <= tc.rowsAfter || after != tc.rowsAfter {
					t.Errorf("typing %q: %d rows visible before, %d after; want more than %d, then %d", tc.search, before, after, tc.rowsAfter, tc.rowsAfter)
				}
				if want := fmt.Sprintf("%d of %d events match", tc.rowsAfter, before); counter != want {
					t.Errorf("counter = %q, want %q", counter, want)
				}
			}
			p.screenshot(ctx, t, filepath.Join(shots, "report_"+tc.name+".png"))
			urls, errs := p.requests()
			for _, u := range urls {
				if u != p.url {
					t.Errorf("the page requested %s", u)
				}
			}
			if len(urls) != 1 {
				t.Errorf("requests = %q, want only the page itself", urls)
			}
			if len(errs) != 0 {
				t.Errorf("console errors: %q", errs)
			}
		})
	}
	t.Run("hostile_sms", func(t *testing.T) {
		path := writePage("hostile", hostileFolder(t), false)
		p := b.open(ctx, t, path)
		var pwned, msg string
		p.eval(ctx, t, `String(window.__pwned)`, &pwned)
		p.eval(ctx, t, `document.querySelector("article.finding .msg").innerText`, &msg)
		if pwned != "undefined" {
			t.Errorf("injected script ran: window.__pwned = %s", pwned)
		}
		if !strings.Contains(msg, "<script>window.__pwned=1</script>") || !strings.Contains(msg, `<img src=x onerror="window.__pwned=2">`) {
			t.Errorf("message not shown as text: %q", msg)
		}
		urls, _ := p.requests()
		if len(urls) != 1 {
			t.Errorf("requests = %q, want only the page itself", urls)
		}
	})
}
