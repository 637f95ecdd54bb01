package lookalike

import (
	"strings"
	"testing"
)

func TestTechniques(t *testing.T) {
	c := New(DefaultBrands())
	cases := []struct {
		in    string
		brand string
		tech  Technique
		url   bool
	}{
		{"gооgle.com", "Google", Homoglyph, false},        // Cyrillic о
		{"xn--ggle-55da.com", "Google", Homoglyph, false}, // the same, in punycode
		{"аррle.com", "Apple", Homoglyph, false},          // all-Cyrillic "apple"
		{"goog1e.com", "Google", Homoglyph, false},        // digit one for l
		{"goolge.cm", "Google", Typosquat, false},         // transposition + TLD
		{"gogle.com", "Google", Typosquat, false},         // omission
		{"gooogle.com", "Google", Typosquat, false},       // repetition
		{"googlle.com", "Google", Typosquat, false},       // repetition
		{"goigle.com", "Google", Typosquat, false},        // vowel swap
		{"foogle.com", "", "", false},                     // first letter differs on a 6-letter word
		{"googme.com", "Google", Typosquat, false},        // replacement
		{"faceboo.com", "Facebook", Typosquat, false},     // omission
		{"linkedim.com", "LinkedIn", Typosquat, false},    // replacement
		{"dropbax.com", "Dropbox", Typosquat, false},      // vowel swap
		{"whatsaap.com", "WhatsApp", Typosquat, false},    // replacement
		{"telegarm.org", "Telegram", Typosquat, false},    // transposition
		{"microsoft.xyz", "Microsoft", TLDSwap, false},    // TLD swap
		{"yahoo.llc", "Yahoo", TLDSwap, false},
		{"accounts.google.com.security-check.xyz", "Google", BrandSubdomain, false},
		{"login.microsoftonline.com.verify.top", "Microsoft", BrandSubdomain, false},
		{"google-verify.site", "Google", BrandInName, false},
		{"accountsgoog1e.com", "Google", BrandInName, false},
		{"secure-icloud-login.net", "Apple", BrandInName, false},
		{"https://google.com@evil.example/login", "Google", UserInfoTrick, true},
		{"http://accounts.google.com:x@10.0.0.1/", "Google", UserInfoTrick, true},
		{"HTTPS://Accounts.Google.Com.Evil.XYZ/path?q=1", "Google", BrandSubdomain, true},
		{"https://g%6F%6Flge.com/", "Google", Typosquat, true},
		// never look-alikes: the brand's own and country variants
		{"google.com.br", "", "", false},
		{"googleusercontent.com", "", "", false},
		{"login.microsoftonline.com", "", "", false},
		{"https://accounts.google.com/signin", "", "", true},
		{"https://www.google.co.uk/", "", "", true},
		{"mailto:someone@google.com.evil.xyz", "", "", true},
		{"https://192.168.1.1/", "", "", true},
		{"", "", "", false},
	}
	for _, tc := range cases {
		var f *Finding
		if tc.url {
			f = c.CheckURL(tc.in)
		} else {
			f = c.CheckHost(tc.in)
		}
		if tc.brand == "" {
			if f != nil {
				t.Errorf("%q: unexpected finding %+v", tc.in, f)
			}
			continue
		}
		if f == nil {
			t.Errorf("%q: no finding, want %s by %s", tc.in, tc.brand, tc.tech)
			continue
		}
		if f.Brand != tc.brand || f.Technique != tc.tech {
			t.Errorf("%q: got %s/%s, want %s/%s (%s)", tc.in, f.Brand, f.Technique, tc.brand, tc.tech, f.Sentence)
		}
		if !strings.Contains(f.Sentence, tc.brand) && f.Technique != UserInfoTrick {
			t.Errorf("%q: sentence does not name the brand: %s", tc.in, f.Sentence)
		}
	}
}

func TestTypoKinds(t *testing.T) {
	for _, tc := range []struct{ s, want, kind string }{
		{"goolge", "google", "transposition"},
		{"gogle", "google", "omission"},
		{"googlle", "google", "repetition"},
		{"googlxe", "google", "insertion"},
		{"guogle", "google", "vowel swap"},
		{"coogle", "google", "bitsquatting"}, // c=0x63, g=0x67: one bit
		{"gxogle", "google", "replacement"},
		{"google", "google", ""},
		{"gxxgle", "google", ""},
	} {
		if got := typoKind(tc.s, tc.want); got != tc.kind {
			t.Errorf("typoKind(%q, %q) = %q, want %q", tc.s, tc.want, got, tc.kind)
		}
	}
}

func TestMixedScripts(t *testing.T) {
	c := New(DefaultBrands())
	f := c.CheckHost("pаypal-секрет.com") // Latin and Cyrillic, no brand of the list
	if f == nil || f.Technique != MixedScripts {
		t.Fatalf("mixed Latin/Cyrillic label not flagged: %+v", f)
	}
	if c.CheckHost("日本語abc.jp") != nil {
		t.Error("Latin with Han is ordinary and must not be flagged")
	}
}

func TestLinkText(t *testing.T) {
	c := New(DefaultBrands())
	f := c.CheckLinkText("https://accounts.google.com", "https://evil.example/x")
	if f == nil || f.Technique != LinkTextMismatch || f.Brand != "Google" {
		t.Fatalf("link text naming another host not flagged: %+v", f)
	}
	for _, ok := range [][2]string{
		{"accounts.google.com", "https://accounts.google.com/x"},
		{"Click here", "https://evil.example/"},
		{"report.pdf", "https://evil.example/"},
		{"www.amnesty.org", "https://amnesty.org/en"},
	} {
		if f := c.CheckLinkText(ok[0], ok[1]); f != nil {
			t.Errorf("%q -> %q: unexpected %+v", ok[0], ok[1], f)
		}
	}
}

func TestProtect(t *testing.T) {
	p, err := ProtectedBrand("amnesty.org")
	if err != nil {
		t.Fatal(err)
	}
	c := New(append(DefaultBrands(), p))
	for _, d := range []string{"amnesty-secure.org", "amensty.org", "amnesty.org.login.xyz", "аmnesty.org"} {
		if f := c.CheckHost(d); f == nil || f.Brand != "amnesty.org" {
			t.Errorf("%s: want a look-alike of amnesty.org, got %+v", d, f)
		}
	}
	if f := c.CheckHost("securitylab.amnesty.org"); f != nil {
		t.Errorf("the protected domain itself flagged: %+v", f)
	}
	if _, err := ProtectedBrand("not a domain"); err == nil {
		t.Error("ProtectedBrand accepted a non-domain")
	}
}

func TestParseBrands(t *testing.T) {
	b, err := ParseBrands(strings.NewReader(`{"brands":[{"name":"Acme Bank","domains":["acmebank.example"],"names":["acmebank"]}]}`))
	if err != nil || len(b) != 1 {
		t.Fatalf("ParseBrands: %v %v", b, err)
	}
	c := New(append(DefaultBrands(), b...))
	if f := c.CheckHost("acmebank-login.com"); f == nil || f.Brand != "Acme Bank" {
		t.Errorf("user brand not used: %+v", f)
	}
	if _, err := ParseBrands(strings.NewReader(`{"brands":[{"name":"x"}]}`)); err == nil {
		t.Error("a brand without domains was accepted")
	}
}

// The host cache gives the same answers as the first check, whatever the caller does with them,
// and stays bounded.
func TestHostCache(t *testing.T) {
	c := New(DefaultBrands())
	f1 := c.CheckURL("https://goolge.cm/a")
	f1.Brand = "changed"
	f2 := c.CheckURL("https://goolge.cm/b")
	if f2 == nil || f2.Brand != "Google" {
		t.Fatalf("cached answer changed: %+v", f2)
	}
	if c.CheckURL("https://www.amnesty.org/") != nil || c.CheckURL("https://www.amnesty.org/x") != nil {
		t.Error("a clean host became a look-alike through the cache")
	}
	// user@host is never answered from the cache of the bare host.
	if f := c.CheckURL("https://google.com@www.amnesty.org/"); f == nil || f.Technique != UserInfoTrick {
		t.Errorf("user@host answered from the cache: %+v", f)
	}
	for i := 0; i < 3*cacheSize; i++ {
		c.CheckURL("https://h" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + ".example/")
		c.cache.put(strings.Repeat("y", 1+i%200)+string(rune(i)), nil)
	}
	if n := len(c.cache.m); n > cacheSize {
		t.Errorf("cache holds %d hosts, bound is %d", n, cacheSize)
	}
}
