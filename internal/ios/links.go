package ios

import "strings"

// findLinks returns the http(s) URLs in text, in order, as MVT's link regex
// (https?://[^\s]+) finds them. It is a hand-written scanner rather than a
// regular expression because it runs on every message of a million-row
// sms.db: text without "://" costs one substring search. It stays MVT's
// pattern because it fills the records' links field; links written without
// a scheme are checked separately (ioc.Index.MessageLinkMatch).
func findLinks(text string) []string {
	if !strings.Contains(text, "://") {
		return nil
	}
	var out []string
	for i := 0; i+7 <= len(text); {
		j := indexFold(text[i:], "http")
		if j < 0 {
			break
		}
		start := i + j
		k := start + 4
		if k < len(text) && (text[k] == 's' || text[k] == 'S') {
			k++
		}
		if !strings.HasPrefix(text[k:], "://") {
			i = start + 4
			continue
		}
		end := k + 3
		for end < len(text) && !isSpace(text[end]) {
			end++
		}
		if end > k+3 {
			out = append(out, text[start:end])
		}
		i = end
	}
	return out
}

// isSpace matches Python's \s for ASCII (Unicode spaces are rare in URLs and
// kept as part of them).
func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// indexFold is strings.Index ignoring ASCII case of the (lowercase) needle.
func indexFold(s, lower string) int {
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		c := s[i]
		if c != lower[0] && c != lower[0]-32 {
			continue
		}
		if strings.EqualFold(s[i:i+n], lower) {
			return i
		}
	}
	return -1
}
