package lookalike

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckURL feeds hostile links to the URL/host parser and every check: no panic, and any
// finding names a brand and says why.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://google.com@evil.example/", "xn--mxamya0a.ccn", "http://[::1]:80/", "gооgle.com",
		"https://a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.google.com.x.y/", "%%%", "http://@/", "xn--", "a..b", "ｇｏｏｇｌｅ．ｃｏｍ"} {
		f.Add(s, "accounts.google.com")
	}
	c := New(DefaultBrands())
	f.Fuzz(func(t *testing.T, raw, text string) {
		for _, fd := range []*Finding{c.CheckURL(raw), c.CheckHost(raw), c.CheckLinkText(text, raw)} {
			if fd == nil {
				continue
			}
			if fd.Brand == "" || fd.Sentence == "" || !utf8.ValidString(fd.Sentence) && utf8.ValidString(raw+text) {
				t.Fatalf("finding without brand or sentence: %+v", fd)
			}
			if strings.TrimSpace(fd.Sentence) == "" {
				t.Fatal("empty sentence")
			}
		}
	})
}
