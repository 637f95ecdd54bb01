package lookalike

import (
	"fmt"
	"slices"
	"strings"
)

// Technique names how a host imitates a brand; it is the alert's machine-readable reason.
type Technique string

// The techniques the checker recognises.
const (
	Homoglyph        Technique = "homoglyph"
	MixedScripts     Technique = "mixed_scripts"
	Typosquat        Technique = "typosquat"
	TLDSwap          Technique = "tld_swap"
	BrandSubdomain   Technique = "brand_in_subdomain"
	BrandInName      Technique = "brand_in_name"
	UserInfoTrick    Technique = "userinfo_trick"
	LinkTextMismatch Technique = "link_text_mismatch"
)

// Finding is one look-alike: which brand, how, and a sentence for a person who is not an expert.
type Finding struct {
	Host      string    `json:"host"`
	Brand     string    `json:"brand"`
	Technique Technique `json:"technique"`
	Sentence  string    `json:"sentence"`
}

// target is one word an imitation of a brand would use, precomputed for speed.
type target struct {
	brand    int
	word     string // as the brand writes it ("google")
	skel     string // its skeleton ("google"; "grnail" for gmail)
	embedded bool   // caught inside a longer label too
	typo     bool   // one typing mistake away is caught too
	// anyEnding: the same name under another ending is caught even on .com/.net/.org, where
	// ordinary words ("signal.com") were registered long ago by unrelated businesses.
	anyEnding bool
}

// Checker holds the brand list in the form the checks use. It is safe for concurrent use.
type Checker struct {
	brands  []Brand
	own     map[string]int // registrable domain -> brand
	country map[string]int // brand label whose country variants (google.com.br) are the brand's own
	targets []target
	cache   hostCache
}

// New builds a checker for brands (DefaultBrands, plus user brands and ProtectedBrand values).
func New(brands []Brand) *Checker {
	c := &Checker{brands: brands, own: map[string]int{}, country: map[string]int{}}
	seen := map[string]bool{}
	add := func(bi int, w string, t target) {
		w = strings.ToLower(strings.TrimSpace(w))
		if len(w) < 2 || seen[w] {
			return
		}
		seen[w] = true
		t.brand, t.word, t.skel = bi, w, skeleton(w)
		c.targets = append(c.targets, t)
	}
	for bi, b := range brands {
		for _, n := range b.Names {
			add(bi, n, target{embedded: true, typo: !slices.Contains(b.NoTypo, n), anyEnding: true})
		}
		for _, w := range b.Words {
			// Ordinary words: typos only of long ones (apply.com is not Apple).
			add(bi, w, target{typo: len(w) >= 7})
		}
		for _, d := range b.Domains {
			d = strings.ToLower(strings.TrimSpace(d))
			c.own[d] = bi
			h, err := normalizeHost(d)
			if err != nil {
				continue
			}
			c.own[h.reg] = bi
			if len(h.label) >= 4 && (h.suffix == "com" || h.suffix == "org" || h.suffix == "net") {
				c.country[h.label] = bi
				// The labels of the brand's other domains (gstatic, blogger): only the same
				// name under another ending; their typos are ordinary words (static, logger).
				add(bi, h.label, target{anyEnding: true})
			}
		}
	}
	return c
}

// Brands returns the brands the checker knows.
func (c *Checker) Brands() []Brand { return c.brands }

// CheckHost returns how host imitates a brand, or nil. A host that belongs to a brand (its own
// domains, their subdomains, the brand's name under a country ending) never yields a finding.
func (c *Checker) CheckHost(raw string) *Finding {
	h, err := normalizeHost(raw)
	if err != nil || h.ip {
		return nil
	}
	return c.checkHost(h)
}

func (c *Checker) owned(h host) bool {
	if _, ok := c.own[h.reg]; ok {
		return true
	}
	if bi, ok := c.country[h.label]; ok && isCountrySuffix(h.suffix) {
		_ = bi
		return true
	}
	return false
}

func (c *Checker) checkHost(h host) *Finding {
	if c.owned(h) {
		return nil
	}
	shown := h.unicode
	labelSkel := skeleton(h.labelU)
	unicodeLabel := h.labelU != h.label
	mixed, sc := mixedScripts(h.labelU)

	// 1. The whole name is the brand's, written with look-alike characters or under another ending.
	for _, t := range c.targets {
		if labelSkel != t.skel {
			continue
		}
		b := c.brands[t.brand].Name
		switch {
		case unicodeLabel:
			return c.finding(h, t, Homoglyph, fmt.Sprintf("%s imitates %s: it is written with letters from another alphabet (%s) that look like “%s”, but it is a different address.", shown, b, strings.Join(sc, " and "), t.word))
		case h.label == t.word:
			if !t.anyEnding && (h.suffix == "com" || h.suffix == "net" || h.suffix == "org") {
				continue
			}
			return c.finding(h, t, TLDSwap, fmt.Sprintf("%s imitates %s: it uses the name “%s” with a different ending (.%s), and it does not belong to %s.", shown, b, t.word, h.suffix, b))
		default:
			return c.finding(h, t, Homoglyph, fmt.Sprintf("%s imitates %s: “%s” replaces letters of “%s” with look-alike characters (such as 1 for l or 0 for o).", shown, b, h.label, t.word))
		}
	}
	// A name written wholly in another alphabet ("υαηοο", Greek, for yahoo) may map to a
	// prototype a letter or two away from the brand's: still a look-alike to a reader.
	if unicodeLabel && h.labelU != labelSkel {
		for _, t := range c.targets {
			if len(t.word) >= 5 && editDistance(labelSkel, t.skel, 2) <= 2 {
				b := c.brands[t.brand].Name
				return c.finding(h, t, Homoglyph, fmt.Sprintf("%s imitates %s: it is written with letters from another alphabet (%s) chosen to look like “%s”, but it is a different address.", shown, b, strings.Join(sc, " and "), t.word))
			}
		}
	}
	// 2. One typing mistake away from the brand's name.
	for _, t := range c.targets {
		kind := typoOf(labelSkel, t)
		if kind == "" && h.labelU == h.label {
			// The skeleton turns m into rn; compare the name as typed too (googme).
			kind = typoOf(h.label, target{word: t.word, skel: t.word, typo: t.typo})
		}
		if kind != "" {
			b := c.brands[t.brand].Name
			return c.finding(h, t, Typosquat, fmt.Sprintf("%s imitates %s: “%s” is “%s” with %s, a common trick to catch people who read quickly.", shown, b, h.labelU, t.word, typoPhrase(kind)))
		}
	}
	// 3. The brand's own address used as the beginning of someone else's.
	if bi, d := c.ownInside(h.sub); bi >= 0 {
		b := c.brands[bi].Name
		return &Finding{Host: shown, Brand: b, Technique: BrandSubdomain, Sentence: fmt.Sprintf("%s imitates %s: it starts with %s, but the address really belongs to %s, which is not %s.", shown, b, d, h.reg, b)}
	}
	// 4. The brand's name (or a misspelling of it) inside a longer name.
	if f := c.brandInName(h); f != nil {
		return f
	}
	if mixed {
		return &Finding{Host: shown, Technique: MixedScripts, Brand: "an address in " + sc[0] + " letters", Sentence: fmt.Sprintf("%s mixes letters from different alphabets (%s) in one name, a trick to imitate an address people know; browsers refuse to show such names.", shown, strings.Join(sc, " and "))}
	}
	return nil
}

func (c *Checker) finding(h host, t target, tech Technique, sentence string) *Finding {
	return &Finding{Host: h.unicode, Brand: c.brands[t.brand].Name, Technique: tech, Sentence: sentence}
}

// typoOf says how label is one typing mistake away from a target. Short words (under five
// letters) are left out: nearly every short name is one letter from another. Five-letter words
// must keep their first letter, so that "email" is not taken for "gmail".
func typoOf(label string, t target) string {
	if !t.typo || len(t.word) < 5 || len(label) < 4 {
		return ""
	}
	if d := len(label) - len(t.skel); d > 1 || d < -1 {
		return ""
	}
	if len(t.word) < 7 && label[0] != t.skel[0] {
		return ""
	}
	return typoKind(label, t.skel)
}

// ownInside finds a brand's own domain as a run of whole labels in sub
// ("accounts.google.com" in accounts.google.com.security-check.xyz).
func (c *Checker) ownInside(sub string) (int, string) {
	if sub == "" {
		return -1, ""
	}
	starts := []int{0}
	for i := 0; i < len(sub) && len(starts) < 16; i++ {
		if sub[i] == '.' {
			starts = append(starts, i+1)
		}
	}
	for si, s := range starts {
		for _, e := range starts[si+1:] {
			if bi, ok := c.own[sub[s:e-1]]; ok && strings.Contains(sub[s:e-1], ".") {
				return bi, sub[s : e-1]
			}
		}
		if bi, ok := c.own[sub[s:]]; ok && strings.Contains(sub[s:], ".") {
			return bi, sub[s:]
		}
	}
	return -1, ""
}

// brandInName looks for a distinctive brand word in the labels before the public suffix, split
// at dots, hyphens and underscores: google-verify.site, accountsgoog1e.com, srf-goolge.site.
func (c *Checker) brandInName(h host) *Finding {
	name := h.label
	if h.sub != "" {
		name = h.sub + "." + h.label
	}
	if h.unicode != h.ascii {
		u, _, _ := strings.Cut(h.unicode, "."+h.suffix)
		name = u
	}
	skel := skeleton(name)
	for len(skel) > 0 {
		i := strings.IndexAny(skel, ".-_")
		tok := skel
		if i >= 0 {
			tok, skel = skel[:i], skel[i+1:]
		} else {
			skel = ""
		}
		if len(tok) < 4 {
			continue
		}
		for _, t := range c.targets {
			b := c.brands[t.brand].Name
			if t.embedded && (tok == t.skel || strings.Contains(tok, t.skel)) {
				return c.finding(h, t, BrandInName, fmt.Sprintf("%s imitates %s: it puts the name “%s” in an address that belongs to %s, not to %s.", h.unicode, b, t.word, h.reg, b))
			}
			if !t.embedded || len(t.word) < 6 {
				continue
			}
			if kind := embeddedTypo(tok, t); kind != "" {
				return c.finding(h, t, Typosquat, fmt.Sprintf("%s imitates %s: it contains “%s” misspelled (%s), in an address that belongs to %s, not to %s.", h.unicode, b, t.word, typoPhrase(kind), h.reg, b))
			}
		}
	}
	return nil
}

// embeddedTypo finds a misspelled brand word that makes a whole token or begins or ends it
// (goolge, goolgeemail, accountsgoolge).
func embeddedTypo(tok string, t target) string {
	if k := typoOf(tok, t); k != "" {
		return k
	}
	for _, n := range []int{len(t.skel) - 1, len(t.skel), len(t.skel) + 1} {
		if n >= len(tok) || n < 5 {
			continue
		}
		if k := typoOf(tok[:n], t); k != "" {
			return k
		}
		if k := typoOf(tok[len(tok)-n:], t); k != "" {
			return k
		}
	}
	return ""
}

// isCountrySuffix reports whether a public suffix is a country ending (de, com.br, co.uk).
func isCountrySuffix(s string) bool {
	last := s
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		last = s[i+1:]
		switch s[:i] {
		case "com", "co", "org", "net", "ne", "or", "gob", "gov", "ac":
		default:
			return false
		}
	}
	return len(last) == 2 && last[0] >= 'a' && last[0] <= 'z' && last[1] >= 'a' && last[1] <= 'z'
}
