package ioc

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// shortServer plays tinyurl.com → t.co → www.example.org (as in MVT's
// nested-redirect test) for a client that sends every request to it.
func shortServer(t *testing.T, routes map[string]string) (*http.Client, *[]string) {
	t.Helper()
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Host + r.URL.Path
		seen = append(seen, r.Method+" "+key)
		if r.Method != http.MethodHead {
			t.Errorf("method %s", r.Method)
		}
		if loc, ok := routes[key]; ok {
			if loc == "SLOW" {
				time.Sleep(300 * time.Millisecond)
				return
			}
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	c := srv.Client()
	base := c.Transport
	c.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Host = r.URL.Host
		r.URL.Scheme, r.URL.Host = "http", strings.TrimPrefix(srv.URL, "http://")
		return base.RoundTrip(r)
	})
	return c, &seen
}

func TestExpander(t *testing.T) {
	client, seen := shortServer(t, map[string]string{
		"tinyurl.com/abc":   "https://t.co/xyz",
		"t.co/xyz":          "https://www.example.org/landing",
		"bit.ly/loop":       "https://bit.ly/loop2",
		"bit.ly/loop2":      "https://bit.ly/loop",
		"is.gd/rel":         "/other",
		"ow.ly/slow":        "SLOW",
		"cutt.ly/deep1":     "https://cutt.ly/deep2",
		"cutt.ly/deep2":     "https://cutt.ly/deep3",
		"cutt.ly/deep3":     "https://example.net/",
		"www.example.org/x": "https://never.example/",
	})
	e := NewExpander(client).WithLimits(100*time.Millisecond, 2)
	x, _ := loadTestFile(t, "test_indicators.stix2")

	m, exp := x.CheckURLExpanded(context.Background(), e, "https://tinyurl.com/abc")
	if m == nil || m.Value != "example.org" {
		t.Fatalf("nested redirects: %+v", m)
	}
	if got := strings.Join(exp.Chain, " "); got != "https://t.co/xyz https://www.example.org/landing" || exp.Final() != "https://www.example.org/landing" {
		t.Errorf("chain %q", got)
	}
	tests := []struct {
		url, chain string
		err        bool
	}{
		{"https://bit.ly/loop", "https://bit.ly/loop2", false}, // loop stops
		{"https://is.gd/rel", "https://is.gd/other", false},    // relative Location
		{"https://ow.ly/slow", "", true},                       // timeout
		{"https://cutt.ly/deep1", "https://cutt.ly/deep2 https://cutt.ly/deep3", true},
		{"https://www.example.org/x", "", false}, // not a shortener: no request
		{"https://goo.gl/maps/abc", "", false},   // never expanded
	}
	for _, tc := range tests {
		exp := e.Expand(context.Background(), tc.url)
		if got := strings.Join(exp.Chain, " "); got != tc.chain || (exp.Err != nil) != tc.err {
			t.Errorf("%s: chain %q err %v", tc.url, got, exp.Err)
		}
	}
	for _, s := range *seen {
		if strings.Contains(s, "www.example.org") || strings.Contains(s, "goo.gl") {
			t.Errorf("unexpected request %s", s)
		}
	}
	// Without an expander (no --expand-urls) nothing is requested.
	n := len(*seen)
	if m, _ := x.CheckURLExpanded(context.Background(), nil, "https://tinyurl.com/abc"); m != nil || len(*seen) != n {
		t.Error("checked or requested without an expander")
	}
}

func TestIsShortener(t *testing.T) {
	e := NewExpander(nil)
	for u, want := range map[string]bool{
		"https://bit.ly/x": true, "HTTP://BIT.LY/x": true, "t.co/abc": true, "https://goo.gl/abc": true,
		"https://goo.gl/maps/abc": false, "https://notbit.ly/": false, "https://example.org/": false, "": false,
	} {
		if got := e.IsShortener(u); got != want {
			t.Errorf("%q: %v", u, got)
		}
	}
}
