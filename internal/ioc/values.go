package ioc

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// idnaProfile maps Unicode host names to their ASCII (A-label) form the way
// browsers do for lookups, without rejecting the odd labels real malicious
// domains use (underscores, double hyphens). It is immutable.
var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false), idna.CheckHyphens(false))

// typeFor maps a STIX object type and property path to an indicator type.
// Hash algorithm names are compared after removing quotes, '-' and '_' and
// lower-casing, so hashes.'SHA-256', hashes.SHA256 and hashes.sha256 agree.
func typeFor(object, path string) (Type, bool) {
	object = strings.ToLower(object)
	p := strings.ToLower(path)
	if alg, ok := strings.CutPrefix(p, "hashes."); ok && object == "file" {
		switch hashAlg(alg) {
		case "md5":
			return FilesMD5, true
		case "sha1":
			return FilesSHA1, true
		case "sha256":
			return FilesSHA256, true
		}
		return "", false
	}
	if alg, ok := strings.CutPrefix(p, "cert."); ok && object == "app" {
		switch hashAlg(alg) {
		case "md5", "sha1", "sha256":
			return AppCertHashes, true
		}
		return "", false
	}
	switch object + ":" + p {
	case "domain-name:value":
		return Domains, true
	case "ipv4-addr:value", "ipv6-addr:value":
		return IPs, true
	case "url:value":
		return URLs, true
	case "process:name":
		return Processes, true
	case "email-addr:value", "email-message:from_ref.value", "email-message:sender_ref.value":
		return Emails, true
	case "file:name":
		return FileNames, true
	case "file:path", "directory:path":
		return FilePaths, true
	case "app:id":
		return AppIDs, true
	case "configuration-profile:id":
		return IOSProfileIDs, true
	case "android-property:name":
		return AndroidPropertyNames, true
	}
	return "", false
}

func hashAlg(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"', '-', '_':
		default:
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
	}
	return string(b)
}

// normaliseValue validates an indicator value of type t and returns the key
// it is stored under, the type it really belongs to (an IP written as a
// domain-name becomes an IP) and a note for the loader's warnings when the
// value was changed. A non-nil error rejects the value.
func normaliseValue(t Type, v string) (key string, typ Type, note string, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", t, "", fmt.Errorf("empty value")
	}
	if !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\n\r") {
		return "", t, "", fmt.Errorf("value has invalid bytes")
	}
	switch t {
	case Domains:
		key, typ, note, err := normaliseDomainIOC(v)
		// IDNA maps some characters to nothing (a soft hyphen, found by
		// fuzzing: ".\u00ad"), so a value can normalise to no host at all.
		if err == nil && strings.Trim(key, ".") == "" {
			return "", t, "", fmt.Errorf("no host name left after IDNA normalisation")
		}
		return key, typ, note, err
	case IPs:
		k, err := normaliseIPIOC(v)
		return k, IPs, "", err
	case URLs:
		k, ok := normaliseURLKey(v)
		if !ok {
			return "", t, "", fmt.Errorf("not a URL with a host")
		}
		return k, t, "", nil
	case FilesMD5:
		return hexKey(v, t, 32)
	case FilesSHA1:
		return hexKey(v, t, 40)
	case FilesSHA256:
		return hexKey(v, t, 64)
	case AppCertHashes:
		// Certificates are often written with colons (AB:CD:…).
		h := strings.ReplaceAll(v, ":", "")
		if len(h) != 32 && len(h) != 40 && len(h) != 64 {
			return "", t, "", fmt.Errorf("certificate hash must have 32, 40 or 64 hex digits")
		}
		return hexKey(h, t, len(h))
	case Emails:
		at := strings.LastIndexByte(v, '@')
		if at <= 0 || at == len(v)-1 || strings.ContainsAny(v, " \t") {
			return "", t, "", fmt.Errorf("not an email address")
		}
		return strings.ToLower(v), t, "", nil
	case AppIDs, AndroidPropertyNames, IOSProfileIDs:
		if strings.ContainsAny(v, " \t/") {
			return "", t, "", fmt.Errorf("unexpected space or slash")
		}
		return strings.ToLower(v), t, "", nil
	case Processes:
		return v, t, "", nil
	case FileNames:
		return v, t, "", nil
	case FilePaths:
		k := strings.TrimRight(v, "/")
		if k == "" {
			return "", t, "", fmt.Errorf("the root directory is not a usable indicator")
		}
		return k, t, "", nil
	}
	return "", t, "", fmt.Errorf("unknown type %q", t)
}

func hexKey(v string, t Type, n int) (string, Type, string, error) {
	if len(v) != n {
		return "", t, "", fmt.Errorf("%s must have %d hex digits, not %d", t, n, len(v))
	}
	for i := 0; i < len(v); i++ {
		if !isHex(v[i]) {
			return "", t, "", fmt.Errorf("%s has a non-hex character", t)
		}
	}
	return strings.ToLower(v), t, "", nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// normaliseDomainIOC lower-cases, converts to ASCII (IDNA), drops a trailing
// dot and a leading "*.", turns IP literals into IP indicators and keeps the
// host of a value that carries a path (coruna.stix2 has "host/x").
func normaliseDomainIOC(v string) (string, Type, string, error) {
	if strings.ContainsAny(v, " \t\v\f") {
		return "", Domains, "", fmt.Errorf("a host name cannot contain spaces")
	}
	var note string
	if i := strings.IndexAny(v, "/?#"); i >= 0 {
		note = "domain-name value has a path; indexed its host " + v[:i]
		v = v[:i]
	}
	if rest, ok := strings.CutPrefix(v, "*."); ok {
		note = "wildcard removed (parent-domain matching covers subdomains)"
		v = rest
	}
	// "1.2.3.4." (a fully qualified name's trailing dot) is the address
	// too: as a domain it would never match (found by fuzzing).
	if t := strings.Trim(strings.TrimSuffix(v, "."), "[]"); t != "" && looksLikeIP(t) {
		if a, err := netip.ParseAddr(t); err == nil {
			return a.Unmap().String(), IPs, note, nil
		}
	}
	h, err := normaliseHost(v)
	if err != nil {
		return "", Domains, "", err
	}
	if err := checkLDH(h); err != nil {
		return "", Domains, "", err
	}
	if joinedIP(h) {
		return "", Domains, "", fmt.Errorf("looks like an IP address and a domain joined together (a lost line break)")
	}
	return h, Domains, note, nil
}

func normaliseIPIOC(v string) (string, error) {
	v = strings.Trim(v, "[]")
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return "", fmt.Errorf("not an IP address or network: %w", err)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked().String(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return "", fmt.Errorf("not an IP address: %w", err)
	}
	return a.Unmap().String(), nil
}

// normaliseHost is the one host normalisation used for indicators and for
// looked-up values: lower case, ASCII (punycode) form, no trailing dot.
func normaliseHost(h string) (string, error) {
	h = strings.TrimSuffix(strings.TrimSpace(h), ".")
	if h == "" {
		return "", fmt.Errorf("empty host")
	}
	if isASCII(h) {
		return strings.ToLower(h), nil
	}
	a, err := idnaProfile.ToASCII(h)
	if err != nil || a == "" {
		return "", fmt.Errorf("host %q is not a valid international domain name", h)
	}
	return strings.TrimSuffix(strings.ToLower(a), "."), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkLDH accepts letters, digits, hyphens and (leniently) underscores in
// labels of 1 to 63 characters, 253 characters in all.
func checkLDH(h string) error {
	if len(h) > 253 {
		return fmt.Errorf("domain longer than 253 characters")
	}
	for rest := h; rest != ""; {
		l := rest
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
			if rest == "" {
				return fmt.Errorf("domain %q has an empty label", h)
			}
		} else {
			rest = ""
		}
		if l == "" {
			return fmt.Errorf("domain %q has an empty label", h)
		}
		if len(l) > 63 {
			return fmt.Errorf("domain %q has a label longer than 63 characters", h)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("domain %q has the character %q, not allowed in host names", h, c)
			}
		}
	}
	return nil
}

// joinedIP recognises "46.183.184.91summerartcamp.net": three numeric labels
// and a fourth that starts with digits and goes on with letters, which is
// what an IP address and a domain run together look like (mvt-indicators
// PR #25). Hosts such as 10.0.0.1.nip.io have a separate fourth label and
// pass.
func joinedIP(h string) bool {
	labels := strings.SplitN(h, ".", 5)
	if len(labels) < 5 {
		return false
	}
	for _, l := range labels[:3] {
		if l == "" || len(l) > 3 || strings.Trim(l, "0123456789") != "" {
			return false
		}
	}
	l := labels[3]
	d := len(l) - len(strings.TrimLeft(l, "0123456789"))
	return d >= 1 && d <= 3 && d < len(l)
}
