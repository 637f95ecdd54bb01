package lookalike

import "testing"

// BenchmarkCheckURL measures links per second with the full brand list, on a mix of benign
// and look-alike links like those of a phone's messages.
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
