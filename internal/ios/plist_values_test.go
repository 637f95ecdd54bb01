package ios

import (
	"strings"
	"testing"
)

// Plists crafted to overflow the decoder's stack (fatal, not a panic) or
// to expand in memory are refused before decoding; real shapes are not.
func TestDecodeEvidencePlist(t *testing.T) {
	nest := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	deep := maxTextPlistDepth + 1
	for _, tc := range []struct {
		name, doc string
		ok        bool
	}{
		{"XML nested 100 deep", "<plist>" + nest("<array>", "</array>", 100) + "</plist>", true},
		{"XML nested too deep", "<plist>" + nest("<array>", "</array>", deep) + "</plist>", false},
		{"XML namespaced elements", "<plist>" + nest("<x:array>", "</x:array>", deep) + "</plist>", false},
		// A comment holding a closing tag must not be taken for one.
		{"XML comment trick", "<plist>" + strings.Repeat("<array><!-- > </array> -->", deep) + "</plist>", false},
		// Brackets inside XML strings are text, not nesting.
		{"XML strings full of brackets", "<plist><array><string>" + strings.Repeat("({", deep) + "</string></array></plist>", true},
		{"XML too many values", "<plist><array>" + strings.Repeat("<true/>", maxPlistNodes+1) + "</array></plist>", false},
		{"text nested 50 deep", nest("(", ")", 50), true},
		{"text nested too deep", nest("(", ")", deep), false},
		{"text dicts nested too deep", strings.Repeat(`{a=`, deep) + "b" + strings.Repeat(";}", deep), false},
		// Quotes and comments cannot hide brackets from the count.
		{"text quote trick", strings.Repeat(`(")"`, deep), false},
		{"text behind an unknown XML element", "<abab>" + nest("(", ")", deep), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			err := decodeEvidencePlist([]byte(tc.doc), &v)
			if tc.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "malformed plist")) {
				t.Errorf("err = %v, want a refusal", err)
			}
		})
	}
}

// A module given such a plist fails naming the file; the process lives.
func TestLocationdClientsDeepPlist(t *testing.T) {
	doc := "<plist><dict><key>a:</key>" + strings.Repeat("<array>", 3_000_000) + "</dict></plist>"
	bk := backupC1(t, backupFileC1{"RootDomain", locationdRel, []byte(doc)})
	if _, err := runA(t, NewLocationdClients(), bk, nil); err == nil || !strings.Contains(err.Error(), "clients.plist") {
		t.Errorf("err = %v", err)
	}
}
