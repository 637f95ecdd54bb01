package phishing

import (
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/lookalike"
)

func TestCheckLink(t *testing.T) {
	idx, _, err := ioc.LoadAll(ioc.LoadOptions{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	c := lookalike.New(lookalike.DefaultBrands())
	for _, tc := range []struct{ url, verdict, reason string }{
		// Amnesty's embedded phishing list names it: an indicator wins over the look-alike.
		{"https://srf-goolge.site/x", IndicatorsFound, "srf-goolge.site"},
		{"https://accounts.google.com.security-check.xyz/", Suspicious, "imitates Google"},
		{"https://accounts.google.com/", NoKnownIndicators, "imitates none"},
	} {
		r := CheckLink(idx, c, tc.url)
		if r.Verdict != tc.verdict || !strings.Contains(r.Reason, tc.reason) {
			t.Errorf("%s: %+v", tc.url, r)
		}
	}
	if r := CheckLink(ioc.NewIndex(), nil, "https://goolge.cm/"); r.Verdict != NoKnownIndicators {
		t.Errorf("a nil checker must skip look-alikes: %+v", r)
	}
}

func TestMessageLookalikeAlertBounded(t *testing.T) {
	links := make([]string, maxLinksPerMessage+1)
	for i := range links {
		links[i] = "https://www.amnesty.org/"
	}
	links[maxLinksPerMessage] = "https://goolge.cm/"
	if a := MessageLookalikeAlert(links, "", nil); a != nil {
		t.Errorf("links beyond the bound were checked: %+v", a)
	}
	if a := MessageLookalikeAlert([]string{"https://goolge.cm/"}, "", nil); a == nil || !strings.Contains(a.Message, "Google") {
		t.Errorf("alert = %+v", a)
	}
}
