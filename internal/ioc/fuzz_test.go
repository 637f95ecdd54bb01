package ioc

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{
		"[domain-name:value='example.org']", "[url:value = 'http://x/?a=b=c']", "[file:hashes.'SHA-256'='aa']",
		`[file:name='it\'s']`, "[a:b='1' OR c:d='2'] OR ([e:f='3'] AND [g:h='4']) WITHIN 5 SECONDS",
		"[a:b IN ('x','y')]", "[a:b NOT LIKE 'x']", "[ipv4-addr:value ISSUBSET '10.0.0.0/8']", "((([a:b='c'])))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cmps, _, err := parsePattern(s)
		if c, ok := simplePattern(s); ok {
			// The fast path must agree with the full parser.
			p := &patternParser{s: s}
			n, err := p.observationOr(0)
			if err != nil {
				t.Fatalf("fast path accepted %q, parser says %v", s, err)
			}
			var full []comparison
			var why []string
			flatten(n, &full, &why)
			if len(full) != 1 || full[0] != c || len(why) != 0 {
				t.Fatalf("%q: fast %+v, full %+v %v", s, c, full, why)
			}
		}
		if err != nil && len(cmps) > 0 {
			t.Fatalf("comparisons with an error")
		}
	})
}

func FuzzDecodeBundle(f *testing.F) {
	for _, name := range []string{"testdata/test_indicators.stix2"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"objects":[{"type":"indicator","id":"\ud83d\ude00","pattern":"[a:b='\u0041']","object_refs":["x",1,null]}],"x":[{"a":[1,2,{"b":"]"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := decodeBundle(data)
		if err != nil && len(objs) > 0 {
			t.Fatal("objects with an error")
		}
		// Valid JSON with a top-level "objects" array we must read.
		if err != nil && json.Valid(data) && validBundleShape(data) {
			t.Fatalf("valid JSON bundle rejected: %v", err)
		}
	})
}

// validBundleShape reports a top-level object whose "objects" member is
// an array of objects, by encoding/json.
func validBundleShape(data []byte) bool {
	var b struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if json.Unmarshal(data, &b) != nil || b.Objects == nil {
		return false
	}
	for _, o := range b.Objects {
		if len(o) == 0 || o[0] != '{' {
			return false
		}
	}
	return bytes.Contains(data, []byte(`"objects"`))
}

// FuzzLoad feeds arbitrary bytes to every loader and checks that what was
// indexed can be found again by the matching Check method.
func FuzzLoad(f *testing.F) {
	data, _ := os.ReadFile("testdata/test_indicators.stix2")
	f.Add(byte(0), data)
	f.Add(byte(1), []byte("SHA256,Package Name,Certificate,Version,App\n"+strings.Repeat("a", 64)+",x,"+strings.Repeat("B", 40)+",1,Spy\n"))
	f.Add(byte(2), []byte("- name: X\n  names: [Y]\n  packages: [com.x]\n  c2:\n    ips: [1.2.3.4]\n    domain: x.example\n"))
	f.Add(byte(3), []byte("evil.example\n# c\nxn--bcher-kva.example\n"))
	f.Fuzz(func(t *testing.T, kind byte, data []byte) {
		x := NewIndex()
		switch kind % 4 {
		case 0:
			x.loadSTIX("f.stix2", data, "")
		case 1:
			x.loadSamplesCSV("samples.csv", data, "", nil)
		case 2:
			x.loadEchapYAML("ioc.yaml", data, "")
		case 3:
			x.loadTextList("d/domains.txt", data, "", Domains, "C")
		}
		checks := map[Type]func(string) *Match{
			Domains: x.CheckDomain, IPs: x.CheckDomain, URLs: x.CheckURL, FilesSHA256: x.CheckHash,
			FilesSHA1: x.CheckHash, FilesMD5: x.CheckHash, AppCertHashes: x.CheckCertHash, AppIDs: x.CheckAppID,
			FilePaths: x.CheckFilePath, FileNames: x.CheckFileName, AndroidPropertyNames: x.CheckAndroidProperty,
		}
		for typ, check := range checks {
			for _, e := range x.Entries(typ) {
				if typ == IPs && strings.Contains(e.Value, "/") {
					continue
				}
				if check(e.Value) == nil {
					t.Fatalf("%s %q indexed but not found", typ, e.Value)
				}
			}
		}
	})
}

// FuzzHost checks that host normalisation agrees between indicators and
// lookups: a domain indicator is found by itself, as a URL host, and from
// its subdomains.
func FuzzHost(f *testing.F) {
	for _, s := range []string{"example.org", "EXAMPLE.org.", "telegrɑm.com", "xn--telegrm-qbd.com", "a_b.example", "198.51.100.1", "[2001:db8::1]", "ｅｘａｍｐｌｅ.org"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x := NewIndex()
		fl, _ := x.newFileLoad("f", []byte(s), "", "stix2")
		fl.addValue(Domains, s, "", "", []string{"C"})
		x.CheckURL(s)
		x.CheckEmail(s)
		x.CheckFilePath(s)
		x.CheckProcess(s)
		ExtractURLs(s)
		es := x.Entries(Domains)
		if len(es) == 0 {
			return
		}
		v := es[0].Value
		qs := []string{v, "http://" + v + "/p", "https://user@" + v + ":8080/?q"}
		if !x.exactOnly[v] { // public suffixes (and one-label names) match only themselves
			qs = append(qs, s, "www."+v, "a.b."+v)
		} else if !strings.HasPrefix(strings.TrimSpace(s), "*.") {
			// "*.0" or "*.co.uk" names every subdomain of a suffix: indexed
			// as the suffix alone, so the wildcard text does not match it
			// (found by fuzzing; a feed entry must not flag a whole TLD).
			qs = append(qs, s)
		}
		for _, q := range qs {
			if x.CheckURL(q) == nil {
				t.Fatalf("indicator %q (from %q) not found in %q", v, s, q)
			}
		}
	})
}

func FuzzExtractURLs(f *testing.F) {
	for _, s := range []string{"see https://a.example/x.", "www.example.org and evil.com/x?y", "http://a.comhttp://b.com", "(https://x.com/a_(b))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		all := ExtractURLs(s)
		for _, u := range all {
			if u == "" || !strings.Contains(s, u) {
				t.Fatalf("%q extracted from %q", u, s)
			}
		}
		// BareLinks is the scheme-less part of ExtractURLs, in order.
		var want []string
		for _, u := range all {
			if schemeEnd(u) == 0 {
				want = append(want, u)
			}
		}
		if got := BareLinks(s); !slices.Equal(got, want) {
			t.Fatalf("BareLinks(%q) = %q, want %q", s, got, want)
		}
	})
}
