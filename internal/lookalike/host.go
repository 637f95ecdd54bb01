package lookalike

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// maxHostLen bounds the work done on one host: DNS names are at most 253 bytes; anything longer
// is not a host a browser would open.
const maxHostLen = 253

var errNotHost = errors.New("not a host name")

// host is one host name in the forms the checks need.
type host struct {
	ascii   string // lower-case, punycode (xn--) form
	unicode string // IDNA Unicode form, what a person sees
	reg     string // registrable domain (eTLD+1), ASCII
	label   string // first label of reg, ASCII ("goolge" in goolge.cm)
	labelU  string // the same label in Unicode form
	suffix  string // public suffix ("cm", "com.br")
	sub     string // labels before reg, ASCII ("accounts.google.com" in accounts.google.com.x.xyz)
	ip      bool
}

// normalizeHost turns what may be a host name into its ASCII and Unicode forms and splits it
// along the public suffix list.
func normalizeHost(s string) (host, error) {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, '%') >= 0 {
		// Browsers decode %-escapes in hosts: g%6Fogle.com opens google.com.
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
	}
	s = strings.TrimRight(s, ".")
	if s == "" || len(s) > 4*maxHostLen {
		return host{}, errNotHost
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return host{ascii: strings.ToLower(s), unicode: strings.ToLower(s), ip: true}, nil
	}
	var h host
	if isASCIILower(s) {
		h.ascii = s
	} else {
		a, err := idna.Lookup.ToASCII(s)
		if err != nil {
			// Lookup refuses some mixed-script or disallowed names a browser would still show;
			// the lenient profile still gives the look-alike checks something to compare.
			if a, err = idna.Punycode.ToASCII(strings.ToLower(s)); err != nil {
				return host{}, errNotHost
			}
		}
		h.ascii = strings.TrimRight(a, ".")
	}
	if h.ascii == "" || len(h.ascii) > maxHostLen || strings.ContainsAny(h.ascii, " /\\@:") {
		return host{}, errNotHost
	}
	h.unicode = h.ascii
	if strings.Contains(h.ascii, "xn--") {
		if u, err := idna.Punycode.ToUnicode(h.ascii); err == nil {
			h.unicode = u
		}
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(h.ascii)
	if err != nil {
		reg = h.ascii // a bare suffix or a single label: the whole host is the name
	}
	h.reg = reg
	h.label, h.suffix, _ = strings.Cut(reg, ".")
	h.labelU = h.label
	if strings.HasPrefix(h.label, "xn--") {
		if u, err := idna.Punycode.ToUnicode(h.label); err == nil {
			h.labelU = u
		}
	}
	if len(h.ascii) > len(reg) {
		h.sub = h.ascii[:len(h.ascii)-len(reg)-1]
	}
	return h, nil
}

// isASCIILower reports whether s is already a lower-case ASCII host, the common case, which
// then skips IDNA entirely (it is the slowest step).
func isASCIILower(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c >= 'A' && c <= 'Z' {
			return false
		}
	}
	return true
}

// link is what a URL tells the look-alike checks: where it goes and what precedes an "@".
type link struct {
	host     string // authority host, raw
	userinfo string // text before "@" in the authority, which browsers ignore
}

// splitURL extracts the host and user info of a URL or of a bare host ("google.com/x"), the way
// browsers read them: scheme optional, authority up to the first / ? # or \.
func splitURL(raw string) (link, bool) {
	s := strings.TrimSpace(raw)
	if i := strings.Index(s, "://"); i > 0 && i < 32 {
		s = s[i+3:]
	} else if strings.HasPrefix(s, "//") {
		s = s[2:]
	} else if i := strings.IndexByte(s, ':'); i > 0 && i < 12 && !strings.ContainsAny(s[:i], "./@") {
		scheme := strings.ToLower(s[:i])
		if scheme == "mailto" || scheme == "tel" || scheme == "sms" || scheme == "javascript" || scheme == "data" {
			return link{}, false
		}
	}
	if end := strings.IndexAny(s, "/?#\\"); end >= 0 {
		s = s[:end]
	}
	var l link
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		l.userinfo, s = s[:at], s[at+1:]
	}
	// Drop a port, keeping IPv6 brackets intact.
	if strings.HasPrefix(s, "[") {
		if end := strings.IndexByte(s, ']'); end > 0 {
			s = s[:end+1]
		}
	} else if c := strings.LastIndexByte(s, ':'); c >= 0 {
		s = s[:c]
	}
	l.host = s
	return l, s != ""
}
