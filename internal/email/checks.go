package email

import (
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/lookalike"
	"github.com/spyglass-forensics/spyglass/internal/phishing"
	"golang.org/x/net/publicsuffix"
)

// maxExpansions bounds the short links followed per message: each one is a network request.
const maxExpansions = 20

var (
	heuristicAuthFailed = &alert.Heuristic{
		ID:    "email.authentication_failed",
		Title: "Sender authentication failed",
		Why: "The receiving mail server checked whether the message really comes from the sender's " +
			"domain (SPF, DKIM, DMARC) and the check failed. Forged senders fail these checks; " +
			"so, sometimes, do mailing lists and forwarded mail.",
		Action: "Do not trust the sender's name or address; confirm with the sender by another channel.",
	}
	heuristicDisplayName = &alert.Heuristic{
		ID:    "email.display_name_spoofing",
		Title: "Sender name imitates a service",
		Why: "The sender's display name names a well-known service, but the address behind it does " +
			"not belong to that service: mail programs often show only the name.",
		Action: "Look at the full sender address before acting on the message.",
	}
	heuristicReplyTo = &alert.Heuristic{
		ID:    "email.reply_to_other_domain",
		Title: "Replies go to another domain",
		Why: "Answers to this message go to a different domain than the sender's, a way for an " +
			"impostor to receive the replies. Newsletters and ticket systems do this too.",
		Action: "Check where a reply would go before answering.",
	}
)

// checkMessage raises the alerts of one message. Indicators first (CRITICAL), then the
// heuristics (look-alikes MEDIUM, authentication failures and display-name spoofing MEDIUM,
// Reply-To to another domain LOW).
//
// expand, when not nil (--expand-urls), returns where a short link leads; those addresses are
// checked as links of the message too.
func checkMessage(idx *ioc.Index, c *lookalike.Checker, m *Message, expand func(string) []string, alertf func(alert.Alert)) {
	ioc := func(what, value string, match *ioc.Match) {
		alertf(alert.Alert{Level: alert.Critical, EventTime: m.Date, Event: m, Indicator: match.Indicator(),
			Message: fmt.Sprintf("Email %q: %s %s matches the indicator %q of %s", m.Subject, what, value, match.Value, match.Collection)})
	}
	heur := func(level alert.Level, h *alert.Heuristic, msg string) {
		alertf(alert.Alert{Level: level, EventTime: m.Date, Event: m, Heuristic: h, Message: fmt.Sprintf("Email %q: %s", m.Subject, msg)})
	}
	type addr struct{ what, value string }
	var addrs []addr
	for _, a := range m.From {
		addrs = append(addrs, addr{"the sender", a})
	}
	for _, a := range m.ReplyTo {
		addrs = append(addrs, addr{"the Reply-To address", a})
	}
	if m.ReturnPath != "" {
		addrs = append(addrs, addr{"the Return-Path", m.ReturnPath})
	}
	if m.Sender != "" {
		addrs = append(addrs, addr{"the Sender address", m.Sender})
	}
	for _, a := range m.ForwardedFrom {
		addrs = append(addrs, addr{"the sender of the forwarded message", a})
	}
	suspicious := false
	for _, a := range addrs {
		if match := idx.CheckEmail(a.value); match != nil {
			ioc(a.what, a.value, match)
			continue
		}
		dom := domainOf(a.value)
		if match := idx.CheckDomain(dom); match != nil {
			ioc(a.what, a.value, match)
			continue
		}
		if f := c.CheckHost(dom); f != nil && !suspicious {
			suspicious = true
			heur(alert.Medium, phishing.HeuristicLookalike, fmt.Sprintf("%s %s: %s", a.what, a.value, f.Sentence))
		}
	}
	for _, a := range m.Attachments {
		for _, h := range []string{a.SHA256, a.MD5} {
			if match := idx.CheckHash(h); match != nil {
				ioc("the attachment", fmt.Sprintf("%q (%s)", a.FileName, h), match)
				break
			}
		}
	}
	links := m.Links
	if expand != nil {
		expanded := 0
		for _, l := range m.Links {
			if expanded == maxExpansions {
				break
			}
			if chain := expand(l.URL); len(chain) > 0 {
				expanded++
				m.Expanded = append(m.Expanded, chain...)
				for _, u := range chain {
					links = append(links[:len(links):len(links)], Link{URL: u})
				}
			}
		}
	}
	for _, l := range links {
		if match := idx.CheckURL(l.URL); match != nil {
			ioc("the link", l.URL, match)
			continue
		}
		if suspicious {
			continue
		}
		if f := c.CheckURL(l.URL); f != nil {
			suspicious = true
			heur(alert.Medium, phishing.HeuristicLookalike, fmt.Sprintf("the link %s: %s", l.URL, f.Sentence))
		} else if f := c.CheckLinkText(l.Text, l.URL); f != nil {
			suspicious = true
			heur(alert.Medium, phishing.HeuristicLookalike, f.Sentence)
		}
	}
	if fails := failed(m.Auth); len(fails) > 0 {
		heur(alert.Medium, heuristicAuthFailed, fmt.Sprintf("the receiving server's %s check failed for the sender %s", strings.ToUpper(strings.Join(fails, ", ")), strings.Join(m.From, ", ")))
	}
	for i, name := range m.fromNames {
		if i >= len(m.From) {
			break
		}
		if b := c.NameImitation(name, domainOf(m.From[i])); b != "" {
			heur(alert.Medium, heuristicDisplayName, fmt.Sprintf("the sender is named %q, like %s, but writes from %s, which does not belong to %s", name, b, m.From[i], b))
		}
	}
	if len(m.From) > 0 {
		from := registrable(domainOf(m.From[0]))
		for _, r := range m.ReplyTo {
			if rd := registrable(domainOf(r)); rd != "" && from != "" && rd != from {
				heur(alert.Low, heuristicReplyTo, fmt.Sprintf("replies go to %s, not to the sender's domain %s", r, from))
				break
			}
		}
	}
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(strings.TrimSpace(addr[i+1:]))
	}
	return ""
}

func registrable(d string) string {
	if r, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
		return r
	}
	return d
}
