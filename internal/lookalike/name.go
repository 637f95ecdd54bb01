package lookalike

import "strings"

// NameImitation returns the brand a sender's display name claims ("Google Security",
// "accounts.google.com") when the sender's domain does not belong to that brand, or "".
// Only distinctive names count, matched as whole words, so "Mark Apple" is not Apple.
func (c *Checker) NameImitation(displayName, senderDomain string) string {
	if displayName == "" {
		return ""
	}
	if h, err := normalizeHost(senderDomain); err == nil && c.owned(h) {
		return ""
	}
	words := strings.FieldsFunc(strings.ToLower(displayName), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f)
	})
	for _, w := range words {
		sk := skeleton(w)
		for _, t := range c.targets {
			if t.embedded && sk == t.skel {
				return c.brands[t.brand].Name
			}
		}
	}
	return ""
}
