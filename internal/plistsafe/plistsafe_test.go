package plistsafe

import (
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/plistsafe/plisttest"
)

// Plists crafted to overflow the decoder's stack (fatal, not a panic) or
// to expand in memory are refused before decoding; real shapes are not.
func TestUnmarshalRefusesHostileShapes(t *testing.T) {
	nest := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	deep := MaxDepth + 1
	for _, tc := range []struct {
		name, doc string
		ok        bool
	}{
		{"XML nested 100 deep", "<plist>" + nest("<array>", "</array>", 100) + "</plist>", true},
		{"XML nested too deep", "<plist>" + nest("<array>", "</array>", deep) + "</plist>", false},
		{"XML nested a million deep", string(plisttest.DeepXML("k", 1_000_000)), false},
		{"XML namespaced elements", "<plist>" + nest("<x:array>", "</x:array>", deep) + "</plist>", false},
		// A comment holding a closing tag must not be taken for one.
		{"XML comment trick", "<plist>" + strings.Repeat("<array><!-- > </array> -->", deep) + "</plist>", false},
		// Brackets inside XML strings are text, not nesting.
		{"XML strings full of brackets", "<plist><array><string>" + strings.Repeat("({", MaxTextBrackets+1) + "</string></array></plist>", true},
		{"XML too many values", "<plist><array>" + strings.Repeat("<true/>", MaxValues+1) + "</array></plist>", false},
		{"text nested 50 deep", nest("(", ")", 50), true},
		{"text nested too deep", nest("(", ")", MaxTextBrackets+1), false},
		{"text dicts nested too deep", strings.Repeat(`{a=`, MaxTextBrackets+1) + "b" + strings.Repeat(";}", MaxTextBrackets+1), false},
		// Quotes and comments cannot hide brackets from the count.
		{"text quote trick", strings.Repeat(`(")"`, MaxTextBrackets+1), false},
		{"text behind an unknown XML element", "<abab>" + nest("(", ")", MaxTextBrackets+1), false},
		{"binary nested 100 deep", string(plisttest.DeepBinary("k", 100)), true},
		{"binary nested too deep", string(plisttest.DeepBinary("k", deep)), false},
		{"binary nested a million deep", string(plisttest.DeepBinary("k", 1_000_000)), false},
		{"binary chain walked in short pieces", string(plisttest.ChunkedChain("k", 5000, MaxDepth/2)), false},
		{"binary short chain in pieces", string(plisttest.ChunkedChain("k", 300, 100)), true},
		{"binary array holding itself", string(plisttest.SelfReferential("k")), false},
		{"binary truncated", string(plisttest.DeepBinary("k", 10)[:30]), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			err := Unmarshal([]byte(tc.doc), &v)
			if tc.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tc.ok && (err == nil || !strings.HasPrefix(err.Error(), "malformed plist")) {
				t.Errorf("err = %v, want a refusal", err)
			}
		})
	}
}

// The fixtures' builders make what they say: the library reads the
// shallow ones as nested arrays under the key.
func TestPlisttestShapes(t *testing.T) {
	for name, b := range map[string][]byte{
		"xml":     plisttest.DeepXML("Device Name", 3),
		"binary":  plisttest.DeepBinary("Device Name", 3),
		"chunked": plisttest.ChunkedChain("Device Name", 3, 1),
	} {
		var v map[string]any
		if err := Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a, ok := v["Device Name"].([]any)
		for range 2 {
			if !ok || len(a) != 1 {
				t.Fatalf("%s: %#v", name, v)
			}
			a, ok = a[0].([]any)
		}
		if !ok || len(a) != 0 {
			t.Fatalf("%s: innermost %#v", name, v)
		}
	}
}

// A real backup's plists decode as the library decodes them.
func TestUnmarshalRealPlist(t *testing.T) {
	in := map[string]any{"Device Name": "iPhone", "Applications": map[string]any{"a": []any{"b", int64(1)}}}
	for _, f := range []int{plist.XMLFormat, plist.BinaryFormat} {
		b, err := plist.Marshal(in, f)
		if err != nil {
			t.Fatal(err)
		}
		var got, want map[string]any
		if err := Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if _, err := plist.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if got["Device Name"] != "iPhone" || len(got) != len(want) {
			t.Errorf("format %d: %v", f, got)
		}
	}
}
