package ioc

import (
	"strings"
)

// CheckURL matches a URL: first exactly against URL indicators (scheme and
// host compared case-insensitively, default port and empty path ignored),
// then its host by the CheckDomain rules. A string without a scheme is read
// as a host (with optional port and path); user info and ports are ignored.
// It allocates nothing for non-matching ASCII URLs.
func (x *Index) CheckURL(raw string) *Match {
	if x == nil {
		return nil
	}
	if raw == "" {
		return nil
	}
	if isSpaceByte(raw[0]) || isSpaceByte(raw[len(raw)-1]) {
		raw = strings.TrimSpace(raw)
	}
	scheme, authority, rest := splitURL(raw)
	host, port := hostOfAuthority(authority)
	if host == "" {
		return nil
	}
	if scheme != "" && len(x.urlHosts) > 0 {
		if m := x.checkExactURL(scheme, host, port, rest); m != nil {
			return m
		}
	}
	return x.checkHost(host)
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

// checkExactURL looks the URL up among URL indicators when its host is the
// host of one of them (a cheap pre-check that keeps the common case free of
// allocation).
func (x *Index) checkExactURL(scheme, host, port, rest string) *Match {
	if !x.maybeURLHost(host) {
		return nil
	}
	h, err := normaliseHost(unescapeHost(host))
	if err != nil {
		return nil
	}
	if _, ok := x.urlHosts[h]; !ok {
		return nil
	}
	return x.lookup(URLs, buildURLKey(scheme, h, port, rest), "exact url")
}

// splitURL splits "scheme://authority/rest". Without "://" the whole string
// up to the first / ? # is the authority. Backslashes end the authority as
// browsers treat them like slashes.
func splitURL(s string) (scheme, authority, rest string) {
	if i := strings.Index(s, "://"); i > 0 && validScheme(s[:i]) {
		scheme, s = s[:i], s[i+3:]
	} else {
		s = strings.TrimPrefix(s, "//")
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/', '?', '#', '\\':
			return scheme, s[:i], s[i:]
		}
	}
	return scheme, s, ""
}

func validScheme(s string) bool {
	if len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// hostOfAuthority drops user info and the port.
func hostOfAuthority(a string) (host, port string) {
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		a = a[i+1:]
	}
	h, ok := splitHostPort(a)
	if ok && len(h) < len(a) {
		if j := strings.LastIndexByte(a, ':'); j >= 0 && j+1 < len(a) && a[j+1] != ']' {
			port = a[j+1:]
		}
	}
	return h, port
}

// normaliseURLKey is the stored form of a URL indicator. Strings without a
// scheme get "http://".
func normaliseURLKey(v string) (string, bool) {
	scheme, authority, rest := splitURL(strings.TrimSpace(v))
	if scheme == "" {
		scheme = "http"
	}
	host, port := hostOfAuthority(authority)
	h, err := normaliseHost(unescapeHost(strings.Trim(host, "[]")))
	if err != nil || h == "" {
		return "", false
	}
	return buildURLKey(scheme, h, port, rest), true
}

func buildURLKey(scheme, host, port, rest string) string {
	scheme = strings.ToLower(scheme)
	if port == "80" && scheme == "http" || port == "443" && scheme == "https" {
		port = ""
	}
	if rest == "" {
		rest = "/"
	}
	if strings.IndexByte(host, ':') >= 0 {
		host = "[" + host + "]"
	}
	var b strings.Builder
	b.Grow(len(scheme) + 3 + len(host) + 1 + len(port) + len(rest))
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	if port != "" {
		b.WriteByte(':')
		b.WriteString(port)
	}
	b.WriteString(rest)
	return b.String()
}

// urlKeyHost returns the host of a normalised URL key.
func urlKeyHost(key string) string {
	_, authority, _ := splitURL(key)
	h, _ := hostOfAuthority(authority)
	return h
}

// maybeURLHost is a cheap test that host (not yet normalised) may be the
// host of a URL indicator: lower-cased in a stack buffer, without
// allocating. Hosts that need IDNA or unescaping answer true.
func (x *Index) maybeURLHost(host string) bool {
	host = strings.TrimSuffix(host, ".")
	if len(host) > maxHostLen || !isASCII(host) || strings.IndexByte(host, '%') >= 0 {
		return true
	}
	if !hasUpper(host) {
		_, ok := x.urlHosts[host]
		return ok
	}
	var buf [maxHostLen]byte
	b := buf[:len(host)]
	for i := 0; i < len(host); i++ {
		c := host[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	_, ok := x.urlHosts[string(b)]
	return ok
}
