// Package lookalike tells whether a host, a link or an email address imitates a well-known
// service (a brand) or a protected domain, without any indicator loaded: homoglyphs, typos, a
// brand's name inside someone else's domain, "user@host" links and link texts that name another
// host than the link opens. Every finding names the brand and says how, in plain words.
package lookalike

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

//go:embed brands.json
var defaultBrands []byte

// Brand is a service people trust: its name, its own registrable domains, and the words an
// imitation would use.
type Brand struct {
	Name string `json:"name"`
	// Domains are the brand's own registrable domains; hosts under them are never look-alikes.
	Domains []string `json:"domains"`
	// Names are distinctive words, caught even inside a longer label ("accountsgoogle").
	Names []string `json:"names"`
	// Words are ordinary words that are also brand names ("apple", "signal"), caught only when
	// they make up a whole label, to avoid flagging pineapple.com.
	Words []string `json:"words"`
	// NoTypo lists names whose misspellings are ordinary words ("appleid" / "applied"): they
	// are caught as written, not one typing mistake away.
	NoTypo []string `json:"no_typo,omitempty"`
}

type brandFile struct {
	Brands []Brand `json:"brands"`
}

// DefaultBrands returns the embedded brand list.
func DefaultBrands() []Brand {
	b, err := ParseBrands(strings.NewReader(string(defaultBrands)))
	if err != nil {
		panic("lookalike: embedded brands.json: " + err.Error()) // a build-time bug, tested
	}
	return b
}

// ParseBrands reads a brand list in the embedded format ({"brands": [...]}), so users can add
// their own services.
func ParseBrands(r io.Reader) ([]Brand, error) {
	var f brandFile
	dec := json.NewDecoder(io.LimitReader(r, 8<<20))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("brand list is not valid JSON: %w", err)
	}
	for i, b := range f.Brands {
		if strings.TrimSpace(b.Name) == "" || len(b.Domains) == 0 {
			return nil, fmt.Errorf("brand %d needs a name and at least one domain", i+1)
		}
	}
	return f.Brands, nil
}

// ProtectedBrand makes a brand from an organisation's own domain (--protect amnesty.org): its
// name is the domain, its word is the domain's first label.
func ProtectedBrand(domain string) (Brand, error) {
	h, err := normalizeHost(domain)
	if err != nil || h.reg == "" || h.label == "" {
		return Brand{}, fmt.Errorf("%q is not a domain name", domain)
	}
	b := Brand{Name: h.reg, Domains: []string{h.reg}}
	if len(h.label) >= 6 {
		b.Names = []string{h.label}
	} else {
		b.Words = []string{h.label}
	}
	return b, nil
}
