package logging

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape makes text from the evidence safe to print on a terminal or to
// write in command.log. Device names, app ids, file names and error
// sentences that quote them are written by whoever made the evidence; raw,
// an ESC sequence in them could set the analyst's window title, write the
// clipboard (OSC 52) or clear the screen, and a newline could forge a log
// line. Every control character (C0, DEL, C1 including U+009B CSI), every
// byte that is not UTF-8 (a Latin-1 terminal reads 0x9B as CSI), and the
// bidi overrides and isolates (which reorder text so that it reads as
// something else) become Go-style escapes: \x1b, \u009b, \u202e. Everything
// else, including other non-ASCII text, is kept as it is.
//
// This is the one escaping function for console and log output; anything
// that prints evidence text outside the logger calls it too.
func Escape(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// firstUnsafe returns the offset of the first byte Escape must rewrite, or
// -1. Plain ASCII text, the common case, is checked without decoding.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || unsafeRune(r) {
			return i
		}
		i += n
	}
	return -1
}

// unsafeRune reports the characters a terminal or a text viewer acts on
// rather than shows.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators end a line in some viewers
		return true
	}
	return false
}
