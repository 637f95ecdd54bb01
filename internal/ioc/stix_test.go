package ioc

import (
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func loadTestFile(t *testing.T, name string) (*Index, FileInfo) {
	t.Helper()
	x := NewIndex()
	if err := x.LoadFile("testdata/" + name); err != nil {
		t.Fatal(err)
	}
	if len(x.Files()) != 1 {
		t.Fatalf("files = %d", len(x.Files()))
	}
	return x, x.Files()[0]
}

// TestMVTIndicatorCounts reproduces tests/common/test_indicators.py
// (EXPECTED.md): 9 / 343 / 69 indicators with their per-type counts.
func TestMVTIndicatorCounts(t *testing.T) {
	tests := []struct {
		file        string
		collections []string
		total       int
		counts      map[Type]int
	}{
		// MVT: domains 2. We file the ipv4-addr indicator 198.51.100.1
		// under "ips" (deliberate: IPs are matched as addresses), so
		// domains 1 + ips 1 = MVT's 2.
		{"test_indicators.stix2", []string{"TestMalware"}, 9, map[Type]int{
			Domains: 1, IPs: 1, Emails: 1, FileNames: 1, Processes: 1,
			AndroidPropertyNames: 1, FilesSHA256: 1, FilesSHA1: 1, URLs: 1}},
		{"cytrox.stix2", []string{"Predator"}, 343, map[Type]int{Domains: 336, FilePaths: 6, IOSProfileIDs: 1}},
		{"638cd3ee5e5f019f84f9e0ea.json", []string{"Pegasus Forensic Traces per Target Identified in the Aftermath of the Pegasus Project Revelations - Amnesty International"},
			69, map[Type]int{Domains: 15, URLs: 54}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			x, fi := loadTestFile(t, tc.file)
			if fi.Indicators != tc.total {
				t.Errorf("indicators = %d, want %d", fi.Indicators, tc.total)
			}
			if d := cmp.Diff(tc.counts, fi.Counts); d != "" {
				t.Errorf("counts (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.collections, fi.Collections); d != "" {
				t.Errorf("collections (-want +got):\n%s", d)
			}
			if len(x.Unsupported()) != 0 || len(x.Warnings()) != 0 {
				t.Errorf("unexpected problems: %v %v", x.Unsupported(), x.Warnings())
			}
		})
	}
}

// TestEmbeddedFeeds loads the real feeds: all 17 STIX files with their
// 10,759 indicator objects, and checks the data-quality cases of
// STIX-SUBSET.md §3.4.
func TestEmbeddedFeeds(t *testing.T) {
	x := NewIndex()
	if err := x.LoadEmbedded(); err != nil {
		t.Fatal(err)
	}
	stixFiles, objects := 0, 0
	byBase := map[string]FileInfo{}
	for _, f := range x.Files() {
		byBase[path.Base(f.Path)] = f
		if f.Format == "stix2" {
			stixFiles++
			objects += f.Objects
		}
		if !strings.HasPrefix(f.Path, EmbeddedPrefix) || len(f.SHA256) != 64 {
			t.Errorf("file info %+v", f)
		}
	}
	if stixFiles != 17 || objects != 10759 {
		t.Errorf("STIX files %d (want 17), indicator objects %d (want 10759)", stixFiles, objects)
	}
	if n := len(x.Unsupported()); n != 0 {
		t.Errorf("unsupported patterns in the real feeds: %v", x.Unsupported())
	}
	// Exactly two warnings: the dangling relationship of wintego_helios
	// and the domain with a path in coruna.
	var warn []string
	for _, w := range x.Warnings() {
		warn = append(warn, path.Base(w.File)+": "+w.Message)
	}
	wantWarn := []string{
		"wintego_helios.stix2: 1 relationship(s) refer to indicators that are not in the file (ignored)",
		"coruna.stix2: domain-name value has a path; indexed its host fgr1w2gnsdvsb.xyz",
	}
	if d := cmp.Diff(wantWarn, warn); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
	for base, want := range map[string]int{"pegasus.stix2": 1549, "cytrox.stix2": 343, "wintego_helios.stix2": 175, "stalkerware.stix2": 4876} {
		if got := byBase[base].Indicators; got != want {
			t.Errorf("%s: %d indicators, want %d", base, got, want)
		}
	}

	cases := []struct {
		check func(string) *Match
		value string
		colls []string
		typ   Type
	}{
		{x.CheckDomain, "weather4free.com", []string{"Pegasus"}, Domains},
		// IDN homoglyph in Pegasus, found from its Unicode spelling.
		{x.CheckDomain, "telegrɑm.com", []string{"Pegasus"}, Domains},
		// IP literal in novispy's domain-name patterns.
		{x.CheckURL, "http://176.223.111.131:443/x", []string{"NoviSpy"}, IPs},
		// One value, two stalkerware collections.
		{x.CheckAppID, "com.sc.spyier.v2", []string{"Cocospy", "Spyier"}, AppIDs},
		// coruna's "fgr1w2gnsdvsb.xyz/x".
		{x.CheckURL, "https://fgr1w2gnsdvsb.xyz/y", []string{"Coruna"}, Domains},
		// Amnesty phishing lists.
		{x.CheckDomain, "srf-goolge.site", []string{"Evolving phishing against journalists and HRDs in MENA (Amnesty, 2019)"}, Domains},
		{x.CheckEmail, "google.com@localhost", []string{"Evolving phishing against journalists and HRDs in MENA (Amnesty, 2019)"}, Emails},
		// Echap samples.csv: the app column "1TopSpy" is an alias of HelloSpy.
		{x.CheckHash, "2F3BC9EBE8C249F0416F5B0367F34B4B8F6AAA7D351DC5B4912FE2558491B6B7", []string{"HelloSpy"}, FilesSHA256},
		{x.CheckCertHash, "7f5c0d54a813ba9b87a91420ca2c3de5e7948f09", []string{"HelloSpy"}, AppCertHashes},
	}
	for _, c := range cases {
		m := c.check(c.value)
		if m == nil {
			t.Errorf("%s: no match", c.value)
			continue
		}
		if m.Type != c.typ {
			t.Errorf("%s: type %s, want %s", c.value, m.Type, c.typ)
		}
		if c.colls != nil {
			got := m.Collections()
			for _, want := range c.colls {
				if !contains(got, want) {
					t.Errorf("%s: collections %v lack %q", c.value, got, want)
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestEmbeddedMatchesSource guards the snapshot: every embedded file is
// the byte-for-byte copy documented in feeds/SOURCE.md.
func TestEmbeddedMatchesSource(t *testing.T) {
	src, err := fs.ReadFile(EmbeddedFeeds(), "SOURCE.md")
	if err != nil {
		t.Fatal(err)
	}
	x := NewIndex()
	if err := x.LoadEmbedded(); err != nil {
		t.Fatal(err)
	}
	for _, f := range x.Files() {
		if !strings.Contains(string(src), f.SHA256[:16]) {
			t.Errorf("%s: sha256 %s… not listed in SOURCE.md", f.Path, f.SHA256[:16])
		}
	}
	if _, err := fs.ReadFile(EmbeddedFeeds(), "LICENCE.md"); err != nil {
		t.Error("LICENCE.md missing from the embedded feeds")
	}
}

func TestLoadTolerance(t *testing.T) {
	bundle := `{"type":"bundle","objects":[
	 {"type":"malware","id":"malware--1","name":"A"},
	 {"type":"malware","id":"malware--2","name":"B"},
	 {"type":"indicator","id":"indicator--1","pattern":"[domain-name:value='Dup.Example.']","pattern_type":"stix"},
	 {"type":"indicator","id":"indicator--1","pattern":"[domain-name:value='Dup.Example.']","pattern_type":"stix"},
	 {"type":"relationship","id":"relationship--1","source_ref":"indicator--1","target_ref":"malware--1"},
	 {"type":"relationship","id":"relationship--2","source_ref":"indicator--1","target_ref":"malware--2"},
	 {"type":"relationship","id":"relationship--3","source_ref":"indicator--404","target_ref":"malware--2"},
	 {"type":"indicator","id":"indicator--2","pattern":"[file:hashes.'SHA-256'='AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']"},
	 {"type":"indicator","id":"indicator--3","pattern":"[domain-name:value='46.183.184.91summerartcamp.net']"},
	 {"type":"indicator","id":"indicator--4","pattern":"[file:hashes.sha256='abc']"},
	 {"type":"indicator","id":"indicator--5","pattern":"[domain-name:value='a.com' AND domain-name:value='b.com']"},
	 {"type":"indicator","id":"indicator--6","pattern":"[url:value = 'http://x.example/?a=b=c'] OR [ipv6-addr:value='2001:DB8::1']"},
	 {"type":"indicator","id":"indicator--7","pattern":"[x-custom:thing='q']"},
	 {"type":"indicator","id":"indicator--8","pattern":"[domain-name:value='broken"},
	 {"type":"identity","id":"identity--1","name":"ignored"},
	 {"type":"indicator","id":"indicator--9","pattern":"[domain-name:value='y.example']","pattern_type":"sigma"}
	]}`
	x := NewIndex()
	if err := x.Load("t.stix2", strings.NewReader(bundle)); err != nil {
		t.Fatal(err)
	}
	m := x.CheckDomain("dup.example")
	if m == nil || !cmp.Equal(m.Collections(), []string{"A", "B"}) {
		t.Fatalf("dup.example: %+v", m)
	}
	if m := x.CheckHash(strings.Repeat("a", 64)); m == nil || m.Collection != DefaultCollection {
		t.Errorf("orphan sha256: %+v", m)
	}
	if m := x.CheckURL("HTTP://X.EXAMPLE/?a=b=c"); m == nil || m.Type != URLs {
		t.Errorf("url with '=': %+v", m)
	}
	if m := x.CheckDomain("[2001:db8:0::1]"); m == nil || m.Type != IPs {
		t.Errorf("ipv6: %+v", m)
	}
	if x.CheckDomain("summerartcamp.net") != nil || x.CheckDomain("a.com") != nil || x.CheckDomain("y.example") != nil {
		t.Error("a rejected or unsupported value matched")
	}
	got := map[string]string{}
	for _, u := range x.Unsupported() {
		got[u.ID] = u.Message
	}
	want := map[string]string{
		"indicator--5": "AND between comparisons is not supported",
		"indicator--7": "object path x-custom:thing is not supported",
		"indicator--8": "pattern syntax error at offset 26: unterminated string",
		"indicator--9": "pattern_type sigma is not supported",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("unsupported (-want +got):\n%s", d)
	}
	var warns []string
	for _, w := range x.Warnings() {
		warns = append(warns, w.ID+" "+w.Message)
	}
	wantWarns := []string{
		`indicator--3 rejected domains value "46.183.184.91summerartcamp.net": looks like an IP address and a domain joined together (a lost line break)`,
		`indicator--4 rejected files_sha256 value "abc": files_sha256 must have 64 hex digits, not 3`,
		" 1 relationship(s) refer to indicators that are not in the file (ignored)",
	}
	if d := cmp.Diff(wantWarns, warns); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
}

func TestLoadRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "[]", "{", `{"objects":[{"type":"indicator",}]}`, "\x00\x01", `{"objects":[1,2]`} {
		x := NewIndex()
		if err := x.Load("bad.json", strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if err := NewIndex().LoadFile("testdata/does-not-exist.stix2"); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing file: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
