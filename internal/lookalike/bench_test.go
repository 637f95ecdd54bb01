package lookalike

import (
	"fmt"
	"testing"
)

// BenchmarkCheckURL measures links per second with the full brand list, on a mix of benign
// and look-alike links whose hosts repeat, as in a phone's messages (the host cache answers).
func BenchmarkCheckURL(b *testing.B) {
	c := New(DefaultBrands())
	links := []string{
		"https://accounts.google.com/signin/v2",
		"https://www.nytimes.com/2024/01/01/world/article.html",
		"https://srf-goolge.site/login?next=1",
		"https://accounts.google.com.security-check.xyz/",
		"http://xn--mxamya0a.ccn/",
		"https://t.co/AbCdEf",
		"https://github.com/mvt-project/mvt",
		"https://google.com@evil.example/",
		"https://secure-icloud-login.net/verify",
		"https://www.amnesty.org/en/latest/",
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.CheckURL(links[i%len(links)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "links/s")
}

// BenchmarkCheckURLDistinctHosts is the worst case: every link has a host never seen before, so
// the cache never answers (100,000 distinct hosts, look-alikes and ordinary ones mixed).
func BenchmarkCheckURLDistinctHosts(b *testing.B) {
	c := New(DefaultBrands())
	shapes := []string{"https://news%d.example.com/a", "https://srf-goolge%d.site/login", "https://accounts.google.com.check%d.xyz/",
		"https://www.site%d.org/path?q=1", "https://secure-icloud-login%d.net/", "https://shop%d.co.uk/", "http://mail%d.gооgle.com/", "https://blog%d.wordpress.com/x"}
	links := make([]string, 100_000)
	for i := range links {
		links[i] = fmt.Sprintf(shapes[i%len(shapes)], i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.CheckURL(links[i%len(links)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "links/s")
}
