// Package phishing checks links and emails for phishing: indicators of known campaigns, and
// look-alikes of well-known services found without any indicator (internal/lookalike).
package phishing

import (
	"context"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/lookalike"
)

// The verdicts of one link, as summary.json names them for a whole run.
const (
	IndicatorsFound   = "indicators_found"
	Suspicious        = "suspicious"
	NoKnownIndicators = "no_known_indicators"
	NothingChecked    = "nothing_checked"
)

// HeuristicLookalike explains a look-alike alert to the person reading the report.
var HeuristicLookalike = &alert.Heuristic{
	ID:    "phishing.lookalike",
	Title: "Address imitating a well-known service",
	Why: "The address is made to look like one of a service people trust (by a misspelling, " +
		"letters from another alphabet, or the service's name inside someone else's address). " +
		"This is the most common trick of phishing pages that steal passwords; genuine " +
		"services rarely use such addresses, though a few unrelated sites have similar names.",
	Action: "Do not enter a password on this page. If you already did, change that password from " +
		"the service's real address and review the account's sessions; a digital security " +
		"helpline (Access Now, Amnesty's Security Lab) can help.",
}

// LinkResult is the outcome for one link.
type LinkResult struct {
	URL       string           `json:"url"`
	Verdict   string           `json:"verdict"`
	Reason    string           `json:"reason"`
	Brand     string           `json:"brand,omitempty"`
	Technique string           `json:"technique,omitempty"`
	Indicator *alert.Indicator `json:"matched_indicator,omitempty"`
	// Expanded lists where a short link led, when --expand-urls allowed following it.
	Expanded []string `json:"expanded_url,omitempty"`
}

// CheckLinkExpanded is CheckLink that first follows a short link (bit.ly, t.co…) when e is not
// nil, and checks every address it leads to: the link's verdict is the worst of them.
func CheckLinkExpanded(ctx context.Context, idx *ioc.Index, c *lookalike.Checker, e *ioc.Expander, raw string) LinkResult {
	r := CheckLink(idx, c, raw)
	if e == nil || r.Verdict == IndicatorsFound || !e.IsShortener(raw) {
		return r
	}
	exp := e.Expand(ctx, raw)
	for _, u := range exp.Chain {
		sub := CheckLink(idx, c, u)
		if sub.Verdict == IndicatorsFound || sub.Verdict == Suspicious && r.Verdict != Suspicious {
			sub.Reason = "the short link leads to " + u + ": " + sub.Reason
			sub.URL = raw
			r = sub
		}
		if r.Verdict == IndicatorsFound {
			break
		}
	}
	r.Expanded = exp.Chain
	if exp.Err != nil && len(exp.Chain) == 0 && r.Verdict == NoKnownIndicators {
		r.Reason += fmt.Sprintf("; the short link could not be followed (%v)", exp.Err)
	}
	return r
}

// CheckLink checks one link against the indicators first, then for look-alikes.
func CheckLink(idx *ioc.Index, c *lookalike.Checker, raw string) LinkResult {
	r := LinkResult{URL: raw}
	if m := idx.CheckURL(raw); m != nil {
		r.Verdict = IndicatorsFound
		r.Indicator = m.Indicator()
		r.Reason = fmt.Sprintf("it matches the indicator %q of %s (%s)", m.Value, m.Collection, m.How)
		return r
	}
	if c != nil {
		if f := c.CheckURL(raw); f != nil {
			r.Verdict, r.Reason, r.Brand, r.Technique = Suspicious, f.Sentence, f.Brand, string(f.Technique)
			return r
		}
	}
	r.Verdict, r.Reason = NoKnownIndicators, "no indicator matches and it imitates none of the known services"
	return r
}
