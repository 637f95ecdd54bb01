package ioc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// shorteners are link-shortening services whose links hide the real
// destination. Our own list of well-known services; a host matches when it
// equals an entry or is a subdomain of one.
var shorteners = []string{
	"1drv.ms", "adf.ly", "amzn.to", "apple.co", "bit.do", "bit.ly", "bitly.com", "bl.ink", "buff.ly",
	"clck.ru", "cli.re", "cutt.ly", "db.tt", "dlvr.it", "fb.me", "forms.gle", "g.co", "goo.gl",
	"goo.su", "is.gd", "j.mp", "kutt.it", "lnkd.in", "mcaf.ee", "ow.ly", "qr.ae", "rb.gy",
	"rebrand.ly", "s.id", "short.io", "shorturl.at", "snip.ly", "t.co", "t.ly", "tiny.cc",
	"tinyurl.com", "tr.im", "trib.al", "u.to", "urlz.fr", "v.gd", "wp.me", "x.co", "y2u.be",
	"zpr.io", "shorte.st", "ouo.io", "bc.vc", "po.st", "soo.gd", "cutt.us", "gg.gg", "shrtco.de",
	"2u.pw", "lnk.to", "bitly.ws", "surl.li", "tinu.be", "shorturl.asia", "qrco.de",
}

// Expansion is what following a short link gave.
type Expansion struct {
	URL string
	// Chain lists every URL visited after URL, the last being the final
	// destination (empty when URL is not a short link or could not be
	// expanded).
	Chain []string
	Err   error
}

// Final is the last URL of the chain, or URL itself.
func (e Expansion) Final() string {
	if len(e.Chain) == 0 {
		return e.URL
	}
	return e.Chain[len(e.Chain)-1]
}

// Expander follows short links with HEAD requests. It contacts the
// shortening service, so it is used only when the user asks for it
// (--expand-urls). It is safe for concurrent use.
type Expander struct {
	client   *http.Client
	timeout  time.Duration
	maxDepth int
	hosts    map[string]bool
}

// NewExpander returns an Expander that sends requests through client (its
// redirects are not followed automatically), with a 15-second timeout per
// request and at most 5 nested short links.
func NewExpander(client *http.Client) *Expander {
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	e := &Expander{client: &c, timeout: 15 * time.Second, maxDepth: 5, hosts: map[string]bool{}}
	for _, h := range shorteners {
		e.hosts[h] = true
	}
	return e
}

// WithLimits returns a copy with another per-request timeout and depth.
func (e *Expander) WithLimits(timeout time.Duration, maxDepth int) *Expander {
	c := *e
	c.timeout, c.maxDepth = timeout, maxDepth
	return &c
}

// IsShortener reports whether raw is a link of a known shortening
// service. Google Maps short links (goo.gl/maps/…) are not: they only lead
// to maps and expanding them would reveal the analyst's interest.
func (e *Expander) IsShortener(raw string) bool {
	_, authority, rest := splitURL(strings.TrimSpace(raw))
	host, _ := hostOfAuthority(authority)
	h, err := normaliseHost(host)
	if err != nil {
		return false
	}
	if h == "goo.gl" && (rest == "/maps" || strings.HasPrefix(rest, "/maps/")) {
		return false
	}
	for p := h; p != ""; {
		if e.hosts[p] {
			return true
		}
		i := strings.IndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[i+1:]
	}
	return false
}

// Expand follows raw while it is a short link: each HEAD request's
// Location becomes the next URL, up to the depth limit. Loops stop the
// walk. Errors are returned in the Expansion with the chain so far.
func (e *Expander) Expand(ctx context.Context, raw string) Expansion {
	exp := Expansion{URL: raw}
	cur := raw
	seen := map[string]bool{raw: true}
	for depth := 0; e.IsShortener(cur); depth++ {
		if depth >= e.maxDepth {
			exp.Err = fmt.Errorf("more than %d nested short links", e.maxDepth)
			return exp
		}
		next, err := e.head(ctx, cur)
		if err != nil {
			exp.Err = err
			return exp
		}
		if next == "" || seen[next] {
			return exp
		}
		seen[next] = true
		exp.Chain = append(exp.Chain, next)
		cur = next
	}
	return exp
}

func (e *Expander) head(ctx context.Context, raw string) (string, error) {
	target := raw
	if !strings.Contains(target, "://") {
		target = "https://" + target
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, target, nil)
	if err != nil {
		return "", fmt.Errorf("expanding %s: %w", raw, err)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("expanding %s: %w", raw, err)
	}
	resp.Body.Close()
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return "", nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", errors.New("expanding " + raw + ": redirect without Location")
	}
	base, err := url.Parse(target)
	if err != nil {
		return loc, nil
	}
	ref, err := url.Parse(loc)
	if err != nil {
		return loc, nil
	}
	return base.ResolveReference(ref).String(), nil
}

// CheckURLExpanded checks raw and, when it is a short link without a match
// of its own, every URL it expands to. The expansion is returned for
// urls.json (expanded_url) even when nothing matched.
func (x *Index) CheckURLExpanded(ctx context.Context, e *Expander, raw string) (*Match, Expansion) {
	if m := x.CheckURL(raw); m != nil || e == nil || !e.IsShortener(raw) {
		return m, Expansion{URL: raw}
	}
	exp := e.Expand(ctx, raw)
	for _, u := range exp.Chain {
		if m := x.CheckURL(u); m != nil {
			return m, exp
		}
	}
	return nil, exp
}
