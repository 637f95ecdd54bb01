package ioc

import (
	"strings"
	"testing"
)

// testIndex builds an index from (type, value) pairs in collection "T".
func testIndex(t *testing.T, pairs ...string) *Index {
	t.Helper()
	x := NewIndex()
	fl, _ := x.newFileLoad("t.stix2", []byte(strings.Join(pairs, "\n")), "", "stix2")
	for i := 0; i+1 < len(pairs); i += 2 {
		before := len(x.warnings)
		fl.addValue(Type(pairs[i]), pairs[i+1], "", "", []string{"T"})
		if len(x.warnings) > before && !strings.Contains(x.warnings[before].Message, "wildcard") {
			t.Fatalf("%s %q: %v", pairs[i], pairs[i+1], x.warnings[before])
		}
	}
	return x
}

type matchCase struct {
	in  string
	how string // "" means no match
}

func runMatchCases(t *testing.T, check func(string) *Match, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		m := check(c.in)
		got := ""
		if m != nil {
			got = m.How
		}
		if got != c.how {
			t.Errorf("%q: how = %q, want %q (match %+v)", c.in, got, c.how, m)
		}
	}
}

// TestCheckURLMVT is the check_url table of MVT's test_indicators.py, on
// the same 9 test indicators.
func TestCheckURLMVT(t *testing.T) {
	x, _ := loadTestFile(t, "test_indicators.stix2")
	runMatchCases(t, x.CheckURL, []matchCase{
		{"42", ""},
		{"http://example.com/thisisbad", "exact url"},
		{"http://example.com/thisisgood", ""},
		{"https://www.example.org/foobar", "registered domain"},
		{"http://example.org:8080/toto", "exact"},
		{"https://github.com", ""},
		{"https://example.com/", ""},
		{"https://198.51.100.1:8080/", "ip"},
		{"https://1.1.1.1/", ""},
	})
	// Batches keep their order: the first match wins.
	m := x.CheckURLs([]string{"https://github.com", "http://example.com/thisisbad", "https://www.example.org/"})
	if m == nil || m.Value != "http://example.com/thisisbad" {
		t.Errorf("CheckURLs: %+v", m)
	}
	if x.CheckURLs(nil) != nil || x.CheckURLs([]string{"https://github.com", "https://1.1.1.1/"}) != nil {
		t.Error("CheckURLs matched clean URLs")
	}
}

func TestCheckDomainRules(t *testing.T) {
	x := testIndex(t, "domains", "example.org", "domains", "a.example.net", "domains", "xn--telegrm-qbd.com",
		"domains", "Bücher.example", "domains", "zapto.org", "domains", "researchplanet.zapto.org",
		"ips", "198.51.100.1", "domains", "203.0.113.9", "ips", "2001:db8::1", "ips", "192.0.2.0/24",
		"domains", "198.51.100.77.")
	runMatchCases(t, x.CheckDomain, []matchCase{
		// A domain-name indicator written as an address with a trailing
		// dot is that address (found by fuzzing).
		{"198.51.100.77", "ip"},
		{"example.org", "exact"},
		{"EXAMPLE.ORG", "exact"},
		{"example.org.", "exact"},
		{" example.org ", "exact"},
		{"www.example.org", "registered domain"},
		{"deep.sub.example.org", "registered domain"},
		{"example.org:443", "exact"},
		{"notexample.org", ""},
		{"example.org.evil.com", ""},
		{"org", ""},
		// indicator a.example.net matches its subdomains (MVT does not).
		{"a.example.net", "exact"},
		{"x.a.example.net", "parent domain"},
		{"y.x.a.example.net", "parent domain"},
		{"example.net", ""},
		{"b.example.net", ""},
		// IDNA: Unicode and punycode spellings are one host.
		{"telegrɑm.com", "exact"},
		{"XN--TELEGRM-QBD.COM", "exact"},
		{"www.telegrɑm.com", "registered domain"},
		{"xn--bcher-kva.example", "exact"},
		{"BÜCHER.example", "exact"},
		{"telegram.com", ""},
		// A public suffix as indicator matches only itself, never its
		// customers; a customer's name matches normally.
		{"zapto.org", "exact"},
		{"other.zapto.org", ""},
		{"researchplanet.zapto.org", "exact"},
		{"x.researchplanet.zapto.org", "registered domain"},
		// IP literals match IP indicators whichever field held them.
		{"198.51.100.1", "ip"},
		{"203.0.113.9", "ip"},
		{"[2001:db8:0:0::1]", "ip"},
		{"[2001:db8::1]:8443", "ip"},
		{"::ffff:198.51.100.1", "ip"},
		{"192.0.2.77", "ip network"},
		{"198.51.100.2", ""},
		{"1password.com", ""},
		{"", ""},
		{".", ""},
	})
}

func TestCheckURLRules(t *testing.T) {
	x := testIndex(t, "urls", "HTTPS://Evil.Example:443/Path?q=1", "urls", "http://bücher.example/a",
		"domains", "bad.example", "ips", "198.51.100.1")
	runMatchCases(t, x.CheckURL, []matchCase{
		{"https://evil.example/Path?q=1", "exact url"},
		{"HTTPS://EVIL.EXAMPLE./Path?q=1", "exact url"},
		{"https://evil.example:443/Path?q=1", "exact url"},
		{"https://evil.example/path?q=1", ""}, // path case matters
		{"https://evil.example/Path?q=2", ""},
		{"http://xn--bcher-kva.example/a", "exact url"},
		// The host of a URL indicator is not a domain indicator.
		{"https://evil.example/", ""},
		{"https://bad.example/x", "exact"},
		{"HTTPS://user:pw@WWW.BAD.EXAMPLE:8080/x?y#z", "registered domain"},
		{"bad.example", "exact"},
		{"bad.example/path", "exact"},
		{"bad.example:8080", "exact"},
		{"//bad.example/x", "exact"},
		{"https://bad.example\\@good.example/", "exact"},
		{"https://good.example/?u=https://bad.example/", ""},
		{"https://%62ad.example/", "exact"},
		{"ftp://198.51.100.1/", "ip"},
		{"http://[::ffff:198.51.100.1]/", "ip"},
		{"mailto:someone@bad.example", "exact"},
		{"https://", ""},
		{"", ""},
	})
}

func TestCheckProcessRules(t *testing.T) {
	x := testIndex(t, "processes", "bh", "processes", "com.apple.Mappit.SnapshotService", "processes", "roleaccountd")
	runMatchCases(t, x.CheckProcess, []matchCase{
		{"bh", "exact"},
		{"/usr/libexec/bh", "exact"},
		{"BH", ""}, // case-sensitive, like the kernel
		{"bhx", ""},
		{"xbh", ""},
		{"com.apple.Mappit.SnapshotService", "exact"},
		{"com.apple.Mappi", "truncated name"},  // 15 (Linux)
		{"com.apple.Mappit", "truncated name"}, // 16 (iOS)
		{"com.apple.Mapp", ""},                 // 14: too short to be a truncation
		{"com.apple.MappiX", ""},
		{"roleaccountd", "exact"},
		{"", ""},
	})
	runMatchCases(t, x.CheckFilePathProcess, []matchCase{
		{"/private/var/db/bh/x", "path component"},
		{"/private/var/db/roleaccountd", "path component"},
		{"/private/var/db/bhx/roleaccountd.plist", ""},
	})
}

func TestCheckFileRules(t *testing.T) {
	x := testIndex(t, "file_paths", "/private/var/tmp/x", "file_paths", "/data/local/tmp/wd/",
		"file_paths", "Library/Preferences/com.apple.photolibraryd.plist", "file_names", "pe_main.js", "file_names", "/var/foobar/txt")
	runMatchCases(t, x.CheckFilePath, []matchCase{
		{"/private/var/tmp/x", "exact path"},
		{"/private/var/tmp/x/", "exact path"},
		{"/private/var/tmp/x/y", "path prefix"},
		{"/private/var/tmp/x/y/z", "path prefix"},
		{"/private/var/tmp/xy", ""},
		{"/private/var/tmp", ""},
		{"/data/local/tmp/wd", "exact path"},
		{"/data/local/tmp/wd/fs.db", "path prefix"},
		{"/private/var/mobile/Library/Preferences/com.apple.photolibraryd.plist", "relative path"},
		{"Library/Preferences/com.apple.photolibraryd.plist", "exact path"},
		{"/x/MyLibrary/Preferences/com.apple.photolibraryd.plist", ""},
		{"/a/b/pe_main.js", "exact"},
		{"/var/foobar/txt", "exact"},
		{"/", ""},
	})
	runMatchCases(t, x.CheckFileName, []matchCase{
		{"pe_main.js", "exact"},
		{"/tmp/pe_main.js", "exact"},
		{"PE_MAIN.JS", ""},
		{"pe_main.json", ""},
	})
}

func TestCheckEqualityRules(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	x := testIndex(t, "emails", "Foobar@Example.org", "app_ids", "com.Evil.App", "android_property_names", "sys.foobar",
		"ios_profile_ids", "76DAB334-7E17-475D-A5D6-0794EB5818A5", "files_sha256", strings.ToUpper(sha),
		"files_md5", strings.Repeat("0", 32), "files_sha1", strings.Repeat("1", 40),
		"app_cert_hashes", "7F5C0D54A813BA9B87A91420CA2C3DE5E7948F09")
	tests := []struct {
		name  string
		check func(string) *Match
		cases []matchCase
	}{
		{"email", x.CheckEmail, []matchCase{{"foobar@example.org", "exact"}, {"FOOBAR@EXAMPLE.ORG", "exact"},
			{"Foo Bar <foobar@example.org>", "exact"}, {"mailto:foobar@example.org", "exact"}, {"bar@example.org", ""}, {"example.org", ""}}},
		{"app id", x.CheckAppID, []matchCase{{"com.evil.app", "exact"}, {"COM.EVIL.APP", "exact"}, {"com.evil.app2", ""}, {"com.evil", ""}}},
		{"property", x.CheckAndroidProperty, []matchCase{{"sys.foobar", "exact"}, {"SYS.FOOBAR", "exact"}, {"sys.foo", ""}}},
		{"profile", x.CheckProfile, []matchCase{{"76dab334-7e17-475d-a5d6-0794eb5818a5", "exact"}, {"76DAB334", ""}}},
		{"hash", x.CheckHash, []matchCase{{sha, "exact"}, {strings.ToUpper(sha), "exact"}, {strings.Repeat("0", 32), "exact"},
			{strings.Repeat("1", 40), "exact"}, {strings.Repeat("0", 40), ""}, {sha[:63], ""}, {"", ""}}},
		{"cert", x.CheckCertHash, []matchCase{{"7f5c0d54a813ba9b87a91420ca2c3de5e7948f09", "exact"},
			{"7F:5C:0D:54:A8:13:BA:9B:87:A9:14:20:CA:2C:3D:E5:E7:94:8F:09", "exact"}, {sha, ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { runMatchCases(t, tc.check, tc.cases) })
	}
}

func TestNilIndex(t *testing.T) {
	var x *Index
	for _, f := range []func(string) *Match{x.CheckURL, x.CheckDomain, x.CheckProcess, x.CheckEmail, x.CheckFileName,
		x.CheckFilePath, x.CheckFilePathProcess, x.CheckAppID, x.CheckAndroidProperty, x.CheckProfile, x.CheckHash, x.CheckCertHash} {
		if f("x") != nil {
			t.Error("nil index matched")
		}
	}
	if x.Len() != 0 || x.Files() != nil {
		t.Error("nil index not empty")
	}
	var m *Match
	if m.Indicator() != nil {
		t.Error("nil match has an indicator")
	}
}

func TestMatchIndicator(t *testing.T) {
	x, _ := loadTestFile(t, "test_indicators.stix2")
	got := x.CheckProcess("Launch").Indicator()
	if got.Value != "Launch" || got.Type != "processes" || got.Name != "TestMalware" || got.STIX2FileName != "test_indicators.stix2" {
		t.Errorf("%+v", got)
	}
}
