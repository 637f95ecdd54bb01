package ios

import (
	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

// findLinks returns the http(s) URLs in text, in order, as MVT's link regex
// (https?://[^\s]+) finds them (ioc.EachHTTPLink, the one scanner message
// modules share). It keeps every link: callers are bounded by their input
// (a Shortcuts plist); message records use ioc.MessageLinks, which bounds
// them.
func findLinks(text string) []string {
	var out []string
	ioc.EachHTTPLink(text, func(l string) bool { out = append(out, l); return true })
	return out
}
