package ioc

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// ExtractURLs finds links in message text, in order, as MVT does for SMS
// and WhatsApp: http(s):// links (up to the next space), and bare links
// such as "www.example.org/x" or "example.org/x" whose last label is a real
// top-level domain. Trailing punctuation ("example.org.", "(see x.com)")
// is not part of a link. Email addresses are not links.
func ExtractURLs(text string) []string {
	var out []string
	eachURL(text, func(l string) bool { out = append(out, l); return true })
	return out
}

// eachURL is ExtractURLs calling fn with each link, until fn returns
// false, without keeping them: a message may hold millions.
func eachURL(text string, fn func(string) bool) {
	var buf []string
	for i := 0; i < len(text); {
		for i < len(text) && isLinkSep(text[i]) {
			i++
		}
		start := i
		for i < len(text) && !isSpaceByte(text[i]) {
			i++
		}
		if start == i {
			continue
		}
		buf = appendLinks(buf[:0], text[start:i])
		for _, l := range buf {
			if !fn(l) {
				return
			}
		}
	}
}

// maxGluedLinks bounds how many links glued together without a space one
// token is split into.
const maxGluedLinks = 64

// appendLinks adds the links in one space-free token.
func appendLinks(out []string, tok string) []string {
	if j := indexFold(tok, "http"); j >= 0 {
		rest := tok[j:]
		for glued := 0; ; {
			k := schemeEnd(rest)
			if k > 0 {
				link := trimLinkEnd(rest)
				// A second "http" glued on ("http://a.comhttp://b.com")
				// starts another link; after maxGluedLinks the rest is one
				// link, so that a crafted token of thousands of glued links
				// costs linear time (each split rescans the rest).
				if n := indexFold(link[k:], "http"); n >= 0 && schemeEnd(link[k+n:]) > 0 && glued < maxGluedLinks {
					glued++
					out = append(out, link[:k+n])
					rest = link[k+n:]
					continue
				}
				if len(link) > k {
					out = append(out, link)
				}
				return out
			}
			n := indexFold(rest[1:], "http")
			if n < 0 {
				break
			}
			rest = rest[1+n:]
		}
	}
	tok = strings.TrimLeft(tok, "([{<\"'")
	tok = trimLinkEnd(tok)
	if tok == "" || strings.IndexByte(tok, '@') >= 0 || strings.Contains(tok, "://") {
		return out
	}
	host := tok
	if k := strings.IndexAny(host, "/?#"); k >= 0 {
		host = host[:k]
	}
	if h, ok := splitHostPort(host); ok {
		host = h
	}
	if isBareLinkHost(host) {
		out = append(out, tok)
	}
	return out
}

// schemeEnd returns the length of "http://" or "https://" at the start of
// s (any case), or 0.
func schemeEnd(s string) int {
	switch {
	case len(s) >= 7 && strings.EqualFold(s[:7], "http://"):
		return 7
	case len(s) >= 8 && strings.EqualFold(s[:8], "https://"):
		return 8
	}
	return 0
}

// isBareLinkHost accepts www.* hosts and LDH hosts with at least two
// labels whose top-level domain is in the ICANN part of the public suffix
// list, so "e.g." or "file.txt" are not links but "evil.com" is.
func isBareLinkHost(h string) bool {
	if len(h) < 4 || h[0] == '.' || h[len(h)-1] == '.' || !strings.Contains(h, ".") {
		return false
	}
	lower := strings.ToLower(h)
	if checkLDH(lower) != nil {
		return false
	}
	if strings.HasPrefix(lower, "www.") && strings.Count(lower, ".") >= 2 {
		return true
	}
	tld := lower[strings.LastIndexByte(lower, '.')+1:]
	if strings.Trim(tld, "0123456789") == "" {
		return false
	}
	ps, icann := publicsuffix.PublicSuffix(lower)
	return icann && ps != lower && strings.HasSuffix(ps, tld)
}

// trimLinkEnd drops trailing punctuation, and a trailing closing bracket
// unless the link opens as many as it closes ("Foo_(bar)" keeps its ")").
// The brackets are counted once: recounting for each one trimmed made a
// crafted token of a million ")" take quadratic time.
func trimLinkEnd(s string) string {
	var opens, closes [3]int // (), [], {}
	counted := false
	for len(s) > 0 {
		c := s[len(s)-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '\'', '"', '>', '<':
			s = s[:len(s)-1]
		case ')', ']', '}':
			if !counted {
				for i := 0; i < len(s); i++ {
					if b := bracketIndex(s[i]); b >= 0 {
						if s[i] == '(' || s[i] == '[' || s[i] == '{' {
							opens[b]++
						} else {
							closes[b]++
						}
					}
				}
				counted = true
			}
			b := bracketIndex(c)
			if opens[b] >= closes[b] {
				return s
			}
			closes[b]--
			s = s[:len(s)-1]
		default:
			return s
		}
	}
	return s
}

// bracketIndex is 0, 1 or 2 for a round, square or curly bracket, else -1.
func bracketIndex(c byte) int {
	switch c {
	case '(', ')':
		return 0
	case '[', ']':
		return 1
	case '{', '}':
		return 2
	}
	return -1
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isLinkSep(c byte) bool { return isSpaceByte(c) }

// indexFold is strings.Index ignoring ASCII case of sub (lower-case).
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// BareLinks returns the links in text written without a scheme
// ("evil.com/track", "www.example.org/x"), in order. MVT checks only the
// http(s):// links of a message (its regex https?://[^\s]+), so a message
// that leaves the scheme out goes unchecked there; spyglass's message
// modules check these too, after the http(s) links.
func BareLinks(text string) []string {
	var out []string
	eachBareLink(text, func(l string) bool { out = append(out, l); return true })
	return out
}

// eachBareLink is BareLinks without keeping the links.
func eachBareLink(text string, fn func(string) bool) {
	if strings.IndexByte(text, '.') < 0 {
		return // a bare link's host has a dot: most messages stop here
	}
	eachURL(text, func(l string) bool { return schemeEnd(l) != 0 || fn(l) })
}

// MessageLinkMatch returns the first link of a message that matches an
// indicator: among its http(s) links first (MVT's: the record's links,
// then those past MaxMessageLinks that the record did not keep), then
// among the links its texts hold without a scheme (BareLinks). shown is
// the link as an alert names it, saying when it had no scheme. The texts
// are scanned without keeping their links, so a message of millions of
// links costs time linear in its size and no memory.
func (x *Index) MessageLinkMatch(links []string, texts ...string) (shown string, m *Match) {
	if x == nil {
		return "", nil
	}
	for _, l := range links {
		if m := x.CheckURL(l); m != nil {
			return l, m
		}
	}
	if len(links) >= MaxMessageLinks {
		for _, t := range texts {
			EachHTTPLink(t, func(l string) bool {
				m = x.CheckURL(l)
				shown = l
				return m == nil
			})
			if m != nil {
				return shown, m
			}
		}
	}
	for _, t := range texts {
		eachBareLink(t, func(l string) bool {
			m, shown = x.CheckURL(l), l
			return m == nil
		})
		if m != nil {
			return shown + " (a link written without http://)", m
		}
	}
	return "", nil
}
