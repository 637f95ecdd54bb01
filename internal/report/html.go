package report

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/output"
)

//go:embed assets/report.html.tmpl
var pageTemplate string

//go:embed assets/report.css
var pageCSS string

//go:embed assets/report.js
var pageJS string

// HTMLOptions change how the page is built.
type HTMLOptions struct {
	// Redact hides message bodies, contact names and phone numbers in the
	// page (never in the JSON files), so it can be shared with a helpline.
	Redact bool
	// Now is the generation time shown in the page (time.Now when zero);
	// tests set it for reproducible output.
	Now time.Time
	// Tap, if set, holds the timeline excerpts gathered while the run wrote
	// timeline.csv; the page then does not read it back.
	Tap *WindowTap
	// Modules are the descriptors of the modules that may have written
	// the folder: their artifact names and sensitive fields.
	Modules []module.Descriptor
}

type levelCount struct {
	Name  string
	Count int
}

type pageData struct {
	Title     string
	Generated string
	Redacted  bool
	VerdictID string
	Advice    advice
	Summary   *Summary
	Levels    []levelCount
	Groups    []findingGroup
	Feeds     []feedRow
	Total     int
	Windows   []*window
	Untimed   int
	OK        []ModuleStatus
	NoData    []ModuleStatus
	Failed    []ModuleStatus
	Warnings  []string
	Artifact  func(string) string
	CSS       template.CSS
	JS        template.JS
	CSP       string
}

// csp allows nothing but the page's own inline style and script, pinned by
// hash: the page can make no request, and even a value that slipped past
// escaping could not run as a script.
func csp() string {
	h := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'none'; style-src " + h(pageCSS) + "; script-src " + h(pageJS) +
		"; img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
}

// WriteHTML writes the report page for a results folder.
func WriteHTML(w io.Writer, r *Results, opts HTMLOptions) error {
	tmpl, err := template.New("report").Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report template: %w", err)
	}
	s := r.SummaryOrBuild()
	var rd *redactor
	if opts.Redact {
		rd = newRedactor(r, opts.Modules)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	verdict := pageVerdict(r.Alerts, s)
	artifact := artifactNamer(s, opts.Modules)
	groups := buildFindings(r.Alerts, rd, r.DeviceLocalTime, artifact)
	d := &pageData{
		Title:     "Spyglass report",
		Generated: now.UTC().Format("2006-01-02 15:04 UTC"),
		Redacted:  opts.Redact,
		VerdictID: verdict,
		Advice:    adviceFor(verdict, r.Alerts, opts.Redact),
		Summary:   s,
		Groups:    groups,
		Feeds:     feedRows(s.Feeds),
		Total:     len(r.Alerts),
		Warnings:  r.Warnings,
		Artifact:  artifact,
		CSS:       template.CSS(pageCSS),
		JS:        template.JS(pageJS),
		CSP:       csp(),
	}
	if s.Evidence.DeviceName != "" || s.Evidence.Model != "" {
		d.Title = "Spyglass report: " + rd.Text(s.Evidence.DeviceName)
		if s.Evidence.Model != "" {
			d.Title = strings.TrimSpace(d.Title + " (" + s.Evidence.Model + ")")
		}
	}
	counts := map[alert.Level]int{}
	for _, a := range r.Alerts {
		counts[a.Level]++
	}
	for i := len(alert.Levels) - 1; i >= 0; i-- {
		l := alert.Levels[i]
		d.Levels = append(d.Levels, levelCount{l.String(), counts[l]})
	}
	for _, m := range s.Modules {
		switch m.Status {
		case StatusOK:
			d.OK = append(d.OK, m)
		case StatusNoData:
			d.NoData = append(d.NoData, m)
		default:
			d.Failed = append(d.Failed, m)
		}
	}
	wins, err := buildWindows(r, groups, rd, opts.Tap)
	if err != nil {
		d.Warnings = append(d.Warnings, "The timeline could not be read: "+err.Error())
	}
	d.Windows = wins
	for _, g := range groups {
		for _, f := range g.Findings {
			if f.Window == "" {
				d.Untimed++
			}
		}
	}
	if err := tmpl.Execute(w, d); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

// WriteHTMLFile writes the page to path through a temporary file in the
// same folder, so a failed run never leaves half a report. The page shows
// the person's messages: like every result file it is created by
// output.CreateFile, readable by its owner only.
func WriteHTMLFile(path string, r *Results, opts HTMLOptions) error {
	return output.WriteStreamAtomic(path, func(w *bufio.Writer) error { return WriteHTML(w, r, opts) })
}
