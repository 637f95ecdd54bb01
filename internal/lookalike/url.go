package lookalike

import (
	"fmt"
	"strings"
)

// CheckURL returns how a link imitates a brand: its host, or a "user@host" trick where the text
// before "@" looks like an address the browser will not open.
func (c *Checker) CheckURL(raw string) *Finding {
	l, ok := splitURL(raw)
	if !ok {
		return nil
	}
	ui := userinfoHost(l.userinfo)
	if ui == "" {
		if f, ok := c.cache.get(l.host); ok {
			return f
		}
	}
	h, err := normalizeHost(l.host)
	if err != nil {
		return nil
	}
	if ui != "" {
		f := &Finding{Host: h.unicode, Technique: UserInfoTrick}
		brand := "another address"
		if uh, err := normalizeHost(ui); err == nil {
			if bi, ok := c.own[uh.reg]; ok {
				brand = c.brands[bi].Name
			} else if bf := c.checkHost(uh); bf != nil {
				brand = bf.Brand
			}
		}
		f.Brand = brand
		f.Sentence = fmt.Sprintf("This link seems to go to %s, but everything before “@” is ignored: it really opens %s.", ui, h.unicode)
		return f
	}
	var f *Finding
	if !h.ip {
		f = c.checkHost(h)
	}
	c.cache.put(l.host, f)
	return f
}

// userinfoHost returns the user-info part of a URL when it looks like a host name (it has a dot
// and letters), which is the trick: https://google.com@evil.example/.
func userinfoHost(ui string) string {
	ui, _, _ = strings.Cut(ui, ":")
	if !strings.Contains(ui, ".") || strings.ContainsAny(ui, " /") {
		return ""
	}
	return ui
}

// CheckLinkText compares the text a person sees with where the link goes (an email's <a>
// text and href). When the text names a host and the link opens another registrable domain, the
// finding says both.
func (c *Checker) CheckLinkText(text, href string) *Finding {
	text = strings.TrimSpace(text)
	if text == "" || strings.ContainsAny(text, " \t\n") || !strings.Contains(text, ".") {
		return nil
	}
	tl, ok := splitURL(text)
	if !ok {
		return nil
	}
	th, err := normalizeHost(tl.host)
	if err != nil || th.suffix == "" || !knownSuffix(th.ascii) {
		return nil
	}
	hl, ok := splitURL(href)
	if !ok {
		return nil
	}
	hh, err := normalizeHost(hl.host)
	if err != nil || hh.reg == th.reg {
		return nil
	}
	brand := th.reg
	if bi, ok := c.own[th.reg]; ok {
		brand = c.brands[bi].Name
	}
	return &Finding{Host: hh.unicode, Brand: brand, Technique: LinkTextMismatch,
		Sentence: fmt.Sprintf("The link shows %s but opens %s, a different address.", th.unicode, hh.unicode)}
}
