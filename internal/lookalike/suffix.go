package lookalike

import "golang.org/x/net/publicsuffix"

// knownSuffix reports whether host ends in a suffix the public suffix list names (an ICANN or
// private rule), so that "file.txt" or "e.g." in a link text is not taken for a host.
func knownSuffix(host string) bool {
	s, icann := publicsuffix.PublicSuffix(host)
	if icann {
		return true
	}
	// Unlisted endings fall back to the last label; private rules contain a dot.
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return true
		}
	}
	return false
}
