package ioc

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// extractCase is one message text and the links a function finds in it.
type extractCase struct {
	text string
	want []string
}

func checkExtract(t *testing.T, fn func(string) []string, cases []extractCase) {
	t.Helper()
	for _, tc := range cases {
		if d := cmp.Diff(tc.want, fn(tc.text)); d != "" {
			t.Errorf("%q (-want +got):\n%s", tc.text, d)
		}
	}
}

func TestExtractURLs(t *testing.T) {
	checkExtract(t, ExtractURLs, []extractCase{
		{"Hi this is a test message to https://google.com/", []string{"https://google.com/"}},
		{"Very suspicious MMS, click on this link http://google.com", []string{"http://google.com"}},
		{"see https://badbadbad.example.org/.", []string{"https://badbadbad.example.org/"}},
		{"(https://a.example/x) and HTTPS://B.EXAMPLE/y,", []string{"https://a.example/x", "HTTPS://B.EXAMPLE/y"}},
		{"https://en.wikipedia.org/wiki/Foo_(bar)", []string{"https://en.wikipedia.org/wiki/Foo_(bar)"}},
		{"go to www.telegrɑm.com now", nil}, // not LDH: not a bare link
		{"go to www.example.org/path now", []string{"www.example.org/path"}},
		{"visit evil.com or evil.com/x?y=1.", []string{"evil.com", "evil.com/x?y=1"}},
		{"accountsgoog1e.com:8080/login", []string{"accountsgoog1e.com:8080/login"}},
		{"e.g. file.txt and v1.2 and 10.0.0.1 and foo@evil.com", nil},
		{"http://a.comhttp://b.com", []string{"http://a.com", "http://b.com"}},
		{"text:https://x.com/a", []string{"https://x.com/a"}},
		{"http:// nothing", nil},
		{"", nil},
	})
}

func TestBareLinks(t *testing.T) {
	checkExtract(t, BareLinks, []extractCase{
		{"Your parcel is waiting: evil.com/track?id=7 (reply STOP)", []string{"evil.com/track?id=7"}},
		{"see https://evil.com/x and www.example.org.", []string{"www.example.org"}}, // the http link is MVT's
		{"Ok. See you at 5.30, bring v1.2 and file.txt", nil},
		{"write to foo@evil.com", nil},
		{"no dot at all", nil},
		{"", nil},
	})
}

// Crafted message text must cost linear time (BareLinks runs on every
// message with a dot). When every trimmed ")" recounted the token's brackets
// and every glued link rescanned the rest, these inputs took 13 s, growing
// with the square of their length; now milliseconds.
func TestExtractURLsCraftedTokens(t *testing.T) {
	closers := strings.Repeat(")", 1<<20)
	if got := BareLinks("see x.com" + closers); !slices.Equal(got, []string{"x.com"}) {
		t.Errorf("a million closing brackets: %q", got)
	}
	if got := BareLinks(strings.Repeat("(", 1<<19) + "x.com" + strings.Repeat(")", 1<<19)); !slices.Equal(got, []string{"x.com"}) {
		t.Errorf("balanced brackets around a host: %q", got)
	}
	glued := ExtractURLs(strings.Repeat("http://a.com", 100_000) + ")")
	if len(glued) != maxGluedLinks+1 || glued[0] != "http://a.com" || len(glued[maxGluedLinks]) != (100_000-maxGluedLinks)*len("http://a.com") {
		t.Errorf("100,000 glued links: %d links", len(glued))
	}
}

// trimLinkEndReference is the former, quadratic trimLinkEnd: the linear
// one must trim exactly as it did.
func trimLinkEndReference(s string) string {
	for len(s) > 0 {
		switch s[len(s)-1] {
		case '.', ',', ';', ':', '!', '?', '\'', '"', '>', '<':
			s = s[:len(s)-1]
		case ')', ']', '}':
			open := map[byte]byte{')': '(', ']': '[', '}': '{'}[s[len(s)-1]]
			if strings.Count(s, string(open)) >= strings.Count(s, string(s[len(s)-1])) {
				return s
			}
			s = s[:len(s)-1]
		default:
			return s
		}
	}
	return s
}

func FuzzTrimLinkEnd(f *testing.F) {
	for _, s := range []string{"https://en.wikipedia.org/wiki/Foo_(bar)", "x.com).", "a([b]){c}]])!", "((x)))", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimLinkEnd(s), trimLinkEndReference(s); got != want {
			t.Fatalf("trimLinkEnd(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestMessageLinkMatch(t *testing.T) {
	x := testIndex(t, "domains", "example.org")
	for _, tc := range []struct {
		links []string
		text  string
		shown string
	}{
		{[]string{"https://ok.test/", "https://a.example.org/x"}, "", "https://a.example.org/x"},
		{[]string{"https://ok.test/"}, "then example.org/pay now", "example.org/pay (a link written without http://)"},
		{nil, "example.org/a and https://example.org/b", "example.org/a (a link written without http://)"},
		{nil, "see notes.txt", ""},
	} {
		shown, m := x.MessageLinkMatch(tc.links, tc.text)
		if shown != tc.shown || (m != nil) != (tc.shown != "") {
			t.Errorf("%v %q: %q %v, want %q", tc.links, tc.text, shown, m, tc.shown)
		}
	}
	if shown, m := (*Index)(nil).MessageLinkMatch([]string{"https://example.org/"}, "example.org"); m != nil || shown != "" {
		t.Error("a nil index matched")
	}
}
