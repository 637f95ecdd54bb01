package lookalike

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// asciiSkeleton is the confusables prototype of each ASCII byte ("1" -> "l", "0" -> "o",
// "m" -> "rn"), so that pure-ASCII hosts, the common case, never touch the map.
var asciiSkeleton [128]string

func init() {
	for c := 0; c < 128; c++ {
		s := string(rune(c))
		if c >= 'A' && c <= 'Z' {
			s = string(rune(c + 'a' - 'A'))
		}
		if p, ok := confusables[rune(c)]; ok {
			s = p
		}
		asciiSkeleton[c] = s
	}
}

// skeleton returns the UTS #39 skeleton of s, restricted to ASCII prototypes and lower-cased:
// two strings with the same skeleton look the same to a reader ("gооgle" with Cyrillic о and
// "google" share "google"). Beyond UTS #39 it also drops combining marks, so that "ġoogle" (g
// with a dot) compares equal to "google": a mark is easy to miss in an address bar.
func skeleton(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	if ascii {
		for i := 0; i < len(s); i++ {
			b.WriteString(asciiSkeleton[s[i]])
		}
		return b.String()
	}
	for _, r := range norm.NFD.String(s) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteString(asciiSkeleton[r])
		case unicode.Is(unicode.Mn, r):
			// dropped: see the function comment
		default:
			if p, ok := confusables[r]; ok {
				b.WriteString(p)
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
		}
	}
	return b.String()
}

// scripts names the writing systems of the letters in s, ignoring digits, hyphens and marks,
// in order of first appearance.
func scripts(s string) []string {
	var out []string
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		name := ""
		for _, sc := range scriptTables {
			if unicode.Is(sc.table, r) {
				name = sc.name
				break
			}
		}
		if name == "" {
			name = "other"
		}
		found := false
		for _, o := range out {
			if o == name {
				found = true
				break
			}
		}
		if !found {
			out = append(out, name)
		}
	}
	return out
}

var scriptTables = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Armenian", unicode.Armenian}, {"Arabic", unicode.Arabic}, {"Hebrew", unicode.Hebrew},
	{"Cherokee", unicode.Cherokee}, {"Georgian", unicode.Georgian}, {"Han", unicode.Han},
	{"Hiragana", unicode.Hiragana}, {"Katakana", unicode.Katakana}, {"Hangul", unicode.Hangul},
	{"Devanagari", unicode.Devanagari}, {"Thai", unicode.Thai},
}

// mixedScripts reports whether a label mixes alphabets in a way browsers refuse to display
// (UTS #39 "highly restrictive"): Latin with Cyrillic, Greek, Armenian or Cherokee, whose letters
// look alike. Latin with Han/Kana/Hangul is ordinary in Japanese, Chinese and Korean names.
func mixedScripts(s string) (bool, []string) {
	sc := scripts(s)
	if len(sc) < 2 {
		return false, sc
	}
	cjk := map[string]bool{"Latin": true, "Han": true, "Hiragana": true, "Katakana": true, "Hangul": true}
	for _, n := range sc {
		if !cjk[n] {
			return true, sc
		}
	}
	return false, sc
}
