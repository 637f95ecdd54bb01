package ioc

import (
	"net"
	"net/url"
	"strings"
)

// normaliseHost lowercases a host, drops a port and a trailing dot.
func normaliseHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.Trim(h, "[]")
	return strings.TrimSuffix(h, ".")
}

// CheckDomain matches a host name or IP: the host itself, then each parent
// domain (indicator a.example.org matches x.a.example.org).
func (x *Index) CheckDomain(host string) *Match {
	if x == nil {
		return nil
	}
	h := normaliseHost(host)
	if h == "" {
		return nil
	}
	if m := x.lookup(Domains, h, "exact"); m != nil {
		return m
	}
	for i := strings.IndexByte(h, '.'); i >= 0; i = strings.IndexByte(h, '.') {
		h = h[i+1:]
		if !strings.Contains(h, ".") {
			break
		}
		if m := x.lookup(Domains, h, "parent domain"); m != nil {
			return m
		}
	}
	return nil
}

// CheckURL matches a URL: exactly against URL indicators, then its host by
// the CheckDomain rules. A string without a scheme is read as a host.
func (x *Index) CheckURL(raw string) *Match {
	if x == nil {
		return nil
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	if m := x.lookup(URLs, raw, "exact"); m != nil {
		return m
	}
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil
	}
	return x.CheckDomain(u.Host)
}

// CheckURLs returns the first match among urls.
func (x *Index) CheckURLs(urls []string) *Match {
	for _, u := range urls {
		if m := x.CheckURL(u); m != nil {
			return m
		}
	}
	return nil
}
