package lookalike

// typoKind says how s differs from want by exactly one edit, or "" when they differ by zero or
// more than one. The kinds are those of typosquatting: a letter left out, added, doubled,
// swapped with its neighbour, replaced (by a vowel, or by a character one bit away).
func typoKind(s, want string) string {
	ls, lw := len(s), len(want)
	switch {
	case ls == lw:
		i := 0
		for i < ls && s[i] == want[i] {
			i++
		}
		if i == ls {
			return ""
		}
		if i+1 < ls && s[i] == want[i+1] && s[i+1] == want[i] && s[i+2:] == want[i+2:] {
			return "transposition"
		}
		if s[i+1:] != want[i+1:] {
			return ""
		}
		if isVowel(s[i]) && isVowel(want[i]) {
			return "vowel swap"
		}
		if x := s[i] ^ want[i]; x&(x-1) == 0 {
			return "bitsquatting"
		}
		return "replacement"
	case ls == lw-1:
		i := 0
		for i < ls && s[i] == want[i] {
			i++
		}
		if s[i:] == want[i+1:] {
			return "omission"
		}
	case ls == lw+1:
		i := 0
		for i < lw && s[i] == want[i] {
			i++
		}
		if s[i+1:] == want[i:] {
			if i > 0 && s[i] == s[i-1] || i+1 < ls && s[i] == s[i+1] {
				return "repetition"
			}
			return "insertion"
		}
	}
	return ""
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// typoPhrase says a typo kind in plain words.
func typoPhrase(kind string) string {
	switch kind {
	case "transposition":
		return "two letters swapped"
	case "omission":
		return "a letter left out"
	case "insertion":
		return "an extra letter"
	case "repetition":
		return "a letter doubled"
	case "vowel swap":
		return "one vowel changed"
	case "bitsquatting":
		return "one character changed"
	default:
		return "one letter changed"
	}
}

// editDistance is the Levenshtein distance between a and b, or max+1 as soon as it exceeds max.
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	if len(a) > 64 || len(b) > 64 {
		return max + 1
	}
	var prev, cur [65]int
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > max {
			return max + 1
		}
		prev = cur
	}
	return prev[len(b)]
}
