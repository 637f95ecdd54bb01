package netcap

import (
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// Heuristics that explain themselves. They stay LOW: each has innocent
// explanations, and the generated clean traffic (443, CA-issued or no
// certificate, system resolver) keeps them quiet.

var (
	hSelfSigned = &alert.Heuristic{
		ID:     "netcap.tls.self_signed",
		Title:  "Self-signed server certificate",
		Why:    "The server proved its identity with a certificate it signed itself. Public services use certificates from a known authority; command-and-control servers and stalkerware back ends often do not. Home routers, NAS boxes and test servers also do.",
		Action: "Look up the server name and address; if the phone has no reason to talk to a private device there, ask a digital-security helpline.",
	}
	hTLSPort = &alert.Heuristic{
		ID:     "netcap.tls.nonstandard_port",
		Title:  "TLS on a non-standard port",
		Why:    "The phone opened an encrypted connection on a port other than the usual ones (443, 853, 993, 995, 465, 587, 5223, 8443). Some spyware uses unusual ports to stand apart from web traffic; games, VPNs and messaging apps do too.",
		Action: "Check which app talks to this server name; an unknown one deserves a closer look.",
	}
	hDoH = &alert.Heuristic{
		ID:     "netcap.dns.doh_resolver",
		Title:  "Encrypted DNS resolver in use",
		Why:    "The phone contacted a DNS-over-HTTPS or DNS-over-TLS resolver. Its lookups after that point are encrypted, so this capture cannot show which names it resolved: a clean DNS section is not proof of anything. Android's Private DNS and browsers' secure DNS do this on purpose.",
		Action: "For a complete picture, capture again with Private DNS and secure DNS turned off, or use the resolver's own logs.",
	}
)

// standardTLSPorts are ports where TLS is expected.
var standardTLSPorts = map[uint16]bool{443: true, 853: true, 993: true, 995: true, 465: true, 587: true, 5223: true, 8443: true, 636: true, 990: true, 992: true, 5061: true}

// dohResolvers are well-known encrypted DNS endpoints (names as sent in
// the SNI).
var dohResolvers = []string{"dns.google", "dns.google.com", "cloudflare-dns.com", "one.one.one.one", "1dot1dot1dot1.cloudflare-dns.com",
	"dns.quad9.net", "dns9.quad9.net", "doh.opendns.com", "dns.nextdns.io", "dns.adguard.com", "dns.adguard-dns.com",
	"doh.cleanbrowsing.org", "doh.mullvad.net", "dns.mullvad.net", "chrome.cloudflare-dns.com", "mozilla.cloudflare-dns.com"}

func isDoH(name string) bool {
	for _, d := range dohResolvers {
		if name == d || strings.HasSuffix(name, "."+d) {
			return true
		}
	}
	return false
}

// Heuristics returns the heuristic alerts an event raises.
func Heuristics(e Event) []alert.Alert {
	var out []alert.Alert
	add := func(h *alert.Heuristic, msg string) {
		out = append(out, alert.Alert{Level: alert.Low, Message: msg, EventTime: e.Timestamp, Event: e, Heuristic: h})
	}
	switch e.Type {
	case EventTLS:
		if e.DstPort == 853 || isDoH(e.Name) {
			add(hDoH, fmt.Sprintf("Encrypted DNS resolver %s (%s port %d): later lookups are hidden from this capture", e.Name, e.DstIP, e.DstPort))
		}
		if !standardTLSPorts[e.DstPort] {
			add(hTLSPort, fmt.Sprintf("TLS connection to %s on port %d (%s)", orIP(e.Name, e.DstIP), e.DstPort, e.DstIP))
		}
	case EventQUIC:
		if isDoH(e.Name) {
			add(hDoH, fmt.Sprintf("Encrypted DNS resolver %s over QUIC (%s): later lookups are hidden from this capture", e.Name, e.DstIP))
		}
	case EventCertificate:
		if e.SelfSigned {
			add(hSelfSigned, fmt.Sprintf("Self-signed certificate for %s from %s:%d", orIP(e.Name, "(no name)"), e.DstIP, e.DstPort))
		}
	}
	return out
}

func orIP(name, ip string) string {
	if name != "" {
		return name
	}
	return ip
}
