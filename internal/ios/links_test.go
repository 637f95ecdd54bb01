package ios

import (
	"reflect"
	"strings"
	"testing"
)

func TestFindLinks(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"no links here", nil},
		{"Please click here https://badbadbad.example.org/", []string{"https://badbadbad.example.org/"}},
		{"a http://x.test/a\tHTTPS://Y.test/b\nhttp://", []string{"http://x.test/a", "HTTPS://Y.test/b"}},
		{"httpx://no http:/no https://ok.test", []string{"https://ok.test"}},
		{"(https://in.paren/x)", []string{"https://in.paren/x)"}}, // MVT's regex keeps trailing punctuation
	} {
		if got := findLinks(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("findLinks(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzFindLinks(f *testing.F) {
	f.Add("Please click here https://badbadbad.example.org/")
	f.Add("HTTP://A hTtPs://b http://")
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range findLinks(s) {
			if !strings.Contains(s, l) || !strings.Contains(l, "://") || strings.ContainsAny(l, " \t\n") {
				t.Fatalf("bad link %q from %q", l, s)
			}
		}
	})
}
