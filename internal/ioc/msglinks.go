package ioc

import "strings"

// MaxMessageLinks bounds the links one message record keeps in its
// "links" field. A crafted 132 MB SMS body of short links would otherwise
// make a record (and urls.json) of millions of links; the links past the
// bound are still checked against the indicators (MessageLinkMatch scans
// the text), and their count goes in the record's "links_truncated".
const MaxMessageLinks = 1000

// EachHTTPLink calls fn with every http(s) link of text, in order, as MVT's
// regex https?://[^\s]+ finds them, until fn returns false. It scans once
// and keeps nothing: text without "://" costs one substring search.
func EachHTTPLink(text string, fn func(string) bool) {
	if !strings.Contains(text, "://") {
		return
	}
	for i := 0; i+7 <= len(text); {
		j := indexFold(text[i:], "http")
		if j < 0 {
			return
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
		for end < len(text) && !isSpaceByte(text[end]) {
			end++
		}
		if end > k+3 && !fn(text[start:end]) {
			return
		}
		i = end
	}
}

// MessageLinks returns a message's http(s) links for its record: at most
// MaxMessageLinks of them (distinct ones only when distinct is set, as
// MVT's Android modules keep them), and how many links came after. Memory
// is bounded by the links kept, whatever the size of text.
func MessageLinks(text string, distinct bool) (links []string, more int) {
	var seen map[string]bool
	if distinct {
		seen = map[string]bool{}
	}
	EachHTTPLink(text, func(l string) bool {
		switch {
		case seen[l]:
		case len(links) == MaxMessageLinks:
			more++
		default:
			if seen != nil {
				seen[l] = true
			}
			links = append(links, l)
		}
		return true
	})
	return links, more
}
