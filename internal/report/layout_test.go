package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

// withEmbeddedFeeds gives r's summary the feed list a real run with the
// embedded indicators has: hundreds of collections (Echap lists one per
// stalkerware app), which is what squeezed the "Indicators used" table.
func withEmbeddedFeeds(t *testing.T, r *Results) {
	t.Helper()
	x := ioc.NewIndex()
	if err := x.LoadEmbedded(); err != nil {
		t.Fatal(err)
	}
	s := BuildSummary(r)
	for _, f := range x.Files() {
		s.Feeds = append(s.Feeds, Feed{Path: f.Path, SHA256: f.SHA256, Date: f.FeedDate, Indicators: f.Indicators, Collections: f.Collections})
	}
	if len(s.Feeds) < 5 {
		t.Fatalf("embedded feeds: %d files, want the whole snapshot", len(s.Feeds))
	}
	r.Summary = s
}

// TestReportLayout renders a report with the real feed list and the
// stalkerware advice at a desktop and a phone width, and checks what a
// reader would notice: the page never scrolls sideways, and the columns of
// the "Indicators used" table stay wide enough to read. Screenshots are
// kept (SPYGLASS_TEST_ARTIFACTS, else the test's temporary folder).
func TestReportLayout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	b := startBrowser(ctx, t)
	r, err := ReadResults(stalkerwareFolder(t))
	if err != nil {
		t.Fatal(err)
	}
	withEmbeddedFeeds(t, r)
	path := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, r, HTMLOptions{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	shots := artifactDir(t)
	// minColumn is the narrowest a column may get: about eight characters
	// of the table's font.
	const minColumn = 60
	for _, tc := range []struct {
		name   string
		width  int
		mobile bool
	}{
		{"desktop", 1280, false},
		{"phone", 390, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := b.open(ctx, t, path)
			p.setViewport(ctx, t, tc.width, tc.mobile)
			var scroll struct{ Scroll, Client int }
			p.eval(ctx, t, `({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`, &scroll)
			if scroll.Client != tc.width {
				t.Errorf("viewport is %d px wide, want %d", scroll.Client, tc.width)
			}
			if scroll.Scroll > scroll.Client {
				t.Errorf("the page scrolls sideways: %d px of content in %d px", scroll.Scroll, scroll.Client)
				var wide []string
				p.eval(ctx, t, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + ": " + e.textContent.slice(0, 60))`, &wide)
				t.Logf("elements past the right edge: %q", wide)
			}
			// Narrowest cell of each column of the feeds table (of the rows shown:
			// a phone shows each feed as a block, without the header row).
			var cols []float64
			p.eval(ctx, t, `(() => { const w = [];
				document.querySelectorAll("#feeds table tr").forEach(r => r.offsetParent !== null && Array.from(r.cells).forEach((c, i) => {
					const x = c.getBoundingClientRect().width; w[i] = w[i] === undefined ? x : Math.min(w[i], x); }));
				return w; })()`, &cols)
			if len(cols) != 4 {
				t.Fatalf("feeds table has %d columns, want 4", len(cols))
			}
			for i, w := range cols {
				if w < minColumn {
					t.Errorf("feeds table column %d is %.0f px wide, want at least %d", i+1, w, minColumn)
				}
			}
			var links []string
			p.eval(ctx, t, `Array.from(document.querySelectorAll("#verdict a[href]")).map(a => a.href)`, &links)
			if !strings.Contains(strings.Join(links, " "), "mailto:") {
				t.Errorf("helpline links = %q, want a mailto: link among them", links)
			}
			p.screenshot(ctx, t, filepath.Join(shots, "report_layout_"+tc.name+".png"))
			for _, sec := range []string{"verdict", "feeds", "timeline"} {
				p.screenshotOf(ctx, t, filepath.Join(shots, "report_layout_"+tc.name+"_"+sec+".png"), "#"+sec)
			}
			if _, errs := p.requests(); len(errs) != 0 {
				t.Errorf("console errors: %q", errs)
			}
		})
	}
}
