package ioc

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePattern(t *testing.T) {
	c := func(obj, path, val string) comparison {
		return comparison{Object: obj, Path: path, Op: "=", Value: val}
	}
	tests := []struct {
		in   string
		want []comparison
		why  string
		err  bool
	}{
		{in: "[domain-name:value='example.org']", want: []comparison{c("domain-name", "value", "example.org")}},
		{in: "[url:value = 'http://x/?a=b&c=d']", want: []comparison{c("url", "value", "http://x/?a=b&c=d")}},
		{in: "  [ url:value   =   'x' ]  ", want: []comparison{c("url", "value", "x")}},
		{in: "[file:hashes.'SHA-256'='aa']", want: []comparison{c("file", "hashes.SHA-256", "aa")}},
		{in: "[file:hashes.SHA256='aa']", want: []comparison{c("file", "hashes.SHA256", "aa")}},
		{in: `[file:name='it\'s \\ here']`, want: []comparison{c("file", "name", `it's \ here`)}},
		{in: `[file:name='C:\temp']`, want: []comparison{c("file", "name", `C:\temp`)}},
		{in: `[email-addr:value="a@b.c"]`, want: []comparison{c("email-addr", "value", "a@b.c")}},
		{in: "[domain-name:value='a.com' OR domain-name:value='b.com']", want: []comparison{c("domain-name", "value", "a.com"), c("domain-name", "value", "b.com")}},
		{in: "[domain-name:value='a.com'] OR ([url:value='http://b/'] or [process:name='p'])", want: []comparison{
			c("domain-name", "value", "a.com"), c("url", "value", "http://b/"), c("process", "name", "p")}},
		{in: "[domain-name:value IN ('a.com', 'b.com')]", want: []comparison{c("domain-name", "value", "a.com"), c("domain-name", "value", "b.com")}},
		{in: "[ipv4-addr:value ISSUBSET '10.0.0.0/8']", want: []comparison{{Object: "ipv4-addr", Path: "value", Op: "ISSUBSET", Value: "10.0.0.0/8"}}},
		{in: "[network-traffic:extensions.'http-request-ext'.request_header[*].Host='x']", want: []comparison{c("network-traffic", "extensions.http-request-ext.request_header[*].Host", "x")}},
		// Unsupported parts are reported; sufficient disjuncts still load.
		{in: "[domain-name:value='a' AND domain-name:value='b']", why: "AND between comparisons is not supported"},
		{in: "[domain-name:value='a'] AND [domain-name:value='b']", why: "AND between observations is not supported"},
		{in: "[domain-name:value='a'] FOLLOWEDBY [domain-name:value='b']", why: "FOLLOWEDBY between observations is not supported"},
		{in: "[domain-name:value='a'] OR ([file:name='x'] AND [file:name='y'])", want: []comparison{c("domain-name", "value", "a")}, why: "AND between observations is not supported"},
		{in: "[domain-name:value='a'] WITHIN 300 SECONDS", why: "WITHIN qualifier is not supported"},
		{in: "[domain-name:value='a'] REPEATS 5 TIMES", why: "REPEATS qualifier is not supported"},
		{in: "[file:created='a'] START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'", why: "START/STOP qualifier is not supported"},
		{in: "[domain-name:value LIKE '%.com']", why: "operator LIKE is not supported"},
		{in: "[domain-name:value MATCHES '^a']", why: "operator MATCHES is not supported"},
		{in: "[domain-name:value != 'a']", why: "operator != is not supported"},
		{in: "[domain-name:value NOT = 'a']", why: "NOT = is not supported"},
		{in: "[file:size > 10]", why: "operator > is not supported"},
		{in: "[file:size = 10]", why: "number value is not supported"},
		{in: "[file:hashes.md5 = h'00ff']", why: "hex value is not supported"},
		// Syntax errors.
		{in: "", err: true},
		{in: "domain-name:value='a'", err: true},
		{in: "[domain-name:value='a'", err: true},
		{in: "[domain-name:value='a]", err: true},
		{in: "[domain-name='a']", err: true},
		{in: "[domain-name:value]", err: true},
		{in: "[domain-name:value='a'] junk", err: true},
		{in: "[a:b='c'] OR", err: true},
		{in: string(make([]byte, 200)), err: true},
	}
	for _, tc := range tests {
		got, why, err := parsePattern(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("%q: err = %v", tc.in, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%q (-want +got):\n%s", tc.in, d)
		}
		if why != tc.why {
			t.Errorf("%q: why = %q, want %q", tc.in, why, tc.why)
		}
	}
}

func TestParsePatternDeepNesting(t *testing.T) {
	deep := strings.Repeat("(", 10000)
	if _, _, err := parsePattern(deep + "[a:b='c']"); err == nil {
		t.Error("no error for 10000 nested parentheses")
	}
}

// TestHashKeySpellings mirrors MVT's 11 spelling variants of hash keys.
func TestHashKeySpellings(t *testing.T) {
	tests := []struct {
		path string
		want Type
	}{
		{"hashes.md5", FilesMD5}, {"hashes.MD5", FilesMD5}, {"hashes.'MD5'", FilesMD5},
		{"hashes.sha1", FilesSHA1}, {"hashes.SHA1", FilesSHA1}, {"hashes.'SHA-1'", FilesSHA1}, {"hashes.SHA-1", FilesSHA1},
		{"hashes.sha256", FilesSHA256}, {"hashes.SHA256", FilesSHA256}, {"hashes.'SHA-256'", FilesSHA256}, {"hashes.SHA-256", FilesSHA256},
	}
	for _, tc := range tests {
		cmps, why, err := parsePattern("[file:" + tc.path + "='00']")
		if err != nil || why != "" || len(cmps) != 1 {
			t.Fatalf("%s: %v %q %v", tc.path, cmps, why, err)
		}
		if got, ok := typeFor(cmps[0].Object, cmps[0].Path); !ok || got != tc.want {
			t.Errorf("%s: %s, want %s", tc.path, got, tc.want)
		}
	}
	for _, p := range []string{"app:cert.md5", "app:cert.SHA1", "app:cert.'SHA-256'"} {
		if got, _ := typeFor(p[:3], p[4:]); got != AppCertHashes {
			t.Errorf("%s: %s", p, got)
		}
	}
}
