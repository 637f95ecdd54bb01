package report

import (
	"regexp"
	"strings"
	"testing"
)

// A run in which no module found its artifact gets its own banner, which
// says that this is not a clean result, whether summary.json carries the
// nothing_checked verdict or an older summary says no_known_indicators.
func TestHTMLNothingChecked(t *testing.T) {
	noData := []ModuleStatus{
		{Name: "sms", Status: StatusNoData, Reason: "sms.db is not in the backup"},
		{Name: "safari_history", Status: StatusNoData, Reason: "History.db is not in the backup"},
	}
	for _, verdict := range []string{VerdictNothingChecked, VerdictNoKnownIndicators} {
		t.Run(verdict, func(t *testing.T) {
			dir := t.TempDir()
			s := &Summary{Tool: "spyglass", Command: "ios check-backup", Platform: "ios", Modules: noData}
			s.CountAlerts(nil)
			s.Verdict = verdict
			if err := WriteSummary(dir, s); err != nil {
				t.Fatal(err)
			}
			page := render(t, dir, false)
			assertSelfContained(t, page)
			for _, want := range []string{
				`<section id="verdict" class="verdict none" data-verdict="nothing_checked">`,
				`<h2 id="verdict-headline">Nothing could be checked</h2>`,
				"This is not a clean result",
				htmlText("A check that found no data could not see anything"),
			} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, bad := range []string{"No known spyware indicators were found", "No known indicators is not proof"} {
				if strings.Contains(page, bad) {
					t.Errorf("nothing-checked page says %q", bad)
				}
			}
		})
	}
	// One module that ran is enough for the usual verdict.
	dir := t.TempDir()
	s := &Summary{Tool: "spyglass", Platform: "ios", Modules: append([]ModuleStatus{{Name: "tcc", Status: StatusOK, Records: 3}}, noData...)}
	s.CountAlerts(nil)
	if err := WriteSummary(dir, s); err != nil {
		t.Fatal(err)
	}
	if page := render(t, dir, false); !strings.Contains(page, `<h2 id="verdict-headline">No known spyware indicators were found</h2>`) {
		t.Error("a run with one module that ran does not say no known indicators")
	}
}

// The page is read by people who never used the command line: it tells
// them how to get a shareable copy without naming a flag.
func TestHTMLNamesNoFlag(t *testing.T) {
	reFlag := regexp.MustCompile(`(^|\s)--[a-z]`)
	for _, redact := range []bool{false, true} {
		page := render(t, "testdata/mvt_ios_backup", redact)
		body := page[strings.Index(page, "<body>"):strings.LastIndex(page, "<script>")]
		if m := reFlag.FindString(body); m != "" {
			t.Errorf("redact=%v: the page names a flag (%q)", redact, m)
		}
		want := shareStep
		if redact {
			want = shareStepRedacted
		}
		if !strings.Contains(body, htmlText(want)) {
			t.Errorf("redact=%v: the page does not say how to share it", redact)
		}
	}
}
