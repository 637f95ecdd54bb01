package ioc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExtractURLs(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Hi this is a test message to https://google.com/", []string{"https://google.com/"}},
		{"Very suspicious MMS, click on this link http://google.com", []string{"http://google.com"}},
		{"see https://badbadbad.example.org/.", []string{"https://badbadbad.example.org/"}},
		{"(https://a.example/x) and HTTPS://B.EXAMPLE/y,", []string{"https://a.example/x", "HTTPS://B.EXAMPLE/y"}},
		{"https://en.wikipedia.org/wiki/Foo_(bar)", []string{"https://en.wikipedia.org/wiki/Foo_(bar)"}},
		{"go to www.telegrɑm.com now", nil}, // not LDH: not a bare link
		{"go to www.example.org/path now", []string{"www.example.org/path"}},
		{"visit evil.com or evil.com/x?y=1.", []string{"evil.com", "evil.com/x?y=1"}},
		{"accountsgoog1e.com:8080/login", []string{"accountsgoog1e.com:8080/login"}},
		{"e.g. file.txt and v1.2 and 10.0.0.1 and foo@evil.com", nil},
		{"http://a.comhttp://b.com", []string{"http://a.com", "http://b.com"}},
		{"text:https://x.com/a", []string{"https://x.com/a"}},
		{"http:// nothing", nil},
		{"", nil},
	}
	for _, tc := range tests {
		if d := cmp.Diff(tc.want, ExtractURLs(tc.text)); d != "" {
			t.Errorf("%q (-want +got):\n%s", tc.text, d)
		}
	}
}

func TestBareLinks(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Your parcel is waiting: evil.com/track?id=7 (reply STOP)", []string{"evil.com/track?id=7"}},
		{"see https://evil.com/x and www.example.org.", []string{"www.example.org"}}, // the http link is MVT's
		{"Ok. See you at 5.30, bring v1.2 and file.txt", nil},
		{"write to foo@evil.com", nil},
		{"no dot at all", nil},
		{"", nil},
	}
	for _, tc := range tests {
		if d := cmp.Diff(tc.want, BareLinks(tc.text)); d != "" {
			t.Errorf("%q (-want +got):\n%s", tc.text, d)
		}
	}
}
