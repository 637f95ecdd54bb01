package ioc

import (
	"bytes"
	"net/netip"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// maxHostLen bounds the stack buffer used to lower-case hosts without
// allocating; longer hosts (never valid DNS names) take the slow path.
const maxHostLen = 256

// CheckDomain matches a host name or IP address (a port, brackets and a
// trailing dot are ignored; case and Unicode/punycode spelling do not
// matter). A host matches a domain indicator equal to it or to any of its
// parent domains down to its registered domain (indicator a.example.org also
// matches x.a.example.org); an IP literal matches IP indicators.
func (x *Index) CheckDomain(host string) *Match {
	if x == nil {
		return nil
	}
	host = strings.TrimSpace(host)
	if h, ok := splitHostPort(host); ok {
		host = h
	}
	return x.checkHost(host)
}

// checkHost matches a host without port. It allocates only for hosts that
// need IDNA mapping or exceed maxHostLen.
func (x *Index) checkHost(host string) *Match {
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return nil
	}
	if host[0] == '[' || looksLikeIP(host) {
		if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
			return x.checkIP(a)
		}
	}
	if strings.IndexByte(host, '%') >= 0 || !isASCII(host) || len(host) > maxHostLen {
		h, err := normaliseHost(unescapeHost(host))
		if err != nil {
			return nil
		}
		if a, err := netip.ParseAddr(h); err == nil {
			return x.checkIP(a)
		}
		return x.checkDomainKey(h)
	}
	if !hasUpper(host) {
		return x.checkDomainKey(host)
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
	return x.checkDomainBytes(b)
}

// checkDomainKey walks h and its parent domains. h is lower-case ASCII.
func (x *Index) checkDomainKey(h string) *Match {
	set := x.sets[Domains]
	if len(set) == 0 || !x.mayHaveDomain(h) {
		return nil
	}
	if es, ok := set[h]; ok {
		return matchOf(es, "exact")
	}
	for i := strings.IndexByte(h, '.'); i >= 0; {
		p := h[i+1:]
		if es, ok := set[p]; ok && !x.exactOnly[p] {
			return x.parentMatch(h, p, es)
		}
		j := strings.IndexByte(p, '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return nil
}

// checkDomainBytes is checkDomainKey for a lower-cased stack buffer; the
// string(b) conversions in map indexes do not allocate.
func (x *Index) checkDomainBytes(h []byte) *Match {
	set := x.sets[Domains]
	if len(set) == 0 || !x.mayHaveDomainBytes(h) {
		return nil
	}
	if es, ok := set[string(h)]; ok {
		return matchOf(es, "exact")
	}
	for i := 0; i < len(h); i++ {
		if h[i] != '.' {
			continue
		}
		if es, ok := set[string(h[i+1:])]; ok && !x.exactOnly[string(h[i+1:])] {
			return x.parentMatch(string(h), string(h[i+1:]), es)
		}
	}
	return nil
}

// parentMatch says whether the parent p of host h that matched is h's
// registered domain (MVT also matches those) or a deeper parent.
func (x *Index) parentMatch(h, p string, es []Entry) *Match {
	how := "parent domain"
	if reg, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil && reg == p {
		how = "registered domain"
	}
	return matchOf(es, how)
}

func (x *Index) checkIP(a netip.Addr) *Match {
	a = a.Unmap().WithZone("")
	if es, ok := x.ips[a]; ok {
		return matchOf(es, "ip")
	}
	for _, n := range x.nets {
		if n.prefix.Contains(a) {
			return matchOf(n.entries, "ip network")
		}
	}
	return nil
}

func looksLikeIP(h string) bool {
	c := h[0]
	if c >= '0' && c <= '9' {
		// Only hosts ending in a digit can be IPv4 literals; this keeps
		// "1password.com" off the slow path.
		l := h[len(h)-1]
		return l >= '0' && l <= '9' || strings.IndexByte(h, ':') >= 0
	}
	return strings.IndexByte(h, ':') >= 0
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// unescapeHost decodes %XX escapes in a host, as browsers do before lookup.
func unescapeHost(h string) string {
	if strings.IndexByte(h, '%') < 0 {
		return h
	}
	var b strings.Builder
	for i := 0; i < len(h); i++ {
		if h[i] == '%' && i+2 < len(h) && isHex(h[i+1]) && isHex(h[i+2]) {
			b.WriteByte(unhex(h[i+1])<<4 | unhex(h[i+2]))
			i += 2
			continue
		}
		b.WriteByte(h[i])
	}
	return b.String()
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// splitHostPort removes a ":port" suffix and IPv6 brackets. A bare IPv6
// address (several colons, no brackets) is returned unchanged.
func splitHostPort(s string) (string, bool) {
	if strings.HasPrefix(s, "[") {
		if end := strings.IndexByte(s, ']'); end > 0 {
			return s[1:end], true
		}
		return s, false
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 || strings.IndexByte(s[:i], ':') >= 0 {
		return s, false
	}
	for j := i + 1; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return s, false
		}
	}
	return s[:i], true
}

// mayHaveDomain is the tails pre-check of checkDomainKey.
func (x *Index) mayHaveDomain(h string) bool {
	if _, ok := x.tails[lastLabels(h)]; ok {
		return true
	}
	if len(x.singles) == 0 {
		return false
	}
	_, ok := x.singles[h[strings.LastIndexByte(h, '.')+1:]]
	return ok
}

func (x *Index) mayHaveDomainBytes(h []byte) bool {
	i := bytes.LastIndexByte(h, '.')
	t := h
	if i >= 0 {
		if j := bytes.LastIndexByte(h[:i], '.'); j >= 0 {
			t = h[j+1:]
		}
	}
	if _, ok := x.tails[string(t)]; ok {
		return true
	}
	if len(x.singles) == 0 {
		return false
	}
	_, ok := x.singles[string(h[i+1:])]
	return ok
}
