package ioc

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// A message of thousands of links keeps MaxMessageLinks in its record and
// counts the rest; an indicator placed after the kept ones (or written
// without a scheme after millions of decoys) is still found.
func TestMessageLinksBoundedAndStillChecked(t *testing.T) {
	x, _, err := LoadAll(LoadOptions{Paths: []string{"testdata/test_indicators.stix2"}, NoDefault: true, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, "http://decoy%d.example/x ", i)
	}
	b.WriteString("https://example.org/pwn")
	links, more := MessageLinks(b.String(), false)
	if len(links) != MaxMessageLinks || more != 2001 || links[0] != "http://decoy0.example/x" {
		t.Fatalf("links = %d (first %q), more = %d", len(links), links[0], more)
	}
	if shown, m := x.MessageLinkMatch(links, b.String()); m == nil || shown != "https://example.org/pwn" {
		t.Errorf("indicator past the kept links: shown %q, match %v", shown, m)
	}
	// Distinct: repeats do not count against the bound.
	if links, more := MessageLinks(strings.Repeat("http://a.example/ ", 5000)+"http://b.example/", true); len(links) != 2 || more != 0 {
		t.Errorf("distinct links = %q, more %d", links, more)
	}
	bare := strings.Repeat("a.co/x ", 100_000) + "example.org/pwn"
	if shown, m := x.MessageLinkMatch(nil, bare); m == nil || !strings.HasPrefix(shown, "example.org/pwn") {
		t.Errorf("bare indicator after decoys: shown %q", shown)
	}
}

// TestMeasureMessageLinks runs one message of SPYGLASS_MEASURE_LINKS_MB
// megabytes of short links through the record and check path, for
// /usr/bin/time -v (skipped otherwise).
func TestMeasureMessageLinks(t *testing.T) {
	mb := 0
	fmt.Sscan(os.Getenv("SPYGLASS_MEASURE_LINKS_MB"), &mb)
	if mb == 0 {
		t.Skip("set SPYGLASS_MEASURE_LINKS_MB")
	}
	x, _, err := LoadAll(LoadOptions{Paths: []string{"testdata/test_indicators.stix2"}, NoDefault: true, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	unit := "http://a.co/x a.co/y "
	body := strings.Repeat(unit, mb<<20/len(unit))
	links, more := MessageLinks(body, true)
	_, m := x.MessageLinkMatch(links, body)
	t.Logf("%d MB: %d links kept, %d more, match %v", mb, len(links), more, m)
}
